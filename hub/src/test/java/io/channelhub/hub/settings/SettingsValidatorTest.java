package io.channelhub.hub.settings;

import static org.assertj.core.api.Assertions.assertThat;

import io.channelhub.plugin.SettingDefinition;
import io.channelhub.plugin.SettingType;
import io.channelhub.plugin.SettingsSchema;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class SettingsValidatorTest {

    private static final SettingsSchema SCHEMA = SettingsSchema.of(
            SettingDefinition.builder("webhook", SettingType.URL).build(),
            SettingDefinition.builder("retries", SettingType.INTEGER).defaultValue("3").build(),
            SettingDefinition.builder("ratio", SettingType.NUMBER).build(),
            SettingDefinition.builder("on", SettingType.BOOLEAN).build(),
            SettingDefinition.builder("tags", SettingType.LIST).defaultValue("a,b").build(),
            SettingDefinition.builder("secret", SettingType.STRING).required().secret().build());

    @Test
    void appliesDefaultsAndKeepsGoodValues() {
        var r = SettingsValidator.validate(SCHEMA, Map.of("webhook", "https://x.example/hook", "ratio", 0.5,
                "on", true, "secret", "s"), Set.of());
        assertThat(r.errors()).isEmpty();
        assertThat(r.values()).containsEntry("retries", 3L).containsEntry("tags", List.of("a", "b"));
    }

    @Test
    void reportsEveryBadFieldAtOnce() {
        var r = SettingsValidator.validate(SCHEMA, Map.of("webhook", "ftp://x", "retries", 1.5, "ratio", "half",
                "on", "yes", "tags", List.of("ok", "two\nlines")), Set.of());
        assertThat(r.errors()).containsOnlyKeys("webhook", "retries", "ratio", "on", "tags", "secret");
        assertThat(r.errors().get("secret")).isEqualTo("required");
    }

    @Test
    void aStoredSecretSatisfiesRequiredOnUpdate() {
        var r = SettingsValidator.validate(SCHEMA, Map.of(), Set.of("secret"));
        assertThat(r.errors()).isEmpty();
        assertThat(r.values()).doesNotContainKey("secret");
    }

    @Test
    void rejectsUrlsWithoutHostAndOversizedStrings() {
        assertThat(SettingsValidator.validate(SCHEMA, Map.of("webhook", "https://", "secret", "s"), Set.of())
                .errors()).containsKey("webhook");
        assertThat(SettingsValidator.validate(SCHEMA, Map.of("secret", "x".repeat(3000)), Set.of()).errors())
                .containsKey("secret");
    }
}
