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
     * <pre>{@code
     * return new SendResult.Permanent("131026", "message undeliverable", "Message undeliverable",
     *         "Message Undeliverable.");
     * }</pre>
     *
     * @param code         the channel's error code
     * @param reason       a human explanation without personal data (logged and kept in the delivery log)
     * @param errorTitle   the channel's own short description of the error, shown to the tenant with the message,
     *                     or null (since 1.2.0)
     * @param errorDetails the channel's own longer explanation, shown to the tenant with the message, or null
     *                     (since 1.2.0)
     */
    record Permanent(String code, String reason, String errorTitle, String errorDetails) implements SendResult {

        /** Without the channel's own words (the form of plugin API 1.1). */
        public Permanent(String code, String reason) {
            this(code, reason, null, null);
        }
    }
}
