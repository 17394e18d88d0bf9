package io.channelhub.plugin.channel;

import io.channelhub.plugin.InboundEvent;
import java.time.Instant;

/**
 * The channel's report on an outbound message. The hub never moves a message backwards (a late SENT after READ is
 * ignored).
 *
 * <pre>{@code
 * new DeliveryStatus("wamid.1:read", "wamid.1", State.READ, null, timestamp)
 * }</pre>
 *
 * @param externalId        a unique id of this status report (de-duplication key)
 * @param externalMessageId the channel's id of the message it is about
 * @param state             the new state
 * @param errorCode         the channel's error code when {@code state} is FAILED, else null
 * @param at                when it happened, by the channel's clock
 */
public record DeliveryStatus(String externalId, String externalMessageId, State state, String errorCode, Instant at)
        implements InboundEvent {

    /** Delivery states, in their forward order. */
    public enum State { SENT, DELIVERED, READ, FAILED }
}
