package io.channelhub.hub.persistence;

import java.security.SecureRandom;

/**
 * Identifiers: a type prefix, then 22 base62 characters: the creation time (8, milliseconds) and 14 random ones (about
 * 83 bits), so an id says what it names ({@code ten_}, {@code key_}, {@code ci_}) and cannot be guessed or enumerated
 * across tenants.
 *
 * <p>The time goes first, as in UUIDv7 (RFC 9562, which keeps 74 random bits), so that ids made later sort later
 * (roughly: not within a millisecond, nor across replicas' clocks, and nothing relies on the order): an index on an
 * id column grows at one edge (ids of the earlier, all-random layout stay where they are, on both sides of it). With ids entirely random, every insert into
 * such an index (messages, usage keys, events) landed on a leaf page of its own; once the index outgrew the database's
 * cache each insert read a page back and wrote a page out (docs/benchmarks.md, eleventh pass). The alphabet is in
 * ASCII order and id columns compare bytes (ascii_bin on MariaDB; H2's default), so the database's order is the
 * time's. The time an id shows is its row's creation, which the API returns beside it anyway.
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

    /** Characters of the time part: 62^8 milliseconds is some 6,900 years from 1970. */
    static final int TIME_CHARS = 8;
    static final int RANDOM_CHARS = 14;

    public static String newId(String prefix) {
        return prefix + "_" + timeBase62(System.currentTimeMillis()) + randomBase62(RANDOM_CHARS);
    }

    /** {@code millis} in {@link #TIME_CHARS} base62 characters, most significant first, zero-padded. */
    static String timeBase62(long millis) {
        char[] out = new char[TIME_CHARS];
        long rest = millis;
        for (int i = TIME_CHARS - 1; i >= 0; i--) {
            out[i] = ALPHABET[(int) (rest % 62)];
            rest /= 62;
        }
        return new String(out);
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
