package io.channelhub.plugins.asaas;

import static org.assertj.core.api.Assertions.assertThat;

import io.channelhub.plugin.billing.GatewayException;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class AsaasErrorsTest {

    // Asaas's documented example answer to an invalid POST /payments.
    static final String TWO_ERRORS = "{\"errors\":[{\"code\":\"invalid_value\",\"description\":\"O campo value deve "
            + "ser informado\"},{\"code\":\"invalid_dueDate\",\"description\":\"A data de vencimento não pode ser "
            + "inferior à hoje\"}]}";

    private static GatewayException of(int status, String body) {
        return AsaasErrors.of(status, body.getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void aBadRequestCarriesTheFirstAsaasErrorAndIsNotRetryable() {
        GatewayException e = of(400, TWO_ERRORS);
        assertThat(e.code()).isEqualTo("invalid_value");
        assertThat(e.getMessage()).isEqualTo("O campo value deve ser informado");
        assertThat(e.retryable()).isFalse();
    }

    @Test
    void unauthorizedIsPermanent() {
        GatewayException e = of(401, "");
        assertThat(e.code()).isEqualTo("unauthorized");
        assertThat(e.retryable()).isFalse();
    }

    @Test
    void notFoundIsPermanent() {
        GatewayException e = of(404, "{\"errors\":[{\"code\":\"not_found\",\"description\":\"x\"}]}");
        assertThat(e.code()).isEqualTo("not_found");
        assertThat(e.retryable()).isFalse();
    }

    @Test
    void rateLimitAndServerErrorsAreRetryable() {
        assertThat(of(429, "").code()).isEqualTo("rate_limited");
        assertThat(of(429, "").retryable()).isTrue();
        assertThat(of(500, "oops").retryable()).isTrue();
        assertThat(of(503, "").code()).isEqualTo("http_503");
    }

    @Test
    void otherClientErrorsWithoutAnAsaasBodyAreNamedByStatus() {
        GatewayException e = of(403, "<html>CloudFront</html>");
        assertThat(e.code()).isEqualTo("http_403");
        assertThat(e.retryable()).isFalse();
        assertThat(of(400, "{}").code()).isEqualTo("http_400");
    }
}
