package io.channelhub.plugin.channel;

import io.channelhub.plugin.InboundEvent;
import java.time.Instant;

/**
 * The channel's report on an outbound message. The hub never moves a message backwards (a late SENT after READ is
 * ignored).
 *
 * <pre>{@code
 * new DeliveryStatus("wamid.1:read", "wamid.1", State.READ, null, timestamp)
 * new DeliveryStatus("wamid.1:failed", "wamid.1", State.FAILED, "131026", timestamp, "Message undeliverable",
 *         "Message Undeliverable.")
 * }</pre>
 *
 * @param externalId        a unique id of this status report (de-duplication key)
 * @param externalMessageId the channel's id of the message it is about
 * @param state             the new state
 * @param errorCode         the channel's error code when {@code state} is FAILED, else null
 * @param at                when it happened, by the channel's clock
 * @param errorTitle        the channel's short description of the error when {@code state} is FAILED, else null
 *                          (since 1.2.0)
 * @param errorDetails      the channel's longer explanation of the error, else null (since 1.2.0)
 */
public record DeliveryStatus(String externalId, String externalMessageId, State state, String errorCode, Instant at,
                             String errorTitle, String errorDetails) implements InboundEvent {

    /** A report without the channel's words on an error (the form of plugin API 1.1). */
    public DeliveryStatus(String externalId, String externalMessageId, State state, String errorCode, Instant at) {
        this(externalId, externalMessageId, state, errorCode, at, null, null);
    }

    /** Delivery states, in their forward order. */
    public enum State { SENT, DELIVERED, READ, FAILED }
}
