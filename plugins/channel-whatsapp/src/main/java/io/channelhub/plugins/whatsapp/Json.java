package io.channelhub.plugins.whatsapp;

import com.fasterxml.jackson.jr.ob.JSON;
import java.io.IOException;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** JSON in and out with jackson-jr (shaded into this plugin's jar), and null-safe reads of parsed trees. */
final class Json {

    private static final JSON JSON_STD = JSON.std;

    private Json() {
    }

    /** Parses a JSON object; anything else is {@link IllegalArgumentException}. */
    static Map<String, Object> object(String text) {
        Object v = any(text);
        if (!(v instanceof Map<?, ?>)) {
            throw new IllegalArgumentException("not a JSON object");
        }
        return asObject(v);
    }

    /** Parses any JSON value; malformed text is {@link IllegalArgumentException}. */
    static Object any(String text) {
        try {
            return JSON_STD.anyFrom(text);
        } catch (IOException | RuntimeException e) {
            throw new IllegalArgumentException("malformed JSON", e);
        }
    }

    static String write(Object value) {
        try {
            return JSON_STD.asString(value);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    @SuppressWarnings("unchecked")
    static Map<String, Object> asObject(Object v) {
        return v instanceof Map<?, ?> m ? (Map<String, Object>) m : Map.of();
    }

    @SuppressWarnings("unchecked")
    static List<Object> asList(Object v) {
        return v instanceof List<?> l ? (List<Object>) l : List.of();
    }

    static Map<String, Object> object(Map<String, Object> parent, String field) {
        return asObject(parent.get(field));
    }

    static List<Object> list(Map<String, Object> parent, String field) {
        return asList(parent.get(field));
    }

    /** A string or number field as text; empty when absent, null or of another type. */
    static Optional<String> text(Map<String, Object> parent, String field) {
        Object v = parent.get(field);
        if (v instanceof String s) {
            return Optional.of(s);
        }
        if (v instanceof Number n) {
            return Optional.of(n.toString());
        }
        return Optional.empty();
    }

    /** The first element of a list field, as an object; empty map when there is none. */
    static Map<String, Object> first(Map<String, Object> parent, String field) {
        List<Object> l = list(parent, field);
        return l.isEmpty() ? Map.of() : asObject(l.get(0));
    }
}
