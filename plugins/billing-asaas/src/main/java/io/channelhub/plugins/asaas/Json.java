package io.channelhub.plugins.asaas;

import com.fasterxml.jackson.jr.ob.JSON;
import java.io.IOException;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * JSON in and out with jackson-jr (shaded into this plugin's jar), and null-safe reads of parsed trees. Decimals are
 * read as {@link BigDecimal}: an Asaas {@code value} is money and must never pass through a double.
 */
final class Json {

    private static final JSON JSON_STD = JSON.std.with(JSON.Feature.USE_BIG_DECIMAL_FOR_FLOATS);

    private Json() {
    }

    /** Parses a JSON object; anything else is {@link IllegalArgumentException}. */
    static Map<String, Object> object(String text) {
        Object v;
        try {
            v = JSON_STD.anyFrom(text);
        } catch (IOException | RuntimeException e) {
            throw new IllegalArgumentException("malformed JSON", e);
        }
        if (!(v instanceof Map<?, ?>)) {
            throw new IllegalArgumentException("not a JSON object");
        }
        return asObject(v);
    }

    static Map<String, Object> object(byte[] body) {
        return object(new String(body, StandardCharsets.UTF_8));
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

    static Map<String, Object> object(Map<String, Object> parent, String field) {
        return asObject(parent.get(field));
    }

    static List<Object> list(Map<String, Object> parent, String field) {
        Object v = parent.get(field);
        @SuppressWarnings("unchecked")
        List<Object> l = v instanceof List<?> ? (List<Object>) v : List.of();
        return l;
    }

    /** A string field; empty when absent, null, blank or of another type. */
    static Optional<String> text(Map<String, Object> parent, String field) {
        return parent.get(field) instanceof String s && !s.isBlank() ? Optional.of(s) : Optional.empty();
    }

    /** A number field as a decimal; empty when absent, null or not a number. */
    static Optional<BigDecimal> decimal(Map<String, Object> parent, String field) {
        Object v = parent.get(field);
        if (v instanceof BigDecimal d) {
            return Optional.of(d);
        }
        if (v instanceof Number n) {
            return Optional.of(new BigDecimal(n.toString()));
        }
        return Optional.empty();
    }

    static boolean isTrue(Map<String, Object> parent, String field) {
        return Boolean.TRUE.equals(parent.get(field));
    }
}
