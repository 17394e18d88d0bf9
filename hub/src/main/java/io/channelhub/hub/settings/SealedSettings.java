package io.channelhub.hub.settings;

import io.channelhub.hub.security.SealedValues;
import io.channelhub.hub.security.SecretBox;
import io.channelhub.hub.errors.Failure;
import io.channelhub.plugin.SettingDefinition;
import io.channelhub.plugin.SettingsSchema;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;

/**
 * Settings documents checked against a plugin's schema, with secret values sealed: a secret sent as the mask (or
 * left out) keeps its stored value, and opening needs the same context string each value was sealed under.
 */
public final class SealedSettings {

    private SealedSettings() {
    }

    /**
     * The document to store for {@code input}, checked against {@code schema}; secrets sealed under
     * {@code context.apply(settingName)}.
     *
     * @throws Failure {@code invalid_settings} (INVALID) with the errors per setting
     */
    public static Map<String, Object> merge(SecretBox box, SettingsSchema schema, Map<String, Object> stored,
                                            Map<String, Object> input, Function<String, String> context) {
        Map<String, Object> values = new LinkedHashMap<>();
        Set<String> kept = new HashSet<>();
        for (Map.Entry<String, Object> e : input.entrySet()) {
            boolean secret = schema.find(e.getKey()).map(SettingDefinition::secret).orElse(false);
            if (secret && SealedValues.MASK.equals(e.getValue())) {
                if (SealedValues.sealedValue(stored.get(e.getKey())) != null) {
                    kept.add(e.getKey());
                }
            } else if (e.getValue() != null) {
                values.put(e.getKey(), e.getValue());
            }
        }
        SettingsValidator.Result r = SettingsValidator.validate(schema, values, kept);
        if (!r.ok()) {
            throw Failure.invalid("invalid_settings", "settings do not match the plugin's schema",
                    Map.of("errors", r.errors()));
        }
        Map<String, Object> doc = new LinkedHashMap<>();
        for (SettingDefinition d : schema.settings()) {
            if (kept.contains(d.name())) {
                doc.put(d.name(), stored.get(d.name()));
            } else if (r.values().containsKey(d.name())) {
                Object v = r.values().get(d.name());
                doc.put(d.name(), d.secret() ? SealedValues.seal(box, SettingsValidator.asText(v),
                        context.apply(d.name())) : v);
            }
        }
        return doc;
    }

    /** Plain values of a stored document. */
    public static Map<String, String> open(SecretBox box, Map<String, Object> stored, Function<String, String> context) {
        Map<String, String> out = new LinkedHashMap<>();
        stored.forEach((k, v) -> {
            String sealed = SealedValues.sealedValue(v);
            out.put(k, sealed != null ? box.open(sealed, context.apply(k)) : SettingsValidator.asText(v));
        });
        return out;
    }
}
