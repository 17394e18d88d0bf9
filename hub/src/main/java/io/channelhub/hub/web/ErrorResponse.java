package io.channelhub.hub.web;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.Map;

/** The one error shape of the whole API. */
public record ErrorResponse(Body error) {

    /** The request's trace id goes with every error, so a caller can quote it to the operator. */
    public static ErrorResponse of(String code, String message, Map<String, Object> details) {
        return new ErrorResponse(new Body(code, message, details == null || details.isEmpty() ? null : details,
                io.channelhub.hub.web.TraceIds.current(), null));
    }

    /**
     * The same with OpenAI's error {@code type} for the HTTP status: the official SDKs read it from every error
     * (an error without it makes their {@code type()} throw), and the hub serves OpenAI-shaped routes.
     */
    public static ErrorResponse of(int status, String code, String message, Map<String, Object> details) {
        return new ErrorResponse(new Body(code, message, details == null || details.isEmpty() ? null : details,
                io.channelhub.hub.web.TraceIds.current(), type(status)));
    }

    static String type(int status) {
        return switch (status) {
            case 401 -> "authentication_error";
            case 403 -> "permission_error";
            case 404 -> "not_found_error";
            case 409 -> "conflict_error";
            case 429 -> "rate_limit_error";
            default -> status >= 500 ? "server_error" : "invalid_request_error";
        };
    }

    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Body(String code, String message, Map<String, Object> details,
                       @com.fasterxml.jackson.annotation.JsonProperty("trace_id") String traceId, String type) {
    }
}
