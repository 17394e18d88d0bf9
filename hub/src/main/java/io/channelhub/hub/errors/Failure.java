package io.channelhub.hub.errors;

import java.util.Map;

/**
 * A failure of the hub's rules that needs no type of its own: its kind, code, message and details say it all. A
 * failure a caller inspects beyond its code gets its own {@link HubFailure} subclass instead (a quota refusal, a
 * rate-limit decision).
 */
public final class Failure extends HubFailure {

    private static final long serialVersionUID = 1L;

    private Failure(Kind kind, String code, String message, Map<String, Object> details, Long retryAfterSeconds) {
        super(kind, code, message, details, retryAfterSeconds);
    }

    public static Failure forbidden(String code, String message) {
        return new Failure(Kind.FORBIDDEN, code, message, Map.of(), null);
    }

    /**
     * Code {@code not_found}, message "{@code <what>} not found". Also used where the thing exists in another
     * tenant: the caller must not learn that it exists.
     */
    public static Failure notFound(String what) {
        return new Failure(Kind.NOT_FOUND, "not_found", what + " not found", Map.of(), null);
    }

    public static Failure conflict(String code, String message) {
        return new Failure(Kind.CONFLICT, code, message, Map.of(), null);
    }

    public static Failure conflict(String code, String message, Map<String, Object> details) {
        return new Failure(Kind.CONFLICT, code, message, details, null);
    }

    public static Failure invalid(String code, String message, Map<String, Object> details) {
        return new Failure(Kind.INVALID, code, message, details, null);
    }

    public static Failure limitReached(String code, String message, Map<String, Object> details) {
        return new Failure(Kind.LIMIT_REACHED, code, message, details, null);
    }

    public static Failure upstreamFailed(String code, String message, Map<String, Object> details) {
        return new Failure(Kind.UPSTREAM_FAILED, code, message, details, null);
    }

    public static Failure unavailable(String code, String message) {
        return new Failure(Kind.UNAVAILABLE, code, message, Map.of(), null);
    }

    /** Unavailable now, and worth trying again after {@code retryAfterSeconds}. */
    public static Failure unavailable(String code, String message, long retryAfterSeconds) {
        return new Failure(Kind.UNAVAILABLE, code, message, Map.of(), retryAfterSeconds);
    }

    public static Failure upstreamTimeout(String code, String message, Map<String, Object> details) {
        return new Failure(Kind.UPSTREAM_TIMEOUT, code, message, details, null);
    }
}
