package io.channelhub.hub.plugins;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.channelhub.hub.support.TestDatabase;
import io.channelhub.hub.support.TestHub;
import io.channelhub.hub.support.TestPlugins;
import io.channelhub.hub.support.TestPlugins.Spec;
import io.dropwizard.testing.ConfigOverride;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * Real plugin jars, built here, in one plugins directory: a good channel, one requiring a future plugin API, one
 * without Plugin-Requires, one that throws on start, one whose extension throws, and a file that is not a jar.
 * The hub must start, report each with its state and reason, and keep serving the good one.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class PluginLifecycleTest {

    @TempDir
    static Path plugins;

    private TestHub hub;

    @BeforeAll
    void start() {
        TestPlugins.testChannel(plugins);
        TestPlugins.build(plugins, new Spec("future-plugin").manifest("Plugin-Requires", ">=2.0.0 & <3.0.0")
                .pluginClass("fut.FuturePlugin").source("fut.FuturePlugin", TestPlugins.plainPlugin("fut", "FuturePlugin"))
                .source("fut.FutureChannel", TestPlugins.channel("fut", "FutureChannel", "future")));
        TestPlugins.build(plugins, new Spec("unversioned-plugin").manifest("Plugin-Requires", null)
                .pluginClass("unv.UnvPlugin").source("unv.UnvPlugin", TestPlugins.plainPlugin("unv", "UnvPlugin")));
        TestPlugins.build(plugins, new Spec("throwing-plugin").pluginClass("thr.ThrowingPlugin")
                .source("thr.ThrowingPlugin", TestPlugins.throwingPlugin("thr", "ThrowingPlugin"))
                .source("thr.ThrowingChannel", TestPlugins.channel("thr", "ThrowingChannel", "throwing")));
        TestPlugins.build(plugins, new Spec("broken-extension").pluginClass("brk.BrokenPlugin")
                .source("brk.BrokenPlugin", TestPlugins.plainPlugin("brk", "BrokenPlugin"))
                .source("brk.BrokenChannel", TestPlugins.brokenChannel("brk", "BrokenChannel")));
        TestPlugins.garbage(plugins, "not-a-plugin.jar");
        hub = TestHub.start(TestDatabase.create(TestDatabase.Kind.H2), plugins,
                ConfigOverride.config("plugins.required", "test-channel"));
    }

    @AfterAll
    void stop() {
        hub.close();
    }

    private Map<String, JsonNode> pluginsById() {
        TestHub.Reply r = TestHub.check(hub.get(TestHub.ROOT_KEY, "/admin/plugins"), 200);
        Map<String, JsonNode> byId = new HashMap<>();
        r.json().get("data").forEach(p -> byId.put(p.get("id").asText(), p));
        return byId;
    }

    @Test
    void reportsEveryJarWithItsStateAndReason() {
        Map<String, JsonNode> p = pluginsById();

        assertThat(p.get("test-channel").get("state").asText()).isEqualTo("started");
        assertThat(p.get("test-channel").has("reason")).isFalse();
        assertThat(p.get("test-channel").get("extensions").get(0).get("kind").asText()).isEqualTo("channel");
        assertThat(p.get("test-channel").get("channel").get("type").asText()).isEqualTo("test");

        assertThat(p.get("future-plugin").get("state").asText()).isEqualTo("incompatible");
        assertThat(p.get("future-plugin").get("reason").asText())
                .contains(">=2.0.0 & <3.0.0").contains("provides " + io.channelhub.plugin.PluginApi.VERSION);

        assertThat(p.get("unversioned-plugin").get("state").asText()).isEqualTo("incompatible");
        assertThat(p.get("unversioned-plugin").get("reason").asText()).contains("no Plugin-Requires");

        assertThat(p.get("throwing-plugin").get("state").asText()).isEqualTo("failed");
        assertThat(p.get("throwing-plugin").get("reason").asText()).contains("boom at start");

        assertThat(p.get("broken-extension").get("state").asText()).isEqualTo("failed");
        assertThat(p.get("broken-extension").get("reason").asText()).contains("no descriptor");

        assertThat(p.get("not-a-plugin.jar").get("state").asText()).isEqualTo("failed");
        assertThat(p.get("not-a-plugin.jar").get("reason").asText()).startsWith("cannot load");
    }

    @Test
    void neverShowsMachinePathsInReasons() {
        TestHub.Reply r = hub.get(TestHub.ROOT_KEY, "/admin/plugins");
        assertThat(r.body()).doesNotContain(plugins.toString());
    }

    @Test
    void keepsServingTheGoodPluginAndRefusesTheFailedOnes() {
        String tenant = hub.createTenant("plugins-tenant");
        Map<String, Object> settings = Map.of("phone", "+5511999990001", "token", "s3cret");
        TestHub.Reply ok = hub.post(TestHub.ROOT_KEY, "/admin/tenants/" + tenant + "/channel-instances",
                Map.of("plugin_id", "test-channel", "name", "main", "settings", settings));
        assertThat(ok.status()).isEqualTo(201);

        for (String failed : List.of("throwing-plugin", "future-plugin", "broken-extension")) {
            TestHub.Reply r = hub.post(TestHub.ROOT_KEY, "/admin/tenants/" + tenant + "/channel-instances",
                    Map.of("plugin_id", failed, "name", "x", "settings", settings));
            assertThat(r.status()).as(failed).isEqualTo(422);
            assertThat(r.code()).isEqualTo("plugin_unavailable");
        }
        TestHub.Reply unknown = hub.post(TestHub.ROOT_KEY, "/admin/tenants/" + tenant + "/channel-instances",
                Map.of("plugin_id", "nope", "name", "x", "settings", settings));
        assertThat(unknown.code()).isEqualTo("unknown_plugin");
    }

    @Test
    void aPluginThatThrowsDuringACallFailsOnlyThatRequest() {
        String tenant = hub.createTenant("plugin-bug-tenant");
        TestHub.Reply r = hub.post(TestHub.ROOT_KEY, "/admin/tenants/" + tenant + "/channel-instances",
                Map.of("plugin_id", "test-channel", "name", "bug",
                        "settings", Map.of("phone", "explode", "token", "t")));
        assertThat(r.status()).isEqualTo(502);
        assertThat(r.code()).isEqualTo("plugin_error");
        assertThat(r.body()).doesNotContain("IllegalStateException");
        assertThat(hub.get(TestHub.ROOT_KEY, "/admin/plugins").status()).isEqualTo(200);
    }

    @Test
    void healthShowsEachPluginAndFailsOnlyForRequiredOnes() {
        TestHub.Reply health = hub.send(null, "GET", hub.adminUrl("/healthcheck"), null);
        JsonNode h = health.json();
        assertThat(h.get("plugin-test-channel").get("healthy").asBoolean()).isTrue();
        assertThat(h.get("plugin-throwing-plugin").get("healthy").asBoolean()).isTrue();
        assertThat(h.get("plugin-throwing-plugin").get("message").asText()).contains("failed");
        assertThat(h.get("plugin-future-plugin").get("message").asText()).contains("incompatible");
        assertThat(h.get("database").get("healthy").asBoolean()).isTrue();
        assertThat(health.status()).isEqualTo(200);
    }
}
