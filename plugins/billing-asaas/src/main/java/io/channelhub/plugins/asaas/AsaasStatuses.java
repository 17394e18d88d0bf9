package io.channelhub.plugins.asaas;

import io.channelhub.plugin.billing.Charge.ChargeStatus;
import io.channelhub.plugin.billing.SubscriptionEvent;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Asaas payment and subscription statuses and webhook events in the hub's terms (docs/billing.md, "Statuses" and
 * "Recurring charges at the gateway"). Payment statuses the doc does not name are mapped by what they mean for the
 * invoice: a refund or chargeback in progress already takes the money back, a dunning (negativação) is an overdue
 * charge until it is received. A subscription that is EXPIRED (its endDate or maxPayments reached) generates no more
 * charges, which for the hub is INACTIVE.
 */
final class AsaasStatuses {

    private static final Map<String, ChargeStatus> STATUSES = Map.ofEntries(
            Map.entry("PENDING", ChargeStatus.PENDING),
            Map.entry("AWAITING_RISK_ANALYSIS", ChargeStatus.PENDING),
            Map.entry("CONFIRMED", ChargeStatus.CONFIRMED),
            Map.entry("RECEIVED", ChargeStatus.RECEIVED),
            Map.entry("RECEIVED_IN_CASH", ChargeStatus.RECEIVED),
            Map.entry("OVERDUE", ChargeStatus.OVERDUE),
            Map.entry("REFUNDED", ChargeStatus.REFUNDED),
            Map.entry("REFUND_REQUESTED", ChargeStatus.REFUNDED),
            Map.entry("REFUND_IN_PROGRESS", ChargeStatus.REFUNDED),
            Map.entry("CHARGEBACK_REQUESTED", ChargeStatus.REFUNDED),
            Map.entry("CHARGEBACK_DISPUTE", ChargeStatus.REFUNDED),
            // The dispute is won but the acquirer has not paid back yet: still not money in the account.
            Map.entry("AWAITING_CHARGEBACK_REVERSAL", ChargeStatus.REFUNDED),
            Map.entry("DUNNING_REQUESTED", ChargeStatus.OVERDUE),
            Map.entry("DUNNING_RECEIVED", ChargeStatus.RECEIVED));

    /** The events that become a {@code PaymentEvent}; Asaas's others are acknowledged and ignored. */
    static final Set<String> HANDLED_EVENTS = Set.of("PAYMENT_CREATED", "PAYMENT_UPDATED", "PAYMENT_CONFIRMED",
            "PAYMENT_RECEIVED", "PAYMENT_OVERDUE", "PAYMENT_REFUNDED", "PAYMENT_DELETED");

    private static final Map<String, SubscriptionEvent.Status> SUBSCRIPTION_STATUSES = Map.of(
            "ACTIVE", SubscriptionEvent.Status.ACTIVE,
            "INACTIVE", SubscriptionEvent.Status.INACTIVE,
            "EXPIRED", SubscriptionEvent.Status.INACTIVE);

    /**
     * The subscription events that become a {@code SubscriptionEvent}; the split-divergence blocks and any later
     * SUBSCRIPTION_* event are acknowledged and ignored.
     */
    static final Set<String> HANDLED_SUBSCRIPTION_EVENTS = Set.of("SUBSCRIPTION_CREATED", "SUBSCRIPTION_UPDATED",
            "SUBSCRIPTION_INACTIVATED", "SUBSCRIPTION_DELETED");

    private AsaasStatuses() {
    }

    /** A payment's status; a deleted payment is CANCELED whatever status it kept. Empty for an unknown status. */
    static Optional<ChargeStatus> charge(String asaasStatus, boolean deleted) {
        if (deleted) {
            return Optional.of(ChargeStatus.CANCELED);
        }
        return Optional.ofNullable(asaasStatus == null ? null : STATUSES.get(asaasStatus));
    }

    /** The status an event reports: PAYMENT_DELETED cancels, the others carry the payment's own status. */
    static Optional<ChargeStatus> ofEvent(String event, String asaasStatus, boolean deleted) {
        if (!HANDLED_EVENTS.contains(event)) {
            return Optional.empty();
        }
        return charge(asaasStatus, deleted || "PAYMENT_DELETED".equals(event));
    }

    /** A subscription's status; a deleted subscription is DELETED whatever status it kept. Empty when unknown. */
    static Optional<SubscriptionEvent.Status> subscription(String asaasStatus, boolean deleted) {
        if (deleted) {
            return Optional.of(SubscriptionEvent.Status.DELETED);
        }
        return Optional.ofNullable(asaasStatus == null ? null : SUBSCRIPTION_STATUSES.get(asaasStatus));
    }

    /**
     * The status a subscription event reports: SUBSCRIPTION_DELETED deletes and SUBSCRIPTION_INACTIVATED inactivates
     * whatever the object says, the others carry the subscription's own status.
     */
    static Optional<SubscriptionEvent.Status> ofSubscriptionEvent(String event, String asaasStatus, boolean deleted) {
        if (!HANDLED_SUBSCRIPTION_EVENTS.contains(event)) {
            return Optional.empty();
        }
        if ("SUBSCRIPTION_DELETED".equals(event) || deleted) {
            return Optional.of(SubscriptionEvent.Status.DELETED);
        }
        if ("SUBSCRIPTION_INACTIVATED".equals(event)) {
            return Optional.of(SubscriptionEvent.Status.INACTIVE);
        }
        return subscription(asaasStatus, false);
    }
}
