package io.channelhub.hub.observability;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.channelhub.hub.support.HubIntegrationTest;
import io.channelhub.hub.support.TestHub;
import org.junit.jupiter.api.Test;

/** Health checks and Prometheus metrics on the admin port. */
abstract class ObservabilityContract extends HubIntegrationTest {

    protected abstract boolean withRedis();

    @Override
    protected io.dropwizard.testing.ConfigOverride[] overrides() {
        return withRedis()
                ? new io.dropwizard.testing.ConfigOverride[] {
                    io.dropwizard.testing.ConfigOverride.config("redis.uri", System.getenv()
                            .getOrDefault("CHANNELHUB_TEST_REDIS_URI", "redis://127.0.0.1:6379"))}
                : new io.dropwizard.testing.ConfigOverride[0];
    }

    @Test
    void healthCoversDatabasePluginsAndRedisWhenConfigured() {
        TestHub.Reply r = hub.send(null, "GET", hub.adminUrl("/healthcheck"), null);
        JsonNode h = r.json();
        assertThat(h.get("database").get("healthy").asBoolean()).isTrue();
        assertThat(h.get("plugin-test-channel").get("healthy").asBoolean()).isTrue();
        if (withRedis()) {
            assertThat(h.get("redis").get("healthy").asBoolean()).as("redis health: " + h.get("redis")).isTrue();
        } else {
            assertThat(h.has("redis")).isFalse();
        }
        assertThat(r.status()).isEqualTo(200);
    }

    @Test
    void servesPrometheusMetricsWithoutTenantLabels() {
        hub.get(TestHub.ROOT_KEY, "/admin/tenants");
        TestHub.Reply r = hub.send(null, "GET", hub.adminUrl("/prometheus"), null);
        assertThat(r.status()).isEqualTo(200);
        assertThat(r.headers().firstValue("Content-Type").orElse("")).startsWith("text/plain");
        assertThat(r.body()).contains("# TYPE").contains("jvm_memory_used_bytes");
        assertThat(r.body()).doesNotContain("tenant_id=").doesNotContain("ten_");
    }

    @Test
    void answersWithTheTraceIdOfAnIncomingTraceparent() {
        var req = java.net.http.HttpRequest.newBuilder(java.net.URI.create(hub.url("/v1/me")))
                .header("traceparent", "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01").GET().build();
        try {
            var res = java.net.http.HttpClient.newHttpClient().send(req,
                    java.net.http.HttpResponse.BodyHandlers.ofString());
            assertThat(res.headers().firstValue("X-Trace-Id")).hasValue("4bf92f3577b34da6a3ce929d0e0e4736");
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }
}
