package io.channelhub.plugin;

import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * The ordered settings a plugin needs for one instance. The hub validates every create and update of an instance
 * against it, so a plugin only ever sees settings that match.
 *
 * <pre>{@code
 * SettingsSchema schema = SettingsSchema.of(
 *         SettingDefinition.builder("phone_number_id", SettingType.STRING).required().build(),
 *         SettingDefinition.builder("app_secret", SettingType.STRING).required().secret().build());
 * }</pre>
 *
 * @param settings the definitions, in display order
 */
public record SettingsSchema(List<SettingDefinition> settings) {

    /** Rejects duplicate names. */
    public SettingsSchema {
        settings = List.copyOf(settings);
        Set<String> seen = new HashSet<>();
        for (SettingDefinition d : settings) {
            if (!seen.add(d.name())) {
                throw new IllegalArgumentException("duplicate setting " + d.name());
            }
        }
    }

    /** A schema of the given definitions. */
    public static SettingsSchema of(SettingDefinition... definitions) {
        return new SettingsSchema(List.of(definitions));
    }

    /** A schema without settings. */
    public static SettingsSchema empty() {
        return new SettingsSchema(List.of());
    }

    /** The definition of the given name. */
    public Optional<SettingDefinition> find(String name) {
        return settings.stream().filter(d -> d.name().equals(name)).findFirst();
    }
}
