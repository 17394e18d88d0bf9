package io.channelhub.hub.observability;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.channelhub.hub.support.TestDatabase;
import io.channelhub.hub.support.TestHub;
import io.channelhub.hub.support.TestPlugins;
import io.channelhub.hub.web.HealthEndpoints;
import io.dropwizard.testing.ConfigOverride;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Liveness and readiness as Kubernetes asks for them on the admin port, against hubs whose dependencies are really
 * missing: a Redis nobody listens for, a required plugin that is not installed.
 */
class HealthEndpointsTest {

    /** A port nothing listens on. */
    private static final String DEAD_REDIS = "redis://127.0.0.1:1";

    @TempDir
    Path plugins;

    @Test
    void aHealthyHubIsAliveAndReady() {
        TestPlugins.testChannel(plugins);
        try (TestHub hub = TestHub.start(TestDatabase.create(TestDatabase.Kind.H2), plugins)) {
            TestHub.Reply live = hub.send(null, "GET", hub.adminUrl(HealthEndpoints.LIVE), null);
            assertThat(live.status()).isEqualTo(200);
            assertThat(live.json().get("status").asText()).isEqualTo("alive");
            // Liveness asks nothing outside the process.
            assertThat(live.json().get("checks").has("database")).isFalse();

            TestHub.Reply ready = hub.send(null, "GET", hub.adminUrl(HealthEndpoints.READY), null);
            assertThat(ready.status()).isEqualTo(200);
            assertThat(ready.json().get("status").asText()).isEqualTo("ready");
            JsonNode db = ready.json().get("checks").get("database");
            assertThat(db.get("healthy").asBoolean()).isTrue();
            assertThat(db.get("critical").asBoolean()).isTrue();
            assertThat(ready.headers().firstValue("Content-Type").orElse("")).startsWith("application/json");
        }
    }

    @Test
    void withoutRedisTheHubStaysReadyButDegraded() {
        TestPlugins.testChannel(plugins);
        try (TestHub hub = TestHub.start(TestDatabase.create(TestDatabase.Kind.H2), plugins,
                ConfigOverride.config("redis.uri", DEAD_REDIS))) {
            TestHub.Reply ready = hub.send(null, "GET", hub.adminUrl(HealthEndpoints.READY), null);
            assertThat(ready.status()).as(ready.body()).isEqualTo(200);
            assertThat(ready.json().get("status").asText()).isEqualTo("degraded");
            JsonNode redis = ready.json().get("checks").get("redis");
            assertThat(redis.get("healthy").asBoolean()).isFalse();
            assertThat(redis.get("critical").asBoolean()).isFalse();
            assertThat(redis.get("message").asText()).isNotBlank();
            assertThat(hub.send(null, "GET", hub.adminUrl(HealthEndpoints.LIVE), null).status()).isEqualTo(200);

            // Dropwizard's own page still fails on Redis, but says why in a line, without a stack trace.
            TestHub.Reply all = hub.send(null, "GET", hub.adminUrl("/healthcheck"), null);
            assertThat(all.json().get("redis").get("healthy").asBoolean()).isFalse();
            assertThat(all.json().get("redis").has("error")).as(all.body()).isFalse();
            assertThat(all.body()).doesNotContain("stack").doesNotContain("\tat ").doesNotContain("at redis.");
        }
    }

    @Test
    void aMissingRequiredPluginMakesTheHubUnreadyButAlive() {
        TestPlugins.testChannel(plugins);
        try (TestHub hub = TestHub.start(TestDatabase.create(TestDatabase.Kind.H2), plugins,
                ConfigOverride.config("plugins.required", "channel-nowhere"))) {
            TestHub.Reply ready = hub.send(null, "GET", hub.adminUrl(HealthEndpoints.READY), null);
            assertThat(ready.status()).as(ready.body()).isEqualTo(503);
            assertThat(ready.json().get("status").asText()).isEqualTo("unready");
            JsonNode plugin = ready.json().get("checks").get("plugin-channel-nowhere");
            assertThat(plugin.get("healthy").asBoolean()).isFalse();
            assertThat(plugin.get("critical").asBoolean()).isTrue();
            assertThat(hub.send(null, "GET", hub.adminUrl(HealthEndpoints.LIVE), null).status()).isEqualTo(200);
        }
    }
}
