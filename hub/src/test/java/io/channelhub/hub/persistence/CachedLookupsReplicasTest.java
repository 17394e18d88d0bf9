package io.channelhub.hub.persistence;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.channelhub.hub.support.TestDatabase;
import io.channelhub.hub.support.TestHub;
import io.channelhub.hub.support.TestPlugins;
import io.dropwizard.testing.ConfigOverride;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Two replicas on MariaDB and Redis with caches that would otherwise keep rows for ten minutes: a key revoked or
 * rotated, a tenant suspended, a quota created and an agent changed on one replica take effect on the other within
 * moments, through the change messages on Redis.
 */
class CachedLookupsReplicasTest {

    @TempDir
    static Path plugins;
    private static TestDatabase db;
    private static TestHub first;
    private static TestHub second;

    @BeforeAll
    static void start() {
        TestPlugins.testChannel(plugins);
        String redis = System.getenv().getOrDefault("CHANNELHUB_TEST_REDIS_URI", "redis://127.0.0.1:6379");
        ConfigOverride[] config = {ConfigOverride.config("redis.uri", redis),
            ConfigOverride.config("cacheTtl", "10m")};
        db = TestDatabase.create(TestDatabase.Kind.MARIADB);
        first = TestHub.start(db, plugins, config);
        second = TestHub.replica(db, plugins, config);
    }

    @AfterAll
    static void stop() {
        second.close();
        first.close();
    }

    private static String tenant() {
        return first.createTenant("cache-" + Long.toString(System.nanoTime(), 36));
    }

    private static void awaitOnSecond(String key, int status, String code) {
        await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> {
            TestHub.Reply r = second.get(key, "/v1/me");
            assertThat(r.status()).isEqualTo(status);
            assertThat(r.json().path("error").path("code").asText()).isEqualTo(code);
        });
    }

    @Test
    void aKeyRevokedOnOneReplicaIsRefusedOnTheOther() {
        String t = tenant();
        var created = first.createKey(t, "admin");
        String key = created.get("key").asText();
        assertThat(second.get(key, "/v1/me").status()).isEqualTo(200);
        TestHub.check(first.delete(TestHub.ROOT_KEY, "/admin/tenants/" + t + "/api-keys/" + created.get("id").asText()),
                200);
        awaitOnSecond(key, 401, "api_key_revoked");
    }

    @Test
    void aKeyRotatedWithoutGraceEndsOnTheOther() {
        String t = tenant();
        var created = first.createKey(t, "admin");
        String key = created.get("key").asText();
        assertThat(second.get(key, "/v1/me").status()).isEqualTo(200);
        TestHub.Reply rotated = TestHub.check(first.post(TestHub.ROOT_KEY, "/admin/tenants/" + t + "/api-keys/"
                + created.get("id").asText() + "/rotate", Map.of("grace_seconds", 0)), 201);
        awaitOnSecond(key, 401, "api_key_expired");
        assertThat(second.get(rotated.json().get("key").asText(), "/v1/me").status()).isEqualTo(200);
    }

    @Test
    void aTenantSuspendedOnOneReplicaIsRefusedOnTheOther() {
        String t = tenant();
        String key = first.createKey(t, "admin").get("key").asText();
        assertThat(second.get(key, "/v1/me").status()).isEqualTo(200);
        TestHub.check(first.post(TestHub.ROOT_KEY, "/admin/tenants/" + t + "/suspend", Map.of()), 200);
        awaitOnSecond(key, 403, "tenant_suspended");
        TestHub.check(first.post(TestHub.ROOT_KEY, "/admin/tenants/" + t + "/activate", Map.of()), 200);
        await().atMost(Duration.ofSeconds(5)).until(() -> second.get(key, "/v1/me").status() == 200);
    }

    @Test
    void aQuotaCreatedOnOneReplicaIsSeenOnTheOther() {
        String t = tenant();
        String key = first.createKey(t, "admin").get("key").asText();
        assertThat(TestHub.check(second.get(key, "/v1/quotas"), 200).json().get("data")).isEmpty();
        TestHub.check(first.post(TestHub.ROOT_KEY, "/admin/tenants/" + t + "/quotas", Map.of("usage_type",
                "messages.in", "period", "monthly", "limit", 10, "mode", "hard")), 201);
        await().atMost(Duration.ofSeconds(5)).until(() -> second.get(key, "/v1/quotas").json().get("data").size()
                == 1);
    }

    @Test
    void anAgentChangedOnOneReplicaIsReadAgainOnTheOther() {
        String t = tenant();
        String key = first.createKey(t, "admin").get("key").asText();
        String id = TestHub.check(first.post(key, "/v1/agents", Map.of("slug", "support", "name", "Support",
                "provider", "openai", "model", "gpt-4o-mini")), 201).json().get("id").asText();
        assertThat(TestHub.check(second.get(key, "/v1/agents/" + id), 200).json().get("name").asText())
                .isEqualTo("Support");
        TestHub.check(first.patch(key, "/v1/agents/" + id, Map.of("name", "Help desk")), 200);
        await().atMost(Duration.ofSeconds(5)).until(() -> "Help desk".equals(second.get(key, "/v1/agents/" + id)
                .json().get("name").asText()));
    }
}
