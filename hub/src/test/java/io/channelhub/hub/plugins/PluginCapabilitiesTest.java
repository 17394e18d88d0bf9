package io.channelhub.hub.plugins;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.channelhub.hub.support.TestPlugins;
import io.channelhub.plugin.DocumentStore;
import io.channelhub.plugin.Metering;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Reading {@code Plugin-Capabilities}, and what the hub refuses of a plugin that declared it. */
class PluginCapabilitiesTest {

    @TempDir
    Path dir;

    @Test
    void readsEachKindAndLeavesOutWhatIsNotListed() throws Exception {
        PluginCapabilities c = PluginCapabilities.of("routes=/webhook, /v1/*; stores=templates");
        assertThat(c.declared()).isTrue();
        assertThat(c.allowsRoute("/webhook")).isTrue();
        assertThat(c.allowsRoute("/v1/widget.js")).isTrue();
        assertThat(c.allowsRoute("/webhooks")).isFalse();
        assertThat(c.allowsRoute("")).isFalse();
        assertThat(c.allowsStore("templates")).isTrue();
        assertThat(c.allowsStore("secrets")).isFalse();
        assertThat(c.allowsUsage("any.type")).as("usage left out: none").isFalse();
        assertThat(c.allowsTool("lookup")).isFalse();
        assertThat(c.shown().orElseThrow()).containsEntry("routes", List.of("/webhook", "/v1/*"))
                .containsEntry("usage_types", List.of());

        PluginCapabilities root = PluginCapabilities.of("routes=/");
        assertThat(root.allowsRoute("")).as("the route itself").isTrue();
        assertThat(root.allowsRoute("/x")).isFalse();

        PluginCapabilities none = PluginCapabilities.of("none");
        assertThat(none.declared()).isTrue();
        assertThat(none.allowsRoute("/")).isFalse();

        PluginCapabilities legacy = PluginCapabilities.of((String) null);
        assertThat(legacy.declared()).isFalse();
        assertThat(legacy.allowsRoute("/anything")).isTrue();
        assertThat(legacy.allowsUsage("anything")).isTrue();
        assertThat(legacy.shown()).isEmpty();
    }

    @Test
    void refusesAnEntryItCannotRead() {
        for (String bad : List.of("routes", "paths=/x", "routes=/a; routes=/b", "tools=a;stores")) {
            assertThatThrownBy(() -> PluginCapabilities.of(bad)).as(bad)
                    .isInstanceOf(PluginCapabilities.Malformed.class).hasMessageContaining("Plugin-Capabilities");
        }
    }

