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

    public static String randomBase62(int length) {
        StringBuilder sb = new StringBuilder(length);
        for (int i = 0; i < length; i++) {
            sb.append(ALPHABET[RANDOM.nextInt(ALPHABET.length)]);
        }
        return sb.toString();
    }
}
