package io.channelhub.hub.security;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.security.SecureRandom;
import java.util.List;
import org.junit.jupiter.api.Test;

class SecretBoxTest {

    private static byte[] key() {
        byte[] k = new byte[32];
        new SecureRandom().nextBytes(k);
        return k;
    }

    @Test
    void sealsAndOpensWithTheSameContext() {
        SecretBox box = new SecretBox(key(), List.of());
        String sealed = box.seal("app-secret", "t1:ci1:app_secret");
        assertThat(sealed).startsWith("v1:").doesNotContain("app-secret");
        assertThat(box.open(sealed, "t1:ci1:app_secret")).isEqualTo("app-secret");
        assertThat(box.seal("app-secret", "t1:ci1:app_secret")).isNotEqualTo(sealed);
    }

    @Test
    void aValueCopiedToAnotherTenantDoesNotOpen() {
        SecretBox box = new SecretBox(key(), List.of());
        String sealed = box.seal("token", "channel_instance:tenantA:ci1:token");
        assertThatThrownBy(() -> box.open(sealed, "channel_instance:tenantB:ci1:token"))
                .hasMessageContaining("cannot decrypt");
    }

    @Test
    void opensValuesOfAPreviousKeyAfterRotation() {
        byte[] old = key();
        String sealed = new SecretBox(old, List.of()).seal("v", "c");
        SecretBox rotated = new SecretBox(key(), List.of(old));
        assertThat(rotated.open(sealed, "c")).isEqualTo("v");
        assertThatThrownBy(() -> new SecretBox(key(), List.of()).open(sealed, "c"))
                .hasMessageContaining("unknown key");
    }

    @Test
    void refusesKeysOfTheWrongLength() {
        assertThatThrownBy(() -> new SecretBox(new byte[16], List.of())).hasMessageContaining("32 bytes");
    }
}
