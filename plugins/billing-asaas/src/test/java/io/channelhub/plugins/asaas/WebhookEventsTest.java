package io.channelhub.plugins.asaas;

import static org.assertj.core.api.Assertions.assertThat;

import io.channelhub.plugin.billing.Charge.ChargeStatus;
import io.channelhub.plugin.billing.PaymentEvent;
import io.channelhub.plugin.billing.SubscriptionEvent;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The payloads under webhooks/ follow Asaas's documented event object with its payment object, or with its
 * subscription object (whose dates Asaas writes dd/MM/yyyy in webhooks).
 */
class WebhookEventsTest {

    static byte[] resource(String name) {
        try (InputStream in = WebhookEventsTest.class.getResourceAsStream("/webhooks/" + name + ".json")) {
            if (in == null) {
                throw new IllegalArgumentException("no resource " + name);
            }
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static PaymentEvent event(String name) {
        WebhookEvents.Parsed parsed = WebhookEvents.parse(resource(name), AsaasContext.NOW);
        assertThat(parsed).isInstanceOf(WebhookEvents.Payment.class);
        return ((WebhookEvents.Payment) parsed).event();
    }

    @ParameterizedTest
    @CsvSource({
            "payment_created, PENDING", "payment_updated, PENDING", "payment_confirmed, CONFIRMED",
            "payment_received, RECEIVED", "payment_received_in_cash, RECEIVED", "payment_overdue, OVERDUE",
            "payment_refunded, REFUNDED", "payment_deleted, CANCELED", "payment_awaiting_risk_analysis, PENDING"})
    void mapsEachTrackedEventToTheChargeStatus(String payload, ChargeStatus status) {
        assertThat(event(payload).status()).isEqualTo(status);
    }

    @Test
    void readsTheEventIdChargeReferenceAmountAndTime() {
        PaymentEvent e = event("payment_received");
        assertThat(e.externalId()).isEqualTo("evt_05b708f961d739ea7eba7e4db318f621&368604924");
        assertThat(e.gatewayChargeId()).isEqualTo("pay_080225913252");
        assertThat(e.reference()).isEqualTo("inv_2026_11");
        assertThat(e.amountMinor()).isEqualTo(9900);
        // "2026-11-02 16:45:03" is Brasília time, three hours behind UTC.
        assertThat(e.at()).isEqualTo(Instant.parse("2026-11-02T19:45:03Z"));
    }

    @Test
    void aOneOffPaymentNamesNoSubscription() {
        assertThat(event("payment_received").gatewaySubscriptionId()).isNull();
    }

    @Test
    void aPaymentGeneratedByASubscriptionNamesIt() {
        PaymentEvent e = event("payment_confirmed_subscription");
        assertThat(e.gatewaySubscriptionId()).isEqualTo("sub_m5gdy1upm25fbwgx");
        assertThat(e.gatewayChargeId()).isEqualTo("pay_080225913260");
        assertThat(e.status()).isEqualTo(ChargeStatus.CONFIRMED);
        assertThat(e.amountMinor()).isEqualTo(9900);
        // Passed through as the payment carries it: here the subscription's, not an invoice id.
        assertThat(e.reference()).isEqualTo("sub_hub1");
    }

    private static SubscriptionEvent subscriptionEvent(String name) {
        WebhookEvents.Parsed parsed = WebhookEvents.parse(resource(name), AsaasContext.NOW);
        assertThat(parsed).isInstanceOf(WebhookEvents.Subscription.class);
        return ((WebhookEvents.Subscription) parsed).event();
    }

    @ParameterizedTest
    @CsvSource({
            "subscription_created, ACTIVE", "subscription_updated, ACTIVE", "subscription_updated_expired, INACTIVE",
            "subscription_inactivated, INACTIVE", "subscription_deleted, DELETED"})
    void mapsEachTrackedSubscriptionEventToTheSubscriptionStatus(String payload, SubscriptionEvent.Status status) {
        assertThat(subscriptionEvent(payload).status()).isEqualTo(status);
    }

    @Test
    void readsTheEventIdSubscriptionReferenceAndTime() {
        SubscriptionEvent e = subscriptionEvent("subscription_inactivated");
        assertThat(e).isEqualTo(new SubscriptionEvent("evt_6561b631fa5580caadd00bbe3b858607&9196",
                "sub_m5gdy1upm25fbwgx", "sub_hub1", SubscriptionEvent.Status.INACTIVE,
                Instant.parse("2026-11-02T19:45:03Z")));
    }

    @Test
    void aSubscriptionEventWithoutExternalReferenceHasNoReference() {
        String body = "{\"id\":\"evt_1\",\"event\":\"SUBSCRIPTION_DELETED\",\"dateCreated\":\"2026-11-02 09:00:00\","
                + "\"subscription\":{\"object\":\"subscription\",\"id\":\"sub_1\",\"dateCreated\":\"16/10/2026\","
                + "\"value\":19.9,\"status\":\"ACTIVE\",\"deleted\":true,\"externalReference\":null}}";
        SubscriptionEvent e = ((WebhookEvents.Subscription) WebhookEvents.parse(bytes(body), AsaasContext.NOW)).event();
        assertThat(e.reference()).isNull();
        assertThat(e.status()).isEqualTo(SubscriptionEvent.Status.DELETED);
    }

    @Test
    void ignoresSubscriptionEventsOutsideTheContractAndUnknownStatuses() {
        assertThat(WebhookEvents.parse(resource("subscription_split_divergence_block"), AsaasContext.NOW))
                .isInstanceOf(WebhookEvents.Ignored.class);
        String body = "{\"id\":\"evt_1\",\"event\":\"SUBSCRIPTION_UPDATED\",\"subscription\":{\"id\":\"sub_1\","
                + "\"status\":\"BRAND_NEW_STATUS\"}}";
        assertThat(WebhookEvents.parse(bytes(body), AsaasContext.NOW)).isInstanceOf(WebhookEvents.Ignored.class);
    }

    @ParameterizedTest
    @ValueSource(strings = {"{\"id\":\"evt_1\",\"event\":\"SUBSCRIPTION_INACTIVATED\"}",
            "{\"id\":\"evt_1\",\"event\":\"SUBSCRIPTION_DELETED\",\"subscription\":{\"status\":\"ACTIVE\"}}",
            "{\"id\":\"evt_1\",\"event\":\"SUBSCRIPTION_CREATED\",\"subscription\":{\"id\":\"sub_1\","
                    + "\"value\":1.001,\"status\":\"ACTIVE\"}}"})
    void refusesSubscriptionEventsWithoutAReadableSubscription(String body) {
        assertThat(WebhookEvents.parse(bytes(body), AsaasContext.NOW)).isInstanceOf(WebhookEvents.Malformed.class);
    }

    @Test
    void readsTheUpdatedValueOfPaymentUpdated() {
        assertThat(event("payment_updated").amountMinor()).isEqualTo(12050);
    }

    @ParameterizedTest
    @ValueSource(strings = {"payment_bank_slip_viewed", "payment_checkout_viewed", "payment_restored",
            "payment_partially_refunded", "payment_chargeback_requested"})
    void ignoresEventsOutsideTheContract(String payload) {
        assertThat(WebhookEvents.parse(resource(payload), AsaasContext.NOW)).isInstanceOf(WebhookEvents.Ignored.class);
    }

    @Test
    void ignoresATrackedEventWithAnUnknownStatus() {
        String body = "{\"id\":\"evt_1\",\"event\":\"PAYMENT_UPDATED\",\"payment\":{\"id\":\"pay_1\",\"value\":10,"
                + "\"status\":\"BRAND_NEW_STATUS\"}}";
        assertThat(WebhookEvents.parse(bytes(body), AsaasContext.NOW)).isInstanceOf(WebhookEvents.Ignored.class);
    }

    @Test
    void usesTheHubClockWhenDateCreatedIsMissingOrUnreadable() {
        String body = "{\"id\":\"evt_1\",\"event\":\"PAYMENT_RECEIVED\",\"dateCreated\":\"yesterday\","
                + "\"payment\":{\"id\":\"pay_1\",\"value\":10.5,\"status\":\"RECEIVED\"}}";
        PaymentEvent e = ((WebhookEvents.Payment) WebhookEvents.parse(bytes(body), AsaasContext.NOW)).event();
        assertThat(e.at()).isEqualTo(AsaasContext.NOW);
        assertThat(e.amountMinor()).isEqualTo(1050);
        assertThat(e.reference()).isNull();
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "not json", "[1,2]", "{\"event\":\"PAYMENT_RECEIVED\",\"payment\":{\"id\":\"pay_1\"}}",
            "{\"id\":\"evt_1\",\"payment\":{\"id\":\"pay_1\"}}",
            "{\"id\":\"evt_1\",\"event\":\"PAYMENT_RECEIVED\"}",
            "{\"id\":\"evt_1\",\"event\":\"PAYMENT_RECEIVED\",\"payment\":{\"id\":\"pay_1\",\"status\":\"RECEIVED\"}}",
            "{\"id\":\"evt_1\",\"event\":\"PAYMENT_RECEIVED\",\"payment\":{\"id\":\"pay_1\",\"value\":1.001,"
                    + "\"status\":\"RECEIVED\"}}"})
    void refusesBodiesThatAreNoAsaasPaymentEvent(String body) {
        assertThat(WebhookEvents.parse(bytes(body), AsaasContext.NOW)).isInstanceOf(WebhookEvents.Malformed.class);
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }
}
