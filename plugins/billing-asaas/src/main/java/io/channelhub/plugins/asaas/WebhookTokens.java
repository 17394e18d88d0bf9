package io.channelhub.plugins.asaas;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;

/**
 * The webhook's authentication: Asaas sends the token configured on the webhook in {@code asaas-access-token}, the
 * only proof that a POST comes from Asaas. Compared in constant time over SHA-256 digests, so neither the content nor
 * the length of the expected token leaks through timing.
 */
final class WebhookTokens {

    static final String HEADER = "asaas-access-token";

    private WebhookTokens() {
    }

    /** Whether the presented token is the configured one; an empty configured token never matches. */
    static boolean matches(String presented, String expected) {
        if (presented == null || presented.isEmpty() || expected == null || expected.isEmpty()) {
            return false;
        }
        return MessageDigest.isEqual(sha256(presented), sha256(expected));
    }

    private static byte[] sha256(String s) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
