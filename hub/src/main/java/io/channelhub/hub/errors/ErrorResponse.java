package io.channelhub.hub.errors;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.Map;

/** The one error shape of the whole API. */
public record ErrorResponse(Body error) {

    public static ErrorResponse of(String code, String message, Map<String, Object> details) {
        return new ErrorResponse(new Body(code, message, details == null || details.isEmpty() ? null : details));
    }

    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Body(String code, String message, Map<String, Object> details) {
    }
}
