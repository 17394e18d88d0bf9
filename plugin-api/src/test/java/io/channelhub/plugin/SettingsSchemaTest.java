package io.channelhub.plugin;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class SettingsSchemaTest {

    @Test
    void rejectsMalformedDefinitionsWhenThePluginStarts() {
        assertThatThrownBy(() -> SettingDefinition.builder("Bad Name", SettingType.STRING).build())
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> SettingDefinition.builder("mode", SettingType.SELECT).build())
                .hasMessageContaining("needs options");
        assertThatThrownBy(() -> SettingDefinition.builder("token", SettingType.STRING).secret().defaultValue("x")
                .build()).hasMessageContaining("cannot have a default");
        assertThatThrownBy(() -> SettingDefinition.builder("limit", SettingType.INTEGER).defaultValue("ten").build())
                .hasMessageContaining("not a valid INTEGER");
        assertThatThrownBy(() -> SettingDefinition.builder("mode", SettingType.SELECT).options("a", "b")
                .defaultValue("c").build()).hasMessageContaining("not a valid SELECT");
        assertThatThrownBy(() -> SettingsSchema.of(SettingDefinition.builder("a", SettingType.STRING).build(),
                SettingDefinition.builder("a", SettingType.TEXT).build())).hasMessageContaining("duplicate");
    }

    @Test
    void acceptsWellFormedDefinitions() {
        SettingsSchema s = SettingsSchema.of(
                SettingDefinition.builder("limit", SettingType.INTEGER).defaultValue("-5").build(),
                SettingDefinition.builder("on", SettingType.BOOLEAN).defaultValue("true").build(),
                SettingDefinition.builder("mode", SettingType.SELECT).options("a", "b").defaultValue("b").build());
        assertThat(s.find("mode")).isPresent();
        assertThat(s.find("missing")).isEmpty();
        assertThat(s.find("limit").orElseThrow().label()).isEqualTo("limit");
    }

    @Test
    void settingsReadTypedValuesAndNeverPrintThem() {
        Settings s = new Settings(Map.of("n", "42", "b", "true", "l", "x\ny", "secret", "hunter2"));
        assertThat(s.getInt("n")).contains(42);
        assertThat(s.getBoolean("b")).contains(true);
        assertThat(s.getList("l")).isEqualTo(List.of("x", "y"));
        assertThat(s.getList("missing")).isEmpty();
        assertThat(s.toString()).doesNotContain("hunter2");
        assertThatThrownBy(() -> s.require("absent")).hasMessageContaining("absent");
    }

    @Test
    void inboundRequestHeadersAreCaseInsensitiveAndTheBodyIsCopied() {
        byte[] body = "{}".getBytes();
        InboundRequest r = new InboundRequest("post", "/", Map.of("X-Hub-Signature-256", List.of("sha256=ab")),
                Map.of("hub.mode", List.of("subscribe")), body, "127.0.0.1");
        body[0] = 'x';
        assertThat(r.header("x-hub-signature-256")).contains("sha256=ab");
        assertThat(r.queryParam("hub.mode")).contains("subscribe");
        assertThat(r.bodyAsString()).isEqualTo("{}");
        assertThat(r.method()).isEqualTo("POST");
    }

    @Test
    void theApiKnowsItsVersion() {
        assertThat(PluginApi.VERSION).matches("\\d+\\.\\d+\\.\\d+");
    }
}
