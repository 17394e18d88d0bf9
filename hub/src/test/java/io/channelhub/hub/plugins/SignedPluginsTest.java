package io.channelhub.hub.plugins;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.channelhub.hub.support.TestDatabase;
import io.channelhub.hub.support.TestHub;
import io.channelhub.hub.support.TestPlugins;
import io.dropwizard.testing.ConfigOverride;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * A hub that trusts only the build's signing certificate: the bundled plugins, as the build signed them, start and
 * show their signer; an unsigned jar is refused as {@code untrusted} with its reason, and the hub serves on.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class SignedPluginsTest {

    @TempDir
    static Path plugins;

    private TestHub hub;
    private String build;

    @BeforeAll
    void start() throws Exception {
        build = PluginSignaturesTest.developmentFingerprint();
        TestPlugins.copyBundled(plugins, "channel-web");
        TestPlugins.copyBundled(plugins, "compliance-privacy");
        TestPlugins.testChannel(plugins);
        hub = TestHub.start(TestDatabase.create(TestDatabase.Kind.H2), plugins,
                ConfigOverride.config("plugins.trustedSigners", build));
    }

    @AfterAll
    void stop() {
        hub.close();
    }

    @Test
    void signedPluginsStartAndAnUnsignedOneIsRefusedWithItsReason() {
        Map<String, JsonNode> byId = new HashMap<>();
        TestHub.check(hub.get(TestHub.ROOT_KEY, "/admin/plugins"), 200).json().get("data")
                .forEach(p -> byId.put(p.get("id").asText(), p));

        for (String id : new String[] {"channel-web", "compliance-privacy"}) {
            assertThat(byId.get(id).get("state").asText()).as(id).isEqualTo("started");
            assertThat(byId.get(id).get("signed_by").asText()).as(id).isEqualTo("sha256:" + build);
        }
        // Refused before pf4j read its manifest: known by its file name.
        JsonNode unsigned = byId.get("test-channel-1.0.0.jar");
        assertThat(unsigned.get("state").asText()).isEqualTo("untrusted");
        assertThat(unsigned.get("reason").asText()).isEqualTo("not trusted: the jar is not signed");
        assertThat(unsigned.has("signed_by")).isFalse();
        assertThat(byId).doesNotContainKey("test-channel");

        // The hub serves on, with the signed plugins.
        assertThat(TestHub.check(hub.get(TestHub.ROOT_KEY, "/admin/plugins/channel-web"), 200).json()
                .get("state").asText()).isEqualTo("started");
    }
}
