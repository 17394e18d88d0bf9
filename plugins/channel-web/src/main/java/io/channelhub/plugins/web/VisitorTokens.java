package io.channelhub.plugins.web;

import io.channelhub.plugin.DocumentStore;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.time.Instant;
import java.util.Base64;
import java.util.HexFormat;
import java.util.Map;
import java.util.Optional;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Visitor tokens, {@code v1.<payload>.<signature>}: the widget instance, the visitor id, whether the visitor was
 * verified, and the expiry, signed with HMAC-SHA256 under a key the plugin generates per instance and keeps in its
 * document store. A token of another widget, a changed payload or an expired token is refused.
 */
final class VisitorTokens {

    private static final SecureRandom RANDOM = new SecureRandom();
    private static final Base64.Encoder B64 = Base64.getUrlEncoder().withoutPadding();
    private static final Base64.Decoder B64D = Base64.getUrlDecoder();
    static final String KEYS = "keys";

    /** A verified token's content. */
    record Visitor(String id, boolean verified, Instant expiresAt) {
    }

    private VisitorTokens() {
    }

    static String issue(DocumentStore store, String instanceId, Visitor v) {
        String payload = String.join("|", instanceId, v.id(), v.verified() ? "1" : "0",
                Long.toString(v.expiresAt().getEpochSecond()));
        String p = B64.encodeToString(payload.getBytes(StandardCharsets.UTF_8));
        return "v1." + p + "." + B64.encodeToString(hmac(key(store, instanceId), p.getBytes(StandardCharsets.UTF_8)));
    }

    static Optional<Visitor> verify(DocumentStore store, String instanceId, String token, Instant now) {
        if (token == null || token.length() > 1024) {
            return Optional.empty();
        }
        String[] parts = token.split("\\.", -1);
        if (parts.length != 3 || !"v1".equals(parts[0])) {
            return Optional.empty();
        }
        try {
            byte[] expected = hmac(key(store, instanceId), parts[1].getBytes(StandardCharsets.UTF_8));
            if (!MessageDigest.isEqual(expected, B64D.decode(parts[2]))) {
                return Optional.empty();
            }
            String[] f = new String(B64D.decode(parts[1]), StandardCharsets.UTF_8).split("\\|", -1);
            if (f.length != 4 || !f[0].equals(instanceId)) {
                return Optional.empty();
            }
            Instant exp = Instant.ofEpochSecond(Long.parseLong(f[3]));
            return exp.isAfter(now) ? Optional.of(new Visitor(f[1], "1".equals(f[2]), exp)) : Optional.empty();
        } catch (IllegalArgumentException e) {
            return Optional.empty();
        }
    }

    /** Whether {@code hash} is the hex HMAC-SHA256 of the user id under the tenant's identity secret. */
    static boolean validUserHash(String secret, String userId, String hash) {
        if (secret == null || userId == null || hash == null || !hash.matches("[0-9a-fA-F]{64}")) {
            return false;
        }
        byte[] expected = hmac(secret.getBytes(StandardCharsets.UTF_8), userId.getBytes(StandardCharsets.UTF_8));
        return MessageDigest.isEqual(expected, HexFormat.of().parseHex(hash.toLowerCase(java.util.Locale.ROOT)));
    }

    static String newVisitorId() {
        byte[] b = new byte[16];
        RANDOM.nextBytes(b);
        return "v_" + B64.encodeToString(b);
    }

    private static byte[] key(DocumentStore store, String instanceId) {
        String name = "visitor-token:" + instanceId;
        Optional<DocumentStore.Document> doc = store.get(KEYS, name);
        if (doc.isEmpty()) {
            byte[] k = new byte[32];
            RANDOM.nextBytes(k);
            store.put(KEYS, name, Json.write(Map.of("key", Base64.getEncoder().encodeToString(k))), Map.of(), null);
            // Re-read: when two first requests race, both go on with the key that was stored last.
            doc = store.get(KEYS, name);
        }
        return Base64.getDecoder().decode(String.valueOf(Json.read(doc.orElseThrow().json()).get("key")));
    }

    static byte[] hmac(byte[] key, byte[] data) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(key, "HmacSHA256"));
            return mac.doFinal(data);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 unavailable", e);
        }
    }

    static String sha256Hex(String s) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256")
                    .digest(s.getBytes(StandardCharsets.UTF_8)));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }
}
