package io.channelhub.hub.web;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.Map;

/** The one error shape of the whole API. */
public record ErrorResponse(Body error) {

    /** The request's trace id goes with every error, so a caller can quote it to the operator. */
    public static ErrorResponse of(String code, String message, Map<String, Object> details) {
        return new ErrorResponse(new Body(code, message, details == null || details.isEmpty() ? null : details,
                io.channelhub.hub.web.TraceIds.current()));
    }

    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Body(String code, String message, Map<String, Object> details,
                       @com.fasterxml.jackson.annotation.JsonProperty("trace_id") String traceId) {
    }
}
