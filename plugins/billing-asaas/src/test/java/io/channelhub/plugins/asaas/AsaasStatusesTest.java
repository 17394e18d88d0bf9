package io.channelhub.plugins.asaas;

import static org.assertj.core.api.Assertions.assertThat;

import io.channelhub.plugin.billing.Charge.ChargeStatus;
import io.channelhub.plugin.billing.SubscriptionEvent;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

class AsaasStatusesTest {

    @ParameterizedTest
    @CsvSource({
            "PENDING, PENDING", "AWAITING_RISK_ANALYSIS, PENDING", "CONFIRMED, CONFIRMED", "RECEIVED, RECEIVED",
            "RECEIVED_IN_CASH, RECEIVED", "OVERDUE, OVERDUE", "REFUNDED, REFUNDED", "REFUND_REQUESTED, REFUNDED",
            "REFUND_IN_PROGRESS, REFUNDED", "CHARGEBACK_REQUESTED, REFUNDED", "CHARGEBACK_DISPUTE, REFUNDED",
            "AWAITING_CHARGEBACK_REVERSAL, REFUNDED", "DUNNING_REQUESTED, OVERDUE", "DUNNING_RECEIVED, RECEIVED"})
    void mapsEachAsaasStatus(String asaas, ChargeStatus hub) {
        assertThat(AsaasStatuses.charge(asaas, false)).contains(hub);
    }

    @Test
    void aDeletedPaymentIsCanceledWhateverItsStatus() {
        assertThat(AsaasStatuses.charge("PENDING", true)).contains(ChargeStatus.CANCELED);
        assertThat(AsaasStatuses.charge("OVERDUE", true)).contains(ChargeStatus.CANCELED);
    }

    @Test
    void anUnknownStatusHasNoMapping() {
        assertThat(AsaasStatuses.charge("SOMETHING_NEW", false)).isEmpty();
        assertThat(AsaasStatuses.charge(null, false)).isEmpty();
    }

    @Test
    void paymentDeletedCancelsAndOtherHandledEventsCarryThePaymentStatus() {
        assertThat(AsaasStatuses.ofEvent("PAYMENT_DELETED", "PENDING", false)).contains(ChargeStatus.CANCELED);
        assertThat(AsaasStatuses.ofEvent("PAYMENT_RECEIVED", "RECEIVED_IN_CASH", false))
                .contains(ChargeStatus.RECEIVED);
        assertThat(AsaasStatuses.ofEvent("PAYMENT_OVERDUE", "OVERDUE", false)).contains(ChargeStatus.OVERDUE);
    }

    @Test
    void eventsOutsideTheContractHaveNoStatus() {
        assertThat(AsaasStatuses.ofEvent("PAYMENT_RESTORED", "PENDING", false)).isEmpty();
        assertThat(AsaasStatuses.ofEvent("PAYMENT_BANK_SLIP_VIEWED", "PENDING", false)).isEmpty();
    }

    @ParameterizedTest
    @CsvSource({"ACTIVE, ACTIVE", "INACTIVE, INACTIVE", "EXPIRED, INACTIVE"})
    void mapsEachAsaasSubscriptionStatus(String asaas, SubscriptionEvent.Status hub) {
        assertThat(AsaasStatuses.subscription(asaas, false)).contains(hub);
    }

    @Test
    void aDeletedSubscriptionIsDeletedWhateverItsStatus() {
        assertThat(AsaasStatuses.subscription("ACTIVE", true)).contains(SubscriptionEvent.Status.DELETED);
        assertThat(AsaasStatuses.subscription("INACTIVE", true)).contains(SubscriptionEvent.Status.DELETED);
    }

    @Test
    void anUnknownSubscriptionStatusHasNoMapping() {
        assertThat(AsaasStatuses.subscription("PAUSED", false)).isEmpty();
        assertThat(AsaasStatuses.subscription(null, false)).isEmpty();
    }

    @ParameterizedTest
    @CsvSource({
            "SUBSCRIPTION_CREATED, ACTIVE, false, ACTIVE", "SUBSCRIPTION_UPDATED, EXPIRED, false, INACTIVE",
            "SUBSCRIPTION_UPDATED, INACTIVE, false, INACTIVE", "SUBSCRIPTION_INACTIVATED, ACTIVE, false, INACTIVE",
            "SUBSCRIPTION_DELETED, ACTIVE, false, DELETED", "SUBSCRIPTION_UPDATED, ACTIVE, true, DELETED"})
    void subscriptionEventsNameTheirStatusOrCarryTheSubscriptions(String event, String asaas, boolean deleted,
                                                                  SubscriptionEvent.Status hub) {
        assertThat(AsaasStatuses.ofSubscriptionEvent(event, asaas, deleted)).contains(hub);
    }

    @Test
    void subscriptionEventsOutsideTheContractHaveNoStatus() {
        assertThat(AsaasStatuses.ofSubscriptionEvent("SUBSCRIPTION_SPLIT_DIVERGENCE_BLOCK", "ACTIVE", false))
                .isEmpty();
        assertThat(AsaasStatuses.ofSubscriptionEvent("PAYMENT_RECEIVED", "ACTIVE", false)).isEmpty();
    }
}
