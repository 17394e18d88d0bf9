package io.channelhub.plugins.asaas;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class WebhookTokensTest {

    @Test
    void acceptsTheConfiguredToken() {
        assertThat(WebhookTokens.matches("whk-token-1", "whk-token-1")).isTrue();
    }

    @Test
    void refusesAnotherTokenAPrefixAndADifferentCase() {
        assertThat(WebhookTokens.matches("whk-token-2", "whk-token-1")).isFalse();
        assertThat(WebhookTokens.matches("whk-token", "whk-token-1")).isFalse();
        assertThat(WebhookTokens.matches("whk-token-1x", "whk-token-1")).isFalse();
        assertThat(WebhookTokens.matches("WHK-TOKEN-1", "whk-token-1")).isFalse();
    }

    @Test
    void refusesAMissingTokenAndNeverMatchesAnUnconfiguredOne() {
        assertThat(WebhookTokens.matches(null, "whk-token-1")).isFalse();
        assertThat(WebhookTokens.matches("", "whk-token-1")).isFalse();
        assertThat(WebhookTokens.matches("", "")).isFalse();
        assertThat(WebhookTokens.matches("anything", null)).isFalse();
    }
}
