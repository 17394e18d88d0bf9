package io.channelhub.hub.errors;

import java.util.Map;
import java.util.OptionalLong;

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
        /** The caller may not do this (a permission, a suspended tenant). */
        FORBIDDEN,
        /** The thing named does not exist for this tenant. */
        NOT_FOUND,
        /** It clashes with the current state (a duplicate, work in progress). */
        CONFLICT,
        /** The request breaks a rule of what may be stored or done (a field, a state). */
        INVALID,
        /**
         * A limit is reached (the tenant's plan, an operator's rate limit, a model provider's); the same work may
         * pass later.
         */
        LIMIT_REACHED,
        /** A service the hub called (a model provider) failed or refused the hub's credentials. */
        UPSTREAM_FAILED,
        /** Something the hub needs cannot serve now (Redis, a hashing slot, an agent to answer). */
        UNAVAILABLE,
        /** A service the hub called did not answer in time. */
        UPSTREAM_TIMEOUT
    }

    private final Kind kind;
    private final String code;
    private final transient Map<String, Object> details;
    private final Long retryAfterSeconds;

    protected HubFailure(Kind kind, String code, String message, Map<String, Object> details) {
        this(kind, code, message, details, null);
    }

    /** {@code retryAfterSeconds}: when the same work is worth trying again; null when the failure does not say. */
    protected HubFailure(Kind kind, String code, String message, Map<String, Object> details,
                         Long retryAfterSeconds) {
        super(message, null, false, false);
        this.kind = kind;
        this.code = code;
        // A detail may be null ("last_inbound_at": null): it is part of the answer, not a bug.
        this.details = java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(details));
        this.retryAfterSeconds = retryAfterSeconds;
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

    public OptionalLong retryAfterSeconds() {
        return retryAfterSeconds == null ? OptionalLong.empty() : OptionalLong.of(retryAfterSeconds);
    }
}
