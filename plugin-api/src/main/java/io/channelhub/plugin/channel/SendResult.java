package io.channelhub.plugin.channel;

import java.time.Duration;
import java.util.Optional;

/**
 * The outcome of {@link ChannelConnector#send}. Retries, backoff, the dead-letter state and metrics belong to the
 * hub: a connector reports what happened and never loops itself.
 *
 * <pre>{@code
 * return new SendResult.Delivered(wamid);
 * return new SendResult.Retryable("rate_limited", Optional.of(Duration.ofSeconds(2)));
 * return new SendResult.Permanent("131026", "message undeliverable");
 * }</pre>
 */
public sealed interface SendResult {

    /**
     * Accepted by the channel.
     *
     * @param channelMessageId the channel's id of the message
     */
    record Delivered(String channelMessageId) implements SendResult {
    }

    /**
     * Failed in a way that may pass on a retry.
     *
     * @param reason     a short code
     * @param retryAfter how long the channel asked to wait, if it did
     */
    record Retryable(String reason, Optional<Duration> retryAfter) implements SendResult {
    }

    /**
     * Failed for good; the message goes to the dead-letter state.
     *
     * @param code   the channel's error code
     * @param reason a human explanation without personal data
     */
    record Permanent(String code, String reason) implements SendResult {
    }
}
