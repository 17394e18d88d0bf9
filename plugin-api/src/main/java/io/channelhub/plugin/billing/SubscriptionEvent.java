package io.channelhub.plugin.billing;

import io.channelhub.plugin.InboundEvent;
import java.time.Instant;

/**
 * A gateway webhook about a recurring charge, normalized (Asaas's SUBSCRIPTION_* events).
 *
 * <pre>{@code
 * new SubscriptionEvent("evt_1", "sub_VXJBYgP2u0eO", "sub_1", Status.INACTIVE, ts)
 * }</pre>
 *
 * @param externalId            the gateway's event id (de-duplication key)
 * @param gatewaySubscriptionId the recurring charge it is about
 * @param reference             the hub's subscription id, when the gateway echoes it
 * @param status                its new state
 * @param at                    when it happened, by the gateway's clock
 * @since 1.1.0
 */
public record SubscriptionEvent(String externalId, String gatewaySubscriptionId, String reference, Status status,
                                Instant at) implements InboundEvent {

    /** States of a recurring charge. */
    public enum Status { ACTIVE, INACTIVE, DELETED }
}
