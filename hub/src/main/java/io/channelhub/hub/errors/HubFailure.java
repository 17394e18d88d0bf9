package io.channelhub.hub.errors;

import java.util.Map;

/**
 * A failure of the hub's own rules, raised below the web layer: what kind it is, a stable code and a message
 * without internals, and the details a caller can act on. It names no HTTP status; the web layer maps each
 * {@link Kind} to one ({@code ApiException.from}), a background worker decides what the kind means for its work
 * (a queued turn refused by a quota is not retried, a model outage is).
 */
public abstract class HubFailure extends RuntimeException {

    private static final long serialVersionUID = 1L;

    /** What went wrong, in terms of the work, not of a protocol. */
    public enum Kind {
        /** The request breaks a rule of what may be stored or done (a field, a state). */
        INVALID,
        /** The thing named does not exist for this tenant. */
        NOT_FOUND,
        /** It clashes with the current state (a duplicate, work in progress). */
        CONFLICT,
        /** A limit the tenant's plan or an operator set is reached; the same work may pass later. */
        LIMIT_REACHED,
        /** Something the hub depends on cannot serve now. */
        UNAVAILABLE
    }

    private final Kind kind;
    private final String code;
    private final transient Map<String, Object> details;

    protected HubFailure(Kind kind, String code, String message, Map<String, Object> details) {
        super(message, null, false, false);
        this.kind = kind;
        this.code = code;
        this.details = java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(details));
    }

    public Kind kind() {
        return kind;
    }

    public String code() {
        return code;
    }

    public Map<String, Object> details() {
        return details;
    }
}
