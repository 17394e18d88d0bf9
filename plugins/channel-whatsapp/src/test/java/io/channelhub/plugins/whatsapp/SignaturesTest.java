package io.channelhub.plugins.whatsapp;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class SignaturesTest {

    private static final byte[] BODY = "{\"object\":\"whatsapp_business_account\",\"entry\":[]}"
            .getBytes(StandardCharsets.UTF_8);

    @Test
    void acceptsTheHmacOfTheRawBodyUnderTheAppSecret() {
        String header = Signatures.sign(BODY, "s3cret");
        assertThat(header).startsWith("sha256=").hasSize(7 + 64);
        assertThat(Signatures.matches(Signatures.presented(header).orElseThrow(), BODY, "s3cret")).isTrue();
    }

    @Test
    void knownVector() {
        // HMAC-SHA256("key", "The quick brown fox jumps over the lazy dog"), the widely published example value.
        byte[] body = "The quick brown fox jumps over the lazy dog".getBytes(StandardCharsets.UTF_8);
        assertThat(Signatures.sign(body, "key"))
                .isEqualTo("sha256=f7bc83f430538424b13298e6aa6fb143ef4d59a14946175997479dbc2d1a3cd8");
    }

    @Test
    void rejectsASignatureUnderAnotherSecret() {
        byte[] digest = Signatures.presented(Signatures.sign(BODY, "other")).orElseThrow();
        assertThat(Signatures.matches(digest, BODY, "s3cret")).isFalse();
    }

    @Test
    void rejectsABodyAlteredAfterSigning() {
        byte[] digest = Signatures.presented(Signatures.sign(BODY, "s3cret")).orElseThrow();
        byte[] altered = BODY.clone();
        altered[altered.length - 2] = ' ';
        assertThat(Signatures.matches(digest, altered, "s3cret")).isFalse();
    }

    @Test
    void treatsMissingOrMalformedHeadersAsAbsent() {
        String valid = Signatures.sign(BODY, "s3cret");
        assertThat(Signatures.presented(null)).isEmpty();
        assertThat(Signatures.presented("")).isEmpty();
        assertThat(Signatures.presented(valid.substring(7))).isEmpty();
        assertThat(Signatures.presented("sha1=" + valid.substring(7))).isEmpty();
        assertThat(Signatures.presented(valid.substring(0, valid.length() - 1))).isEmpty();
        assertThat(Signatures.presented("sha256=" + "z".repeat(64))).isEmpty();
        assertThat(Signatures.presented(valid.toUpperCase(java.util.Locale.ROOT))).isPresent();
    }

    @Test
    void anEmptySecretNeverMatches() {
        byte[] digest = Signatures.presented(Signatures.sign(BODY, "x")).orElseThrow();
        assertThat(Signatures.matches(digest, BODY, "")).isFalse();
        assertThat(Signatures.matches(digest, BODY, null)).isFalse();
    }
}
