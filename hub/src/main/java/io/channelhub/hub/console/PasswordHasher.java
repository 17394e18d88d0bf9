package io.channelhub.hub.console;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Base64;
import javax.crypto.SecretKeyFactory;
import javax.crypto.spec.PBEKeySpec;

/**
 * Console passwords as PBKDF2-HMAC-SHA256 with a random salt and OWASP's iteration count: slow on purpose, so a
 * stolen table costs an attacker months per password instead of seconds. The JDK's implementation (FIPS-validated in
 * most distributions) rather than a dependency. The encoded form carries its parameters
 * ({@code pbkdf2-sha256$iterations$salt$hash}) so the count can be raised later: {@link #needsRehash} tells the login
 * to re-hash with the current count.
 */
public final class PasswordHasher {

    static final String ALGORITHM = "pbkdf2-sha256";
    /** OWASP Password Storage Cheat Sheet (2023) for PBKDF2-HMAC-SHA256. */
    public static final int DEFAULT_ITERATIONS = 600_000;
    public static final int MIN_LENGTH = 12;
    public static final int MAX_LENGTH = 256;
    private static final int SALT_BYTES = 16;
    private static final int HASH_BITS = 256;
    private static final SecureRandom RANDOM = new SecureRandom();

    private final int iterations;
    /**
     * At most one slow hash per core at a time: a flood of sign-ins queues here (and then gets 503) instead of taking
     * every core from the requests the hub is for.
     */
    private final java.util.concurrent.Semaphore slots =
            new java.util.concurrent.Semaphore(Math.max(1, Runtime.getRuntime().availableProcessors()), true);
    /** Verified against when the user doesn't exist, so the answer takes as long either way; made on first use. */
    private volatile String decoy;

    public PasswordHasher(int iterations) {
        if (iterations < 1) {
            throw new IllegalArgumentException("iterations must be positive");
        }
        this.iterations = iterations;
    }

    public String hash(String password) {
        byte[] salt = new byte[SALT_BYTES];
        RANDOM.nextBytes(salt);
        return encode(iterations, salt, derive(password, salt, iterations));
    }

    public boolean verify(String password, String encoded) {
        if (password == null || encoded == null) {
            return false;
        }
        String[] parts = encoded.split("\\$");
        if (parts.length != 4 || !ALGORITHM.equals(parts[0])) {
            return false;
        }
        int n;
        try {
            n = Integer.parseInt(parts[1]);
        } catch (NumberFormatException e) {
            return false;
        }
        byte[] salt = Base64.getDecoder().decode(parts[2]);
        byte[] expected = Base64.getDecoder().decode(parts[3]);
        return MessageDigest.isEqual(expected, derive(password, salt, n));
    }

    /** Spends the same time as a real verification, for an unknown account. */
    public void verifyDecoy(String password) {
        String d = decoy;
        if (d == null) {
            d = hash("decoy password that matches nothing");
            decoy = d;
        }
        verify(password == null ? "" : password, d);
    }

    public boolean needsRehash(String encoded) {
        String[] parts = encoded.split("\\$");
        return parts.length != 4 || !ALGORITHM.equals(parts[0]) || !parts[1].equals(Integer.toString(iterations));
    }

    /** No hashing slot freed up in time: the caller should come back in a moment. */
    private static io.channelhub.hub.errors.Failure busy() {
        return io.channelhub.hub.errors.Failure.unavailable("sign_in_busy",
                "too many sign-ins at once; retry in a moment", 1);
    }

    private byte[] derive(String password, byte[] salt, int iterations) {
        try {
            if (!slots.tryAcquire(2, java.util.concurrent.TimeUnit.SECONDS)) {
                throw busy();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw busy();
        }
        try {
            return pbkdf2(password, salt, iterations);
        } finally {
            slots.release();
        }
    }

    private static byte[] pbkdf2(String password, byte[] salt, int iterations) {
        PBEKeySpec spec = new PBEKeySpec(password.toCharArray(), salt, iterations, HASH_BITS);
        try {
            return SecretKeyFactory.getInstance("PBKDF2WithHmacSHA256").generateSecret(spec).getEncoded();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("PBKDF2WithHmacSHA256 is part of every JDK", e);
        } finally {
            spec.clearPassword();
        }
    }

    private static String encode(int iterations, byte[] salt, byte[] hash) {
        Base64.Encoder b64 = Base64.getEncoder().withoutPadding();
        return ALGORITHM + "$" + iterations + "$" + b64.encodeToString(salt) + "$" + b64.encodeToString(hash);
    }

    /** Length rules only (NIST SP 800-63B): no composition rules, which push people to predictable patterns. */
    public static String checkStrength(String password) {
        if (password == null || password.codePointCount(0, password.length()) < MIN_LENGTH) {
            return "a password needs at least " + MIN_LENGTH + " characters";
        }
        if (password.length() > MAX_LENGTH) {
            return "a password has at most " + MAX_LENGTH + " characters";
        }
        if (password.getBytes(StandardCharsets.UTF_8).length > 1024) {
            return "a password has at most " + MAX_LENGTH + " characters";
        }
        return null;
    }
}
