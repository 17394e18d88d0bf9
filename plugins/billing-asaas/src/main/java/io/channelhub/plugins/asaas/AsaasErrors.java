package io.channelhub.plugins.asaas;

import io.channelhub.plugin.billing.GatewayException;
import java.util.Map;

/**
 * Failed Asaas answers as {@link GatewayException}s. Asaas documents its errors as
 * {@code {"errors":[{"code","description"}]}} on a 400; the first error's code is the stable part, the description
 * is Portuguese text for the operator. Retryable: 429 (rate limit, quota, concurrent GETs) and 5xx; everything else
 * is the request's fault and will fail the same way again.
 */
final class AsaasErrors {

    static final String UNAUTHORIZED = "unauthorized";
    static final String NOT_FOUND = "not_found";
    static final String RATE_LIMITED = "rate_limited";
    static final String NETWORK = "network_error";

    private AsaasErrors() {
    }

    static GatewayException of(int status, byte[] body) {
        if (status == 401) {
            return new GatewayException(UNAUTHORIZED, "Asaas refused the API key (HTTP 401): missing, invalid or "
                    + "of the other environment", false);
        }
        if (status == 404) {
            return new GatewayException(NOT_FOUND, "Asaas has no such object (HTTP 404)", false);
        }
        if (status == 429) {
            return new GatewayException(RATE_LIMITED, "Asaas rate limit or quota reached (HTTP 429)", true);
        }
        if (status >= 500) {
            return new GatewayException("http_" + status, "Asaas failed (HTTP " + status + ")", true);
        }
        Map<String, Object> first = firstError(body);
        String code = Json.text(first, "code").orElse(null);
        if (code == null) {
            String reason = status == 403 ? "Asaas forbade the request (HTTP 403: API abuse, a parameter that is not "
                    + "allowed, or a body on a GET)" : "Asaas refused the request (HTTP " + status + ")";
            return new GatewayException("http_" + status, reason, false);
        }
        return new GatewayException(code, Json.text(first, "description").orElse(code), false);
    }

    private static Map<String, Object> firstError(byte[] body) {
        try {
            var errors = Json.list(Json.object(body), "errors");
            return errors.isEmpty() ? Map.of() : Json.asObject(errors.get(0));
        } catch (IllegalArgumentException e) {
            return Map.of();
        }
    }
}
