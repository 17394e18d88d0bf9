package io.channelhub.plugins.asaas;

import static org.assertj.core.api.Assertions.assertThat;

import io.channelhub.plugin.billing.Charge.ChargeStatus;
import io.channelhub.plugin.billing.PaymentEvent;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/** The payloads under webhooks/ follow Asaas's documented event object and payment object. */
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
        WebhookEvents.Parsed parsed = WebhookEvents.parse(resource(name), FakeContext.NOW);
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
    void readsTheUpdatedValueOfPaymentUpdated() {
        assertThat(event("payment_updated").amountMinor()).isEqualTo(12050);
    }

    @ParameterizedTest
    @ValueSource(strings = {"payment_bank_slip_viewed", "payment_checkout_viewed", "payment_restored",
            "payment_partially_refunded", "payment_chargeback_requested"})
    void ignoresEventsOutsideTheContract(String payload) {
        assertThat(WebhookEvents.parse(resource(payload), FakeContext.NOW)).isInstanceOf(WebhookEvents.Ignored.class);
    }

    @Test
    void ignoresATrackedEventWithAnUnknownStatus() {
        String body = "{\"id\":\"evt_1\",\"event\":\"PAYMENT_UPDATED\",\"payment\":{\"id\":\"pay_1\",\"value\":10,"
                + "\"status\":\"BRAND_NEW_STATUS\"}}";
        assertThat(WebhookEvents.parse(bytes(body), FakeContext.NOW)).isInstanceOf(WebhookEvents.Ignored.class);
    }

    @Test
    void usesTheHubClockWhenDateCreatedIsMissingOrUnreadable() {
        String body = "{\"id\":\"evt_1\",\"event\":\"PAYMENT_RECEIVED\",\"dateCreated\":\"yesterday\","
                + "\"payment\":{\"id\":\"pay_1\",\"value\":10.5,\"status\":\"RECEIVED\"}}";
        PaymentEvent e = ((WebhookEvents.Payment) WebhookEvents.parse(bytes(body), FakeContext.NOW)).event();
        assertThat(e.at()).isEqualTo(FakeContext.NOW);
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
        assertThat(WebhookEvents.parse(bytes(body), FakeContext.NOW)).isInstanceOf(WebhookEvents.Malformed.class);
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }
}
