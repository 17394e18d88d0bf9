package io.channelhub.hub.security;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * How a secret setting is stored inside a JSON settings document: {@code {"sealed": "v1:..."}}, never a bare
 * string, so no ordinary value (one that happens to start with {@code v1:}) can be mistaken for ciphertext.
 */
public final class SealedValues {

    /** What a secret looks like in every response; sending it back on update keeps the stored value. */
    public static final String MASK = "********";
    private static final String SEALED = "sealed";

    private SealedValues() {
    }

    public static Map<String, String> seal(SecretBox box, String plaintext, String context) {
        return Map.of(SEALED, box.seal(plaintext, context));
    }

    /** The ciphertext of a stored secret, or null when {@code stored} is an ordinary value. */
    public static String sealedValue(Object stored) {
        if (stored instanceof Map<?, ?> m && m.size() == 1 && m.get(SEALED) instanceof String s
                && SecretBox.isSealed(s)) {
            return s;
        }
        return null;
    }

    /** A settings document as the API shows it: secrets replaced by {@link #MASK}. */
    public static Map<String, Object> masked(Map<String, Object> settings) {
        Map<String, Object> out = new LinkedHashMap<>();
        settings.forEach((k, v) -> out.put(k, sealedValue(v) != null ? MASK : v));
        return out;
    }
}
