package io.channelhub.plugins.web;

import com.fasterxml.jackson.jr.ob.JSON;
import java.io.IOException;
import java.util.Map;

/** JSON in and out, with jackson-jr (shaded into this plugin's jar). */
final class Json {

    // Nulls are written: the protocol shows an absent value as null (conversation_id before the first message).
    private static final JSON JSON_STD = JSON.std.with(JSON.Feature.WRITE_NULL_PROPERTIES);

    private Json() {
    }

    /** Parses a JSON object; anything else is {@link IllegalArgumentException}. */
    static Map<String, Object> read(String text) {
        try {
            Object v = JSON_STD.anyFrom(text);
            if (!(v instanceof Map<?, ?> m)) {
                throw new IllegalArgumentException("not a JSON object");
            }
            @SuppressWarnings("unchecked")
            Map<String, Object> out = (Map<String, Object>) m;
            return out;
        } catch (IOException e) {
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
}
