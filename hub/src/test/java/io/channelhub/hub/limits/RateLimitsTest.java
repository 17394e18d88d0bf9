package io.channelhub.hub.limits;

import static org.assertj.core.api.Assertions.assertThat;

import io.channelhub.hub.support.TestDatabase;
import io.channelhub.hub.support.TestHub;
import io.channelhub.hub.support.TestPlugins;
import io.dropwizard.testing.ConfigOverride;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Rate limits: headers and 429s in process, one exact limit across two replicas on Redis, Redis outages. */
class RateLimitsTest {

    @TempDir
    Path plugins;

    private static ConfigOverride[] tight(String redisUri, String onFailure) {
        List<ConfigOverride> o = new ArrayList<>(List.of(
                ConfigOverride.config("rateLimits.tenant.capacity", "5"),
                ConfigOverride.config("rateLimits.tenant.period", "1h"),
                ConfigOverride.config("rateLimits.keyPrefix", "test:" + UUID.randomUUID() + ":"),
                ConfigOverride.config("rateLimits.onRedisFailure", onFailure)));
        if (redisUri != null) {
            o.add(ConfigOverride.config("redis.uri", redisUri));
        }
        return o.toArray(ConfigOverride[]::new);
    }

    private static String tenantKey(TestHub hub) {
        String t = hub.createTenant("rl-" + Long.toString(System.nanoTime(), 36));
        return hub.createKey(t, "admin").get("key").asText();
    }

    @Test
    void aTenantOverItsLimitGets429WithHeaders() {
        TestPlugins.testChannel(plugins);
        try (TestHub hub = TestHub.start(TestDatabase.create(TestDatabase.Kind.H2), plugins, tight(null, "ALLOW"))) {
            String key = tenantKey(hub);
            List<String> remaining = new ArrayList<>();
            for (int i = 0; i < 5; i++) {
                TestHub.Reply r = hub.get(key, "/v1/me");
                assertThat(r.status()).isEqualTo(200);
                assertThat(r.headers().firstValue("RateLimit-Limit")).hasValue("5");
                remaining.add(r.headers().firstValue("RateLimit-Remaining").orElseThrow());
            }
            assertThat(remaining).containsExactly("4", "3", "2", "1", "0");
            TestHub.Reply refused = hub.get(key, "/v1/me");
            assertThat(refused.status()).isEqualTo(429);
            assertThat(refused.code()).isEqualTo("rate_limited");
            assertThat(Long.parseLong(refused.headers().firstValue("Retry-After").orElseThrow())).isPositive();
            // Another tenant has its own bucket.
            assertThat(hub.get(tenantKey(hub), "/v1/me").status()).isEqualTo(200);
        }
    }

    @Test
    void publicRoutesAreLimitedPerClientAddress() {
        TestPlugins.testChannel(plugins);
        try (TestHub hub = TestHub.start(TestDatabase.create(TestDatabase.Kind.H2), plugins,
                ConfigOverride.config("rateLimits.publicPerIp.capacity", "3"),
                ConfigOverride.config("rateLimits.publicPerIp.period", "1h"))) {
            for (int i = 0; i < 3; i++) {
                assertThat(hub.get(null, "/openapi.json").status()).isEqualTo(200);
            }
            TestHub.Reply refused = hub.get(null, "/openapi.json");
            assertThat(refused.status()).isEqualTo(429);
            assertThat(refused.json().get("error").get("details").get("limit").asText()).isEqualTo("ip");
        }
    }

    @Test
    void twoReplicasOnRedisHoldOneExactLimit() {
        TestPlugins.testChannel(plugins);
        ConfigOverride[] config = tight("redis://127.0.0.1:6379", "ALLOW");
        TestDatabase db = TestDatabase.create(TestDatabase.Kind.MARIADB);
        try (TestHub first = TestHub.start(db, plugins, config);
             TestHub second = TestHub.replica(db, plugins, config)) {
            String key = tenantKey(first);
            List<Integer> statuses = new ArrayList<>();
            for (int i = 0; i < 5; i++) {
                statuses.add((i % 2 == 0 ? first : second).get(key, "/v1/me").status());
            }
            assertThat(statuses).containsOnly(200);
            assertThat(second.get(key, "/v1/me").status()).isEqualTo(429);
            assertThat(first.get(key, "/v1/me").status()).isEqualTo(429);
        }
    }

    @Test
    void whenRedisIsDownThePolicyDecides() {
        TestPlugins.testChannel(plugins);
        try (TestHub allow = TestHub.start(TestDatabase.create(TestDatabase.Kind.H2), plugins,
                tight("redis://127.0.0.1:1", "ALLOW"))) {
            String key = tenantKey(allow);
            for (int i = 0; i < 8; i++) {
                assertThat(allow.get(key, "/v1/me").status()).isEqualTo(200);
            }
            TestHub.Reply metrics = allow.send(null, "GET", allow.adminUrl("/metrics"), null);
            assertThat(metrics.json().path("meters").path("ratelimit.redis-fallback").path("count").asLong())
                    .isGreaterThanOrEqualTo(8);
        }
        try (TestHub deny = TestHub.start(TestDatabase.create(TestDatabase.Kind.H2), plugins,
                tight("redis://127.0.0.1:1", "DENY"))) {
            TestHub.Reply r = deny.get(TestHub.ROOT_KEY, "/admin/tenants");
            assertThat(r.status()).isEqualTo(503);
            assertThat(r.code()).isEqualTo("rate_limit_unavailable");
        }
    }
}
