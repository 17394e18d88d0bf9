package io.channelhub.plugin.billing;

import io.channelhub.plugin.InboundEvent;
import java.time.Instant;

/**
 * A gateway webhook, normalized.
 *
 * <pre>{@code
 * new PaymentEvent("evt_05b7...", "pay_080225913252", "inv_2026_11", Charge.ChargeStatus.RECEIVED, 9900, ts)
 * }</pre>
 *
 * @param externalId      the gateway's event id (de-duplication key)
 * @param gatewayChargeId the charge it is about
 * @param reference       the hub's invoice id, when the gateway echoes it
 * @param status          the charge's new status
 * @param amountMinor     amount in minor units
 * @param at              when it happened, by the gateway's clock
 * @param gatewaySubscriptionId the recurring charge (see {@link SubscriptionRequest}) that created the charge, or
 *                              null (since 1.1.0)
 */
public record PaymentEvent(String externalId, String gatewayChargeId, String reference, Charge.ChargeStatus status,
                           long amountMinor, Instant at, String gatewaySubscriptionId) implements InboundEvent {

    /** An event of a one-off charge (the form of plugin API 1.0). */
    public PaymentEvent(String externalId, String gatewayChargeId, String reference, Charge.ChargeStatus status,
                        long amountMinor, Instant at) {
        this(externalId, gatewayChargeId, reference, status, amountMinor, at, null);
    }
}
