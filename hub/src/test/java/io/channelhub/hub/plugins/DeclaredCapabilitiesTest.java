package io.channelhub.hub.plugins;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.channelhub.hub.support.TestDatabase;
import io.channelhub.hub.support.TestHub;
import io.channelhub.hub.support.TestPlugins;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * A running hub holds a plugin to what its manifest declares where the hub mediates: a route it did not declare is
 * refused before its code runs, and usage types and store collections it did not declare fail its call. The operator
 * sees the declarations; the bundled plugins declare theirs.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class DeclaredCapabilitiesTest {

    @TempDir
    static Path plugins;

    private TestHub hub;
    private String instance;

    @BeforeAll
    void start() {
        String channel = "package decl;\n"
                + "import io.channelhub.plugin.*;\nimport io.channelhub.plugin.channel.*;\nimport java.util.*;\n"
                + "@org.pf4j.Extension\npublic class DeclChannel implements ChannelConnector {\n"
                + "  public ChannelDescriptor descriptor() {\n"
                + "    return new ChannelDescriptor(\"decl\", \"Declared\", Set.of(), SettingsSchema.of(\n"
                + "        SettingDefinition.builder(\"name\", SettingType.STRING).build()), null, 10.0);\n"
                + "  }\n"
                + "  public InboundResult handleInbound(InboundRequest r, InboundScope s) {\n"
                + "    PluginContext c = s.instance().orElseThrow();\n"
                + "    String what = r.bodyAsString();\n"
                + "    String key = what + System.nanoTime();\n"
                + "    if (what.equals(\"meter-declared\")) c.metering().record(\"decl.sends\", 1, \"send\", key);\n"
                + "    if (what.equals(\"meter-undeclared\")) c.metering().record(\"messages.out\", 1, \"message\", key);\n"
                + "    if (what.equals(\"store-declared\")) c.store().put(\"notes\", key, \"{}\", Map.of(), null);\n"
                + "    if (what.equals(\"store-undeclared\")) c.store().put(\"secrets\", key, \"{}\", Map.of(), null);\n"
                + "    return InboundResult.answerOnly(HttpAnswer.text(200, \"ran \" + r.path()));\n"
                + "  }\n"
                + "  public SendResult send(OutboundMessage m, PluginContext c) { return new SendResult.Delivered(\"x\"); }\n"
                + "}\n";
        TestPlugins.build(plugins, new TestPlugins.Spec("declared-channel")
                .manifest("Plugin-Capabilities", "routes=/in, /files/*; usage=decl.*; stores=notes")
                .pluginClass("decl.DeclPlugin").source("decl.DeclPlugin", TestPlugins.plainPlugin("decl", "DeclPlugin"))
                .source("decl.DeclChannel", channel));
        TestPlugins.copyBundled(plugins, "channel-whatsapp");
        hub = TestHub.start(TestDatabase.create(TestDatabase.Kind.H2), plugins);
        String tenant = hub.createTenant("declared-" + Long.toString(System.nanoTime(), 36));
        String key = hub.createKey(tenant, "admin").get("key").asText();
        instance = TestHub.check(hub.post(key, "/v1/channel-instances", Map.of("plugin_id", "declared-channel",
                "name", "d", "settings", Map.of())), 201).json().get("id").asText();
    }

    @AfterAll
    void stop() {
        hub.close();
    }

    private TestHub.Reply post(String path, String body) {
        return hub.call("POST", "/hooks/instances/" + instance + path, Map.of("Content-Type", "text/plain"), body);
    }

    @Test
    void onlyDeclaredRoutesReachThePlugin() {
        assertThat(post("/in", "hi").body()).isEqualTo("ran /in");
        assertThat(post("/files/a.txt", "hi").body()).isEqualTo("ran /files/a.txt");
        TestHub.Reply other = post("/admin", "hi");
        assertThat(other.status()).isEqualTo(404);
        assertThat(other.code()).isEqualTo("route_not_declared");
        assertThat(post("", "hi").code()).isEqualTo("route_not_declared");
    }

    @Test
    void undeclaredUsageTypesAndStoresFailThePluginsCall() {
        assertThat(post("/in", "meter-declared").status()).isEqualTo(200);
        assertThat(post("/in", "store-declared").status()).isEqualTo(200);
        TestHub.Reply metered = post("/in", "meter-undeclared");
        assertThat(metered.status()).isEqualTo(502);
        assertThat(metered.code()).isEqualTo("plugin_error");
        assertThat(post("/in", "store-undeclared").status()).isEqualTo(502);
        long recorded = hub.app().jdbi().withHandle(h -> h.createQuery("SELECT COUNT(*) FROM usage_events WHERE "
                + "plugin_id = 'declared-channel' AND usage_type = 'messages.out'").mapTo(Long.class).one());
        assertThat(recorded).isZero();
    }

    @Test
    void theOperatorSeesWhatEachPluginDeclares() {
        JsonNode declared = TestHub.check(hub.get(TestHub.ROOT_KEY, "/admin/plugins/declared-channel"), 200).json()
                .get("declares");
        assertThat(declared.get("routes").toString()).isEqualTo("[\"/in\",\"/files/*\"]");
        assertThat(declared.get("usage_types").toString()).isEqualTo("[\"decl.*\"]");
        assertThat(declared.get("stores").toString()).isEqualTo("[\"notes\"]");
        assertThat(declared.get("tools").size()).isZero();
        // The bundled WhatsApp plugin declares its webhook and its two stores.
        JsonNode whatsapp = TestHub.check(hub.get(TestHub.ROOT_KEY, "/admin/plugins/channel-whatsapp"), 200).json()
                .get("declares");
        assertThat(whatsapp.get("routes").toString()).isEqualTo("[\"/webhook\"]");
        assertThat(List.of(whatsapp.get("stores").get(0).asText(), whatsapp.get("stores").get(1).asText()))
                .containsExactlyInAnyOrder("templates", "media_uploads");
    }
}
