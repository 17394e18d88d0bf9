package io.channelhub.plugin;

import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The validated, decrypted settings of one instance, as the hub hands them to a plugin. Values are text in the
 * form their {@link SettingType} documents; lists are held as their elements.
 *
 * <pre>{@code
 * String phoneNumberId = settings.require("phone_number_id");
 * int rate = settings.getInt("messages_per_second").orElse(80);
 * }</pre>
 *
 * @param values setting name to value; a LIST value is its elements joined by a newline
 */
public record Settings(Map<String, String> values) {

    /** Copies the map. */
    public Settings {
        values = Map.copyOf(values);
    }

    /** No settings. */
    public static Settings empty() {
        return new Settings(Map.of());
    }

    /** The value of a setting. */
    public Optional<String> get(String name) {
        return Optional.ofNullable(values.get(name));
    }

    /** The value of a setting the schema marks as required. */
    public String require(String name) {
        String v = values.get(name);
        if (v == null) {
            throw new IllegalStateException("setting " + name + " is not set");
        }
        return v;
    }

    /** An INTEGER setting. */
    public Optional<Long> getLong(String name) {
        return get(name).map(Long::parseLong);
    }

    /** An INTEGER setting that fits an int. */
    public Optional<Integer> getInt(String name) {
        return get(name).map(Integer::parseInt);
    }

    /** A BOOLEAN setting. */
    public Optional<Boolean> getBoolean(String name) {
        return get(name).map(Boolean::parseBoolean);
    }

    /** A LIST setting. */
    public List<String> getList(String name) {
        return get(name).map(v -> v.isEmpty() ? List.<String>of() : Arrays.asList(v.split("\n"))).orElse(List.of());
    }

    /** Never prints values: settings hold secrets. */
    @Override
    public String toString() {
        return "Settings" + values.keySet();
    }
}
