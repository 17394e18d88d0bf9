package io.channelhub.plugins.whatsapp;

import java.nio.charset.StandardCharsets;
import java.security.InvalidKeyException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Optional;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Meta's webhook signature: {@code X-Hub-Signature-256: sha256=<hex HMAC-SHA256 of the raw body under the app
 * secret>}. The HMAC covers the exact bytes received, so it is checked before (and independently of) parsing.
 */
final class Signatures {

    static final String HEADER = "X-Hub-Signature-256";
    private static final String PREFIX = "sha256=";
    private static final int SHA256_HEX_LENGTH = 64;

    private Signatures() {
    }

    /**
     * The digest a header carries; empty when the header is missing or malformed (no {@code sha256=} prefix, not
     * 64 hex digits), which callers treat like a wrong signature.
     */
    static Optional<byte[]> presented(String header) {
        if (header == null) {
            return Optional.empty();
        }
        String h = header.trim();
        if (!h.regionMatches(true, 0, PREFIX, 0, PREFIX.length())) {
            return Optional.empty();
        }
        String hex = h.substring(PREFIX.length());
        if (hex.length() != SHA256_HEX_LENGTH) {
            return Optional.empty();
        }
        try {
            return Optional.of(HexFormat.of().parseHex(hex));
        } catch (IllegalArgumentException e) {
            return Optional.empty();
        }
    }

    /** Whether the digest is the body's HMAC under the secret, compared in constant time. */
    static boolean matches(byte[] presentedDigest, byte[] body, String appSecret) {
        if (appSecret == null || appSecret.isEmpty()) {
            return false;
        }
        return MessageDigest.isEqual(hmac(body, appSecret), presentedDigest);
    }

    /** The header value Meta would send for this body: {@code sha256=} and the lower-case hex HMAC. */
    static String sign(byte[] body, String appSecret) {
        return PREFIX + HexFormat.of().formatHex(hmac(body, appSecret));
    }

    private static byte[] hmac(byte[] body, String secret) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
            return mac.doFinal(body);
        } catch (NoSuchAlgorithmException | InvalidKeyException e) {
            throw new IllegalStateException("HmacSHA256 is unavailable", e);
        }
    }
}
