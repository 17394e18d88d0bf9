package io.channelhub.hub.plugins;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.channelhub.hub.support.TestDatabase;
import io.channelhub.hub.support.TestHub;
import io.channelhub.hub.support.TestPlugins;
import io.dropwizard.testing.ConfigOverride;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Live plugin management across replicas on MariaDB and Redis, with the periodic comparison turned off so the change
 * messages alone must carry it: a plugin installed through one replica serves a tenant on both; a replica that starts
 * later loads it from the database; an upgrade and a removal through one reach the others within moments.
 */
class LivePluginsReplicasTest {

    @TempDir
    static Path firstPlugins;
    @TempDir
    static Path secondPlugins;
    @TempDir
    static Path thirdPlugins;

    private static TestHub.Reply install(TestHub hub, byte[] jar) {
        return hub.callBinary("POST", "/admin/plugins", Map.of("Authorization", "Bearer " + TestHub.ROOT_KEY,
                "Content-Type", "application/java-archive"), jar);
    }

    private static String version(TestHub hub) {
        TestHub.Reply r = hub.get(TestHub.ROOT_KEY, "/admin/plugins/" + LivePluginJars.ID);
        return r.status() == 404 ? "absent" : r.json().get("state").asText() + " " + r.json().get("version").asText();
    }

    private static String answer(TestHub hub, String instance) {
        TestHub.Reply r = hub.call("POST", "/hooks/instances/" + instance + "/in", Map.of("Content-Type",
                "text/plain"), "hi");
        return r.status() == 200 ? r.body() : String.valueOf(r.status());
    }

    @Test
    void aPluginInstalledThroughOneReplicaServesOnEveryReplica() {
        String redis = System.getenv().getOrDefault("CHANNELHUB_TEST_REDIS_URI", "redis://127.0.0.1:6379");
        ConfigOverride[] config = {ConfigOverride.config("redis.uri", redis),
            ConfigOverride.config("plugins.syncInterval", "1h")};
        // Each replica its own plugins directory: what they share is the database.
        TestPlugins.testChannel(firstPlugins);
        TestPlugins.testChannel(secondPlugins);
        // Only the second replica has a plugin answering lookup_order.
        TestPlugins.toolPlugin(secondPlugins);
        TestPlugins.testChannel(thirdPlugins);
        TestDatabase db = TestDatabase.create(TestDatabase.Kind.MARIADB);
        try (TestHub first = TestHub.start(db, firstPlugins, config);
             TestHub second = TestHub.replica(db, secondPlugins, config)) {
            TestHub.check(install(first, LivePluginJars.jar("1.0.0", false)), 201);
            await().atMost(Duration.ofSeconds(10)).until(() -> version(second).equals("started 1.0.0"));

            String tenant = first.createTenant("replicas-" + Long.toString(System.nanoTime(), 36));
            String key = first.createKey(tenant, "admin").get("key").asText();
            String instance = TestHub.check(second.post(key, "/v1/channel-instances", Map.of("plugin_id",
                    LivePluginJars.ID, "name", "live", "settings", Map.of("phone", "+5521" + System.nanoTime()))),
                    201).json().get("id").asText();
            assertThat(answer(first, instance)).isEqualTo("live 1.0.0");
            assertThat(answer(second, instance)).isEqualTo("live 1.0.0");

            try (TestHub third = TestHub.replica(db, thirdPlugins, config)) {
                // Started after the install: it loads the plugin from the database.
                assertThat(version(third)).isEqualTo("started 1.0.0");
                assertThat(answer(third, instance)).isEqualTo("live 1.0.0");

                TestHub.check(install(second, LivePluginJars.jar("2.0.0", false)), 200);
                await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
                    assertThat(version(first)).isEqualTo("started 2.0.0");
                    assertThat(version(third)).isEqualTo("started 2.0.0");
                });
                assertThat(answer(first, instance)).isEqualTo("live 2.0.0");
                assertThat(answer(third, instance)).isEqualTo("live 2.0.0");

                // A failed upgrade through one replica leaves 2.0.0 on all of them.
                assertThat(install(third, LivePluginJars.jar("3.0.0", true)).status()).isEqualTo(422);
                assertThat(version(first)).isEqualTo("started 2.0.0");
                assertThat(answer(second, instance)).isEqualTo("live 2.0.0");

                // An upgrade that starts on the first replica but not on the second (its own plugins directory has a
                // plugin answering the same tool): the second keeps 2.0.0 serving, says why, and does not take 2.0.0
                // down to try again on every announcement.
                TestHub.check(install(first, LivePluginJars.jar("2.1.0", false, "lookup_order")), 200);
                await().atMost(Duration.ofSeconds(10)).until(() -> version(first).equals("started 2.1.0"));
                await().atMost(Duration.ofSeconds(10)).until(() -> second.get(TestHub.ROOT_KEY, "/admin/plugins/"
                        + LivePluginJars.ID).json().path("reason").asText().startsWith("upgrade to 2.1.0 failed"));
                assertThat(version(second)).isEqualTo("started 2.0.0");
                assertThat(answer(second, instance)).isEqualTo("live 2.0.0");
                TestHub.check(first.post(TestHub.ROOT_KEY, "/admin/plugins/" + LivePluginJars.ID + "/enable",
                        Map.of()), 200);
                assertThat(answer(second, instance)).isEqualTo("live 2.0.0");

                TestHub.check(first.delete(TestHub.ROOT_KEY, "/admin/plugins/" + LivePluginJars.ID), 204);
                await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
                    assertThat(version(second)).isEqualTo("absent");
                    assertThat(version(third)).isEqualTo("absent");
                });
                assertThat(answer(second, instance)).isEqualTo("503");
            }
        }
    }
}
