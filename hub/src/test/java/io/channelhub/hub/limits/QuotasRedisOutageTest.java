package io.channelhub.hub.limits;

import static org.assertj.core.api.Assertions.assertThat;

import io.channelhub.hub.support.TestDatabase;
import io.channelhub.hub.support.TestHub;
import io.channelhub.hub.support.TestPlugins;
import io.dropwizard.testing.ConfigOverride;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** With Redis unreachable, hard quotas still hold, checked against the ledger, and the fallback is counted. */
class QuotasRedisOutageTest {

    @TempDir
    Path plugins;

    @Test
    void hardQuotasFallBackToTheLedgerWhenRedisIsDown() {
        TestPlugins.testChannel(plugins);
        try (TestHub hub = TestHub.start(TestDatabase.create(TestDatabase.Kind.H2), plugins,
                ConfigOverride.config("redis.uri", "redis://127.0.0.1:1"))) {
            String t = hub.createTenant("quota-outage");
            String key = hub.createKey(t, "admin").get("key").asText();
            TestHub.check(hub.post(key, "/v1/agents", Map.of("slug", "agent", "name", "A")), 201);
            String c = TestHub.check(hub.post(key, "/v1/conversations", Map.of()), 201).json().get("id").asText();
            TestHub.check(hub.post(TestHub.ROOT_KEY, "/admin/tenants/" + t + "/quotas", Map.of("usage_type",
                    "messages.in", "period", "daily", "limit", 2, "mode", "hard")), 201);
            String path = "/v1/conversations/" + c + "/messages";
            assertThat(hub.post(key, path, Map.of("content", "one")).status()).isEqualTo(201);
            assertThat(hub.post(key, path, Map.of("content", "two")).status()).isEqualTo(201);
            TestHub.Reply refused = hub.post(key, path, Map.of("content", "three"));
            assertThat(refused.code()).isEqualTo("quota_exceeded");
            assertThat(refused.json().get("error").get("details").get("used").asLong()).isEqualTo(2);
            TestHub.Reply metrics = hub.send(null, "GET", hub.adminUrl("/metrics"), null);
            assertThat(metrics.json().path("meters").path("quota.redis-fallback").path("count").asLong())
                    .isGreaterThanOrEqualTo(3);
        }
    }
}
