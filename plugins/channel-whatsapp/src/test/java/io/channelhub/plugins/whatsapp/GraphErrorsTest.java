package io.channelhub.plugins.whatsapp;

import static org.assertj.core.api.Assertions.assertThat;

import io.channelhub.plugin.channel.SendResult;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class GraphErrorsTest {

    static final Instant NOW = Instant.parse("2025-06-09T12:00:00Z");

    /** Meta's documented error shape. */
    static byte[] graphError(int code) {
        return ("{\"error\":{\"message\":\"(#" + code + ") Message undeliverable\",\"type\":\"OAuthException\","
                + "\"code\":" + code + ",\"error_data\":{\"messaging_product\":\"whatsapp\",\"details\":"
                + "\"Message Undeliverable for +16505551234.\"},\"fbtrace_id\":\"AazFvR2Mu4bcSgBM8P4ZILU\"}}")
                .getBytes(StandardCharsets.UTF_8);
    }

    static SendResult failure(int status, Optional<String> retryAfter, byte[] body) {
        return GraphErrors.failure(status, retryAfter, body, NOW);
    }

    @Test
    void rateLimitsServerErrorsAndTemporaryCodesAreRetryable() {
        assertThat(failure(429, Optional.empty(), graphError(130429)))
                .isEqualTo(new SendResult.Retryable("130429", Optional.empty()));
        assertThat(failure(400, Optional.empty(), graphError(131056)))
                .isEqualTo(new SendResult.Retryable("131056", Optional.empty()));
        assertThat(failure(500, Optional.empty(), graphError(131000)))
                .isEqualTo(new SendResult.Retryable("131000", Optional.empty()));
        assertThat(failure(503, Optional.empty(), graphError(131016)))
                .isEqualTo(new SendResult.Retryable("131016", Optional.empty()));
        assertThat(failure(502, Optional.empty(), "<html>bad gateway</html>".getBytes(StandardCharsets.UTF_8)))
                .isEqualTo(new SendResult.Retryable("http_502", Optional.empty()));
        assertThat(failure(429, Optional.empty(), new byte[0]))
                .isEqualTo(new SendResult.Retryable("http_429", Optional.empty()));
        assertThat(failure(400, Optional.empty(), graphError(80007))).isInstanceOf(SendResult.Retryable.class);
    }

    @Test
    void honoursRetryAfterInSecondsOrAsADate() {
        assertThat(failure(429, Optional.of("7"), graphError(130429)))
                .isEqualTo(new SendResult.Retryable("130429", Optional.of(Duration.ofSeconds(7))));
        assertThat(failure(503, Optional.of("Mon, 09 Jun 2025 12:00:30 GMT"), new byte[0]))
                .isEqualTo(new SendResult.Retryable("http_503", Optional.of(Duration.ofSeconds(30))));
        assertThat(failure(503, Optional.of("later"), new byte[0]))
                .isEqualTo(new SendResult.Retryable("http_503", Optional.empty()));
    }

    @Test
    void everythingElseIsPermanentWithTheGraphCodeAndNoPersonalData() {
        for (int code : new int[] {131047, 131026, 131051, 132000, 132001, 190, 131050, 100}) {
            SendResult r = failure(400, Optional.empty(), graphError(code));
            assertThat(r).isInstanceOfSatisfying(SendResult.Permanent.class, p -> {
                assertThat(p.code()).isEqualTo(String.valueOf(code));
                assertThat(p.reason()).isNotBlank().doesNotContain("16505551234").doesNotContain("fbtrace");
            });
        }
        assertThat(((SendResult.Permanent) failure(401, Optional.empty(), graphError(190))).reason())
                .isEqualTo("access token expired or invalid");
        assertThat(failure(400, Optional.empty(), graphError(999999)))
                .isEqualTo(new SendResult.Permanent("999999", "Graph API error 999999 (HTTP 400)",
                        "(#999999) Message undeliverable", "Message Undeliverable for +16505551234."));
        assertThat(failure(404, Optional.empty(), "nope".getBytes(StandardCharsets.UTF_8)))
                .isEqualTo(new SendResult.Permanent("http_404", "the Graph API refused the request (HTTP 404)"));
    }

    @Test
    void readsTheMessageIdAndTheErrorFields() {
        byte[] ok = ("{\"messaging_product\":\"whatsapp\",\"contacts\":[{\"input\":\"+16505551234\",\"wa_id\":"
                + "\"16505551234\"}],\"messages\":[{\"id\":\"wamid.HBgLMTY1\",\"message_status\":\"accepted\"}]}")
                .getBytes(StandardCharsets.UTF_8);
        assertThat(GraphErrors.messageId(ok)).contains("wamid.HBgLMTY1");
        assertThat(GraphErrors.messageId("{\"success\":true}".getBytes(StandardCharsets.UTF_8))).isEmpty();
        assertThat(GraphErrors.success("{\"success\":true}".getBytes(StandardCharsets.UTF_8))).isTrue();
        assertThat(GraphErrors.parse(graphError(131026))).contains(new GraphErrors.GraphError("131026",
                "OAuthException", "AazFvR2Mu4bcSgBM8P4ZILU", "(#131026) Message undeliverable",
                "Message Undeliverable for +16505551234."));
    }
}
