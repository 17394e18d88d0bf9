package io.channelhub.hub.persistence;

import java.security.SecureRandom;

/**
 * Identifiers: a type prefix and 128 random bits in base62, so an id says what it names ({@code ten_}, {@code key_},
 * {@code ci_}) and cannot be guessed or enumerated across tenants.
 */
public final class Ids {

    /**
     * Several generators, one picked at random per call: a generator serialises its callers on its monitor, and
     * with thousands of virtual threads on two carriers one was a queue every request with a new id stood in
     * (docs/benchmarks.md, 10,000 streams). DRBG instances (NIST SP 800-90A, seeded by the system) each have their
     * own state; the platform default on Linux (NativePRNG) shares one behind every instance.
     */
    private static final SecureRandom[] RANDOMS = new SecureRandom[16];

    static {
        for (int i = 0; i < RANDOMS.length; i++) {
            try {
                RANDOMS[i] = SecureRandom.getInstance("DRBG");
            } catch (java.security.NoSuchAlgorithmException e) {
                RANDOMS[i] = new SecureRandom();
            }
        }
    }
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
            RANDOMS[java.util.concurrent.ThreadLocalRandom.current().nextInt(RANDOMS.length)].nextBytes(buf);
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
