package io.channelhub.plugins.asaas;

import io.channelhub.plugin.billing.Charge.ChargeStatus;
import io.channelhub.plugin.billing.PaymentEvent;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.Map;
import java.util.Optional;

/**
 * Asaas webhook bodies, {@code {"id":"evt_...","event":"PAYMENT_RECEIVED","dateCreated":"2024-06-12 16:45:03",
 * "payment":{...}}}, as {@link PaymentEvent}s. The event id is the de-duplication key: Asaas repeats an event until it
 * is answered 200.
 */
final class WebhookEvents {

    /** Asaas writes local times of Brasília without an offset. */
    static final ZoneId ASAAS_ZONE = ZoneId.of("America/Sao_Paulo");
    private static final DateTimeFormatter DATE_TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss");

    private WebhookEvents() {
    }

    /** What a body holds. */
    sealed interface Parsed permits Payment, Ignored, Malformed {
    }

    /** A payment event to store. */
    record Payment(PaymentEvent event) implements Parsed {
    }

    /**
     * A well-formed event the hub does not track (or a payment whose status no one knows): answered 200, so Asaas
     * does not pause the webhook's queue over it.
     *
     * @param event  the event name
     * @param reason why it is ignored
     */
    record Ignored(String event, String reason) implements Parsed {
    }

    /** Not an Asaas event: answered 400. */
    record Malformed(String reason) implements Parsed {
    }

    /** Parses a body; {@code now} stands in for an event without a readable {@code dateCreated}. */
    static Parsed parse(byte[] body, Instant now) {
        Map<String, Object> root;
        try {
            root = Json.object(body);
        } catch (IllegalArgumentException e) {
            return new Malformed("body is not a JSON object");
        }
        Optional<String> id = Json.text(root, "id");
        Optional<String> event = Json.text(root, "event");
        if (id.isEmpty() || event.isEmpty()) {
            return new Malformed("an Asaas event needs id and event");
        }
        if (!AsaasStatuses.HANDLED_EVENTS.contains(event.get())) {
            return new Ignored(event.get(), "not an event the hub tracks");
        }
        Map<String, Object> p = Json.object(root, "payment");
        AsaasPayment payment;
        try {
            payment = AsaasPayment.parse(p);
        } catch (IllegalArgumentException e) {
            return new Malformed(event.get() + " without a readable payment: " + e.getMessage());
        }
        Optional<ChargeStatus> status = AsaasStatuses.ofEvent(event.get(), payment.status(), payment.deleted());
        if (status.isEmpty()) {
            return new Ignored(event.get(), "unknown payment status " + payment.status());
        }
        return new Payment(new PaymentEvent(id.get(), payment.id(), payment.externalReference(), status.get(),
                payment.valueMinor(), at(root).orElse(now)));
    }

    private static Optional<Instant> at(Map<String, Object> root) {
        return Json.text(root, "dateCreated").flatMap(s -> {
            try {
                return Optional.of(LocalDateTime.parse(s, DATE_TIME).atZone(ASAAS_ZONE).toInstant());
            } catch (DateTimeParseException e) {
                return Optional.empty();
            }
        });
    }
}