    @Test
    void meteringAndTheStoreRefuseWhatWasNotDeclared() throws Exception {
        PluginCapabilities c = PluginCapabilities.of("usage=acme.*; stores=notes");
        List<String> recorded = new ArrayList<>();
        Metering m = c.guard((type, q, unit, key) -> recorded.add(type), "acme");
        m.record("acme.segments", 1, "segment", "k1");
        assertThatThrownBy(() -> m.record("messages.out", 1, "message", "k2"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("did not declare usage type");
        assertThat(recorded).containsExactly("acme.segments");

        List<String> touched = new ArrayList<>();
        DocumentStore store = c.guard(new DocumentStore() {
            public void put(String col, String key, String json, Map<String, String> a, String contact) {
                touched.add(col);
            }

            public Optional<Document> get(String col, String key) {
                touched.add(col);
                return Optional.empty();
            }

            public List<Document> find(String col, String attribute, String value) {
                touched.add(col);
                return List.of();
            }

            public boolean delete(String col, String key) {
                touched.add(col);
                return false;
            }
        }, "acme");
        store.put("notes", "k", "{}", Map.of(), null);
        for (Runnable r : List.<Runnable>of(() -> store.put("secrets", "k", "{}", Map.of(), null),
                () -> store.get("secrets", "k"), () -> store.find("secrets", "a", "b"), () -> store.delete("secrets", "k"))) {
            assertThatThrownBy(r::run).isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("did not declare store 'secrets'");
        }
        assertThat(touched).containsExactly("notes");
    }

    @Test
    void modelCallsNeedTheirProviderDeclared() throws Exception {
        List<String> called = new ArrayList<>();
        io.channelhub.plugin.Models models = new io.channelhub.plugin.Models() {
            public io.channelhub.plugin.model.ModelReply complete(String provider,
                    io.channelhub.plugin.model.ModelRequest request) {
                called.add(provider);
                return new io.channelhub.plugin.model.ModelReply("{}", List.of(), "stop", null, "m");
            }

            public boolean isDemo(String provider) {
                called.add(provider);
                return false;
            }
        };
        var request = new io.channelhub.plugin.model.ModelRequest("m",
                io.channelhub.plugin.model.ModelRequest.Api.CHAT_COMPLETIONS, "", List.of(), null, null, null,
                List.of(), null, List.of());
        io.channelhub.plugin.Models openaiOnly = PluginCapabilities.of("models=openai").guard(models, "acme");
        openaiOnly.complete("openai", request);
        assertThatThrownBy(() -> openaiOnly.complete("other", request)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("did not declare model provider 'other'");
        assertThatThrownBy(() -> openaiOnly.isDemo("other")).isInstanceOf(IllegalArgumentException.class);
        io.channelhub.plugin.Models none = PluginCapabilities.of("usage=acme.*").guard(models, "acme");
        assertThatThrownBy(() -> none.complete("openai", request)).as("models left out: none")
                .isInstanceOf(IllegalArgumentException.class);
        PluginCapabilities.of("models=*").guard(models, "acme").isDemo("anything");
        // Tokens are the tenant's money: a plugin without declarations (built before 1.5.0) calls no model.
        assertThatThrownBy(() -> PluginCapabilities.UNDECLARED.guard(models, "acme").complete("any", request))
                .isInstanceOf(IllegalArgumentException.class);
        assertThat(called).containsExactly("openai", "anything");
        assertThat(PluginCapabilities.of("models=openai").shown().orElseThrow())
                .containsEntry("models", List.of("openai"));
    }

    @Test
    void aSecondPolicyForATakenJurisdictionFailsItsPlugin() {
        for (String id : List.of("policy-a", "policy-b")) {
            String pkg = id.replace("-", "");
            String policy = "package " + pkg + ";\nimport io.channelhub.plugin.privacy.*;\nimport java.util.*;\n"
                    + "@org.pf4j.Extension\npublic class Xx implements PrivacyPolicy {\n"
                    + "  public String jurisdiction() { return \"XX\"; }\n"
                    + "  public int requestDeadlineDays() { return 15; }\n"
                    + "  public List<PiiDetector> detectors() { return List.of(); }\n"
                    + "  public RetentionDefaults retentionDefaults() { return new RetentionDefaults(Map.of()); }\n"
                    + "  public Set<String> exportFormats() { return Set.of(\"json\"); }\n}\n";
            TestPlugins.build(dir, new TestPlugins.Spec(id).pluginClass(pkg + ".P")
                    .source(pkg + ".P", TestPlugins.plainPlugin(pkg, "P")).source(pkg + ".Xx", policy));
        }
        PluginPlatform platform = new PluginPlatform(dir);
        platform.start();
        try {
            List<PluginState> states = List.of(platform.status("policy-a").orElseThrow().state(),
                    platform.status("policy-b").orElseThrow().state());
            assertThat(states).containsExactlyInAnyOrder(PluginState.STARTED, PluginState.FAILED);
            assertThat(platform.statuses()).filteredOn(s -> s.state() == PluginState.FAILED).singleElement()
                    .satisfies(s -> assertThat(s.reason()).contains("jurisdiction 'XX' is missing or taken"));
            assertThat(platform.privacyPolicies()).containsOnlyKeys("XX");
        } finally {
            platform.stop();
        }
    }

    @Test
    void aToolNotDeclaredFailsThePluginAndAnUndeclaredPluginFailsWhereDeclarationsAreRequired() {
        String handler = "package cap;\n@org.pf4j.Extension\npublic class Lookup implements "
                + "io.channelhub.plugin.model.ToolHandler {\n"
                + "  public String toolName() { return \"lookup_order\"; }\n"
                + "  public String invoke(String a, io.channelhub.plugin.PluginContext c) { return \"{}\"; }\n}\n";
        TestPlugins.build(dir, new TestPlugins.Spec("undeclared-tool").manifest("Plugin-Capabilities", "tools=other")
                .pluginClass("cap.CapPlugin").source("cap.CapPlugin", TestPlugins.plainPlugin("cap", "CapPlugin"))
                .source("cap.Lookup", handler));
        TestPlugins.build(dir, new TestPlugins.Spec("malformed").manifest("Plugin-Capabilities", "paths=/x")
                .pluginClass("mal.MalPlugin").source("mal.MalPlugin", TestPlugins.plainPlugin("mal", "MalPlugin")));
        TestPlugins.build(dir, new TestPlugins.Spec("legacy").pluginClass("leg.LegPlugin")
                .source("leg.LegPlugin", TestPlugins.plainPlugin("leg", "LegPlugin")));
        TestPlugins.build(dir, new TestPlugins.Spec("modest").manifest("Plugin-Capabilities", "none")
                .pluginClass("mod.ModPlugin").source("mod.ModPlugin", TestPlugins.plainPlugin("mod", "ModPlugin")));

        PluginsConfig strict = new PluginsConfig();
        strict.setRequireDeclaredCapabilities(true);
        PluginPlatform platform = new PluginPlatform(dir, new PluginGuard(
                io.opentelemetry.api.OpenTelemetry.noop().getTracer("test"),
                new io.prometheus.metrics.model.registry.PrometheusRegistry()), strict);
        platform.start();
        try {
            PluginStatus tool = platform.status("undeclared-tool").orElseThrow();
            assertThat(tool.state()).isEqualTo(PluginState.FAILED);
            assertThat(tool.reason()).contains("tool handler 'lookup_order' is not declared");
            assertThat(platform.toolHandlers()).doesNotContainKey("lookup_order");

            PluginStatus malformed = platform.statuses().stream().filter(s -> s.id().startsWith("malformed"))
                    .findFirst().orElseThrow();
            assertThat(malformed.state()).isEqualTo(PluginState.FAILED);
            assertThat(malformed.reason()).contains("'paths=/x' is not one of kind=item");

            PluginStatus legacy = platform.status("legacy").orElseThrow();
            assertThat(legacy.state()).isEqualTo(PluginState.FAILED);
            assertThat(legacy.reason()).contains("plugins.requireDeclaredCapabilities");

            assertThat(platform.status("modest").orElseThrow().state()).isEqualTo(PluginState.STARTED);
            assertThat(platform.capabilities("modest").declared()).isTrue();
        } finally {
            platform.stop();
        }
    }
}
