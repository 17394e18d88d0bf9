package io.channelhub.hub.plugins;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.channelhub.hub.support.TestDatabase;
import io.channelhub.hub.support.TestHub;
import io.channelhub.hub.support.TestPlugins;
import io.dropwizard.testing.ConfigOverride;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * A plugin managed through the admin API while the hub runs: installed (and serving a tenant's channel at once),
 * installed again unchanged, upgraded, refused on a failed upgrade with the previous version serving on, disabled
 * and enabled, and removed after the call running in it finished. Bundled plugins and broken jars are refused.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class LivePluginsTest {

    @TempDir
    static Path plugins;

    private TestHub hub;
    private String tenantKey;

    @BeforeAll
    void start() {
        TestPlugins.testChannel(plugins);
        hub = TestHub.start(TestDatabase.create(TestDatabase.Kind.H2), plugins,
                ConfigOverride.config("plugins.maxPackageSize", "1MB"));
        String t = hub.createTenant("live-" + System.nanoTime() % 100000);
        tenantKey = hub.createKey(t, "admin").get("key").asText();
    }

    @AfterAll
    void stop() {
        hub.close();
    }

    private TestHub.Reply install(byte[] jar) {
        return hub.callBinary("POST", "/admin/plugins", Map.of("Authorization", "Bearer " + TestHub.ROOT_KEY,
                "Content-Type", "application/java-archive", "X-Filename", "live-channel.jar"), jar);
    }

    private TestHub.Reply inbound(String instance, String body) {
        return hub.call("POST", "/hooks/instances/" + instance + "/in", Map.of("Content-Type", "text/plain"), body);
    }

    @Test
    void aPluginIsInstalledUpgradedDisabledAndRemovedWhileTheHubServes() throws Exception {
        // Installed: it runs at once, and a tenant's channel instance of it answers.
        TestHub.Reply installed = TestHub.check(install(LivePluginJars.jar("1.0.0", false)), 201);
        assertThat(installed.json().get("state").asText()).isEqualTo("started");
        assertThat(installed.json().get("version").asText()).isEqualTo("1.0.0");
        assertThat(installed.json().get("source").asText()).isEqualTo("installed");
        assertThat(installed.json().get("channel").get("type").asText()).isEqualTo("live");
        String instance = TestHub.check(hub.post(tenantKey, "/v1/channel-instances", Map.of("plugin_id",
                LivePluginJars.ID, "name", "live", "settings", Map.of("phone", "+5511" + System.nanoTime()))), 201)
                .json().get("id").asText();
        assertThat(inbound(instance, "hi").body()).isEqualTo("live 1.0.0");
        // The same jar again changes nothing.
        assertThat(TestHub.check(install(LivePluginJars.jar("1.0.0", false)), 200).json().get("version").asText())
                .isEqualTo("1.0.0");

        // Upgraded: the new version answers; the instance and its settings stay.
        TestHub.Reply upgraded = TestHub.check(install(LivePluginJars.jar("1.1.0", false)), 200);
        assertThat(upgraded.json().get("version").asText()).isEqualTo("1.1.0");
        assertThat(inbound(instance, "hi").body()).isEqualTo("live 1.1.0");

        // A failed upgrade is refused and 1.1.0 serves on.
        TestHub.Reply refused = install(LivePluginJars.jar("1.2.0", true));
        assertThat(refused.status()).isEqualTo(422);
        assertThat(refused.code()).isEqualTo("plugin_refused");
        assertThat(refused.json().get("error").get("details").get("reason").asText()).contains("boom at start");
        assertThat(hub.get(TestHub.ROOT_KEY, "/admin/plugins/" + LivePluginJars.ID).json().get("version").asText())
                .isEqualTo("1.1.0");
        assertThat(inbound(instance, "hi").body()).isEqualTo("live 1.1.0");

        // Disabled on the node: its instances answer 503 (try again) and nothing is lost; enabled, it serves again.
        JsonNode disabled = TestHub.check(hub.post(TestHub.ROOT_KEY, "/admin/plugins/" + LivePluginJars.ID
                + "/disable", Map.of()), 200).json();
        assertThat(disabled.get("state").asText()).isEqualTo("disabled");
        TestHub.Reply unavailable = inbound(instance, "hi");
        assertThat(unavailable.status()).isEqualTo(503);
        assertThat(unavailable.code()).isEqualTo("plugin_unavailable");
        assertThat(unavailable.headers().firstValue("Retry-After")).contains("10");
        assertThat(TestHub.check(hub.post(TestHub.ROOT_KEY, "/admin/plugins/" + LivePluginJars.ID + "/enable",
                Map.of()), 200).json().get("state").asText()).isEqualTo("started");
        assertThat(inbound(instance, "hi").body()).isEqualTo("live 1.1.0");

        // Removed while a call runs in it: the call finishes with its answer, then the plugin goes.
        System.clearProperty("live-channel.busy");
        CompletableFuture<TestHub.Reply> slow = CompletableFuture.supplyAsync(() -> inbound(instance, "slow"));
        await().atMost(Duration.ofSeconds(10)).until(() -> System.getProperty("live-channel.busy") != null);
        TestHub.Reply removed = hub.delete(TestHub.ROOT_KEY, "/admin/plugins/" + LivePluginJars.ID);
        assertThat(slow.isDone()).as("the removal waited for the running call").isTrue();
        assertThat(slow.get(5, TimeUnit.SECONDS).body()).isEqualTo("live 1.1.0");
        assertThat(removed.status()).isEqualTo(204);
        assertThat(hub.get(TestHub.ROOT_KEY, "/admin/plugins/" + LivePluginJars.ID).status()).isEqualTo(404);
        assertThat(inbound(instance, "hi").status()).isEqualTo(503);

        // Every change is audited.
        JsonNode audit = TestHub.check(hub.get(TestHub.ROOT_KEY, "/admin/audit?limit=200"), 200).json();
        assertThat(audit.toString()).contains("plugin.install", "plugin.upgrade", "plugin.disable", "plugin.enable",
                "plugin.uninstall");
    }

    @Test
    void aBundledPluginOrABrokenJarIsRefused() {
        byte[] bundled = TestPlugins.buildBytes(new TestPlugins.Spec("test-channel").pluginClass("b.BPlugin")
                .source("b.BPlugin", TestPlugins.plainPlugin("b", "BPlugin")));
        TestHub.Reply clash = install(bundled);
        assertThat(clash.status()).isEqualTo(409);
        assertThat(clash.code()).isEqualTo("plugin_bundled");

        byte[] longId = TestPlugins.buildBytes(new TestPlugins.Spec("x".repeat(101)).pluginClass("l.LPlugin")
                .source("l.LPlugin", TestPlugins.plainPlugin("l", "LPlugin")));
        TestHub.Reply tooLong = install(longId);
        assertThat(tooLong.status()).isEqualTo(422);
        assertThat(tooLong.code()).isEqualTo("plugin_refused");
        // Enabling or disabling what is not installed is a clear 404, not a server error.
        assertThat(hub.post(TestHub.ROOT_KEY, "/admin/plugins/no-such-plugin/enable", Map.of()).status())
                .isEqualTo(404);

        TestHub.Reply garbage = install("this is not a jar".getBytes(java.nio.charset.StandardCharsets.UTF_8));
        assertThat(garbage.status()).isEqualTo(422);
        assertThat(garbage.code()).isEqualTo("plugin_refused");

        TestHub.Reply huge = install(new byte[1024 * 1024 + 1]);
        assertThat(huge.status()).isEqualTo(413);
        assertThat(huge.code()).isEqualTo("package_too_large");

        TestHub.Reply json = hub.callBinary("POST", "/admin/plugins", Map.of("Authorization", "Bearer "
                + TestHub.ROOT_KEY, "Content-Type", "application/json"), "{}".getBytes(java.nio.charset.StandardCharsets.UTF_8));
        assertThat(json.status()).isEqualTo(415);
        assertThat(json.code()).isEqualTo("unsupported_media_type");

        // A tenant's admin is no operator.
        TestHub.Reply tenant = hub.callBinary("POST", "/admin/plugins", Map.of("Authorization", "Bearer " + tenantKey,
                "Content-Type", "application/java-archive"), LivePluginJars.jar("9.0.0", false));
        assertThat(tenant.status()).isEqualTo(403);
        assertThat(hub.delete(tenantKey, "/admin/plugins/test-channel").status()).isEqualTo(403);
        assertThat(hub.delete(TestHub.ROOT_KEY, "/admin/plugins/test-channel").code()).isEqualTo("plugin_bundled");
    }
}
