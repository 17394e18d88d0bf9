package io.channelhub.hub.errors;

import java.util.Map;

/**
 * A failure the caller can act on: an HTTP status, a stable machine-readable code and a message without internals.
 * Rendered as {@code {"error":{"code","message","details"}}} by the web layer's error mappers.
 */
public class ApiException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    private final int status;
    private final String code;
    private final transient Map<String, Object> details;
    private transient Map<String, String> headers = Map.of();

    public ApiException(int status, String code, String message) {
        this(status, code, message, Map.of());
    }

    public ApiException(int status, String code, String message, Map<String, Object> details) {
        super(message, null, false, false);
        this.status = status;
        this.code = code;
        // A detail may be null ("last_inbound_at": null): it is part of the answer, not a bug.
        this.details = java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(details));
    }

    public int status() {
        return status;
    }

    public String code() {
        return code;
    }

    public Map<String, Object> details() {
        return details;
    }

    /** Response headers that go with the error ({@code Retry-After}, {@code Connection: close}). */
    public Map<String, String> headers() {
        return headers;
    }

    /** The same failure, answered with this header too. */
    public ApiException withHeader(String name, String value) {
        Map<String, String> h = new java.util.LinkedHashMap<>(headers);
        h.put(name, value);
        headers = Map.copyOf(h);
        return this;
    }

    /**
     * The HTTP answer to a failure of the hub's rules: its kind decides the status, its code, message and details
     * stay, and a retry delay it carries becomes {@code Retry-After}. The one place a kind meets a status.
     */
    public static ApiException from(HubFailure f) {
        int status = switch (f.kind()) {
            case FORBIDDEN -> 403;
            case NOT_FOUND -> 404;
            case CONFLICT -> 409;
            case INVALID -> 422;
            case LIMIT_REACHED -> 429;
            case UPSTREAM_FAILED -> 502;
            case UNAVAILABLE -> 503;
            case UPSTREAM_TIMEOUT -> 504;
        };
        ApiException e = new ApiException(status, f.code(), f.getMessage(), f.details());
        f.retryAfterSeconds().ifPresent(s -> e.withHeader("Retry-After", Long.toString(s)));
        return e;
    }

    public static ApiException badRequest(String code, String message) {
        return new ApiException(400, code, message);
    }

    public static ApiException unauthorized(String code, String message) {
        return new ApiException(401, code, message);
    }

    public static ApiException forbidden(String code, String message) {
        return new ApiException(403, code, message);
    }

    /** Also used where a resource exists in another tenant: the caller must not learn that it exists. */
    public static ApiException notFound(String what) {
        return new ApiException(404, "not_found", what + " not found");
    }

    public static ApiException conflict(String code, String message) {
        return new ApiException(409, code, message);
    }

    public static ApiException unprocessable(String code, String message, Map<String, Object> details) {
        return new ApiException(422, code, message, details);
    }
}
