package io.channelhub.hub.settings;

import io.channelhub.plugin.SettingDefinition;
import io.channelhub.plugin.SettingsSchema;
import java.math.BigDecimal;
import java.net.URI;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Checks settings against a plugin's schema and normalises them: unknown names, missing required values, wrong
 * types, bad URLs and options outside a SELECT are errors per field; absent values take their default.
 */
public final class SettingsValidator {

    static final int MAX_STRING = 2_000;
    static final int MAX_TEXT = 100_000;

    private SettingsValidator() {
    }

    /** The outcome: normalised values (JSON types) or errors by setting name. */
    public record Result(Map<String, Object> values, Map<String, String> errors) {
        public boolean ok() {
            return errors.isEmpty();
        }
    }

    /**
     * @param input    the caller's values (already merged with stored ones on update)
     * @param keepSecrets names of secret settings whose stored value stands although {@code input} lacks them
     */
    public static Result validate(SettingsSchema schema, Map<String, Object> input, java.util.Set<String> keepSecrets) {
        Map<String, Object> out = new LinkedHashMap<>();
        Map<String, String> errors = new LinkedHashMap<>();
        for (String name : input.keySet()) {
            if (schema.find(name).isEmpty()) {
                errors.put(name, "unknown setting");
            }
        }
        for (SettingDefinition d : schema.settings()) {
            Object v = input.get(d.name());
            if (v == null && d.defaultValue() != null) {
                v = defaultOf(d);
            }
            if (v == null || (v instanceof String s && s.isEmpty() && d.required())) {
                if (d.required() && !(d.secret() && keepSecrets.contains(d.name()))) {
                    errors.put(d.name(), "required");
                }
                continue;
            }
            String err = check(d, v);
            if (err != null) {
                errors.put(d.name(), err);
            } else {
                out.put(d.name(), normalise(d, v));
            }
        }
        return new Result(out, errors);
    }

    private static Object defaultOf(SettingDefinition d) {
        String s = d.defaultValue();
        return switch (d.type()) {
            case INTEGER -> Long.parseLong(s);
            case NUMBER -> new BigDecimal(s);
            case BOOLEAN -> Boolean.parseBoolean(s);
            case LIST -> s.isEmpty() ? List.of() : List.of(s.split(","));
            default -> s;
        };
    }

    private static String check(SettingDefinition d, Object v) {
        switch (d.type()) {
            case STRING:
            case TEXT:
                if (!(v instanceof String s)) {
                    return "must be a string";
                }
                int max = d.type() == io.channelhub.plugin.SettingType.TEXT ? MAX_TEXT : MAX_STRING;
                return s.length() > max ? "longer than " + max + " characters" : null;
            case INTEGER:
                if (v instanceof Integer || v instanceof Long) {
                    return null;
                }
                if (v instanceof java.math.BigInteger) {
                    return "out of range";
                }
                return "must be an integer";
            case NUMBER:
                return v instanceof Number ? null : "must be a number";
            case BOOLEAN:
                return v instanceof Boolean ? null : "must be true or false";
            case URL:
                if (!(v instanceof String u)) {
                    return "must be a URL string";
                }
                try {
                    URI uri = new URI(u);
                    if (!("https".equalsIgnoreCase(uri.getScheme()) || "http".equalsIgnoreCase(uri.getScheme()))
                            || uri.getHost() == null) {
                        return "must be an absolute http(s) URL";
                    }
                    return u.length() > MAX_STRING ? "too long" : null;
                } catch (java.net.URISyntaxException e) {
                    return "must be an absolute http(s) URL";
                }
            case SELECT:
                if (!(v instanceof String s2) || !d.options().contains(s2)) {
                    return "must be one of " + d.options();
                }
                return null;
            case LIST:
                if (!(v instanceof List<?> list)) {
                    return "must be a list of strings";
                }
                for (Object o : list) {
                    if (!(o instanceof String s3) || s3.isEmpty() || s3.contains("\n") || s3.length() > MAX_STRING) {
                        return "must be a list of non-empty single-line strings";
                    }
                }
                return list.size() > 1000 ? "too many entries" : null;
            default:
                return "unsupported type";
        }
    }

    private static Object normalise(SettingDefinition d, Object v) {
        if (d.type() == io.channelhub.plugin.SettingType.LIST) {
            return new ArrayList<>((List<?>) v);
        }
        if (d.type() == io.channelhub.plugin.SettingType.INTEGER) {
            return ((Number) v).longValue();
        }
        return v;
    }

    /** The text form a plugin reads through {@link io.channelhub.plugin.Settings}. */
    public static String asText(Object v) {
        if (v instanceof List<?> list) {
            return String.join("\n", list.stream().map(String::valueOf).toList());
        }
        return String.valueOf(v);
    }
}
