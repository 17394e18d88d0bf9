package io.channelhub.hub.persistence;

import java.security.SecureRandom;

/**
 * Identifiers: a type prefix and 128 random bits in base62, so an id says what it names ({@code ten_}, {@code key_},
 * {@code ci_}) and cannot be guessed or enumerated across tenants.
 */
public final class Ids {

    private static final SecureRandom RANDOM = new SecureRandom();
    private static final char[] ALPHABET =
            "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz".toCharArray();

    private Ids() {
    }

    public static String newId(String prefix) {
        return prefix + "_" + randomBase62(22);
    }

    /**
     * {@code length} uniformly random base62 characters. One SecureRandom call fills a buffer and each byte below
     * 248 (4 x 62) gives a character by rejection sampling, so every character is uniform; a call per character
     * (SecureRandom locks and mixes on each) cost more than the rest of a webhook's id handling.
     */
    public static String randomBase62(int length) {
        char[] out = new char[length];
        int filled = 0;
        byte[] buf = new byte[length + 8];
        while (filled < length) {
            RANDOM.nextBytes(buf);
            for (int i = 0; i < buf.length && filled < length; i++) {
                int b = buf[i] & 0xFF;
                if (b < 248) {
                    out[filled++] = ALPHABET[b % 62];
                }
            }
        }
        return new String(out);
    }
}
