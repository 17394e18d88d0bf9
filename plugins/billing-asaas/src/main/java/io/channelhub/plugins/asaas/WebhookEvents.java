package io.channelhub.plugins.asaas;

import io.channelhub.plugin.billing.Charge.ChargeStatus;
import io.channelhub.plugin.InboundEvent;
import io.channelhub.plugin.billing.PaymentEvent;
import io.channelhub.plugin.billing.SubscriptionEvent;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.Map;
import java.util.Optional;

/**
 * Asaas webhook bodies, {@code {"id":"evt_...","event":"PAYMENT_RECEIVED","dateCreated":"2024-06-12 16:45:03",
 * "payment":{...}}} as {@link PaymentEvent}s and {@code {"id","event":"SUBSCRIPTION_INACTIVATED","dateCreated",
 * "subscription":{...}}} as {@link SubscriptionEvent}s. The event id is the de-duplication key: Asaas repeats an event
 * until it is answered 200.
 */
final class WebhookEvents {

    /** Asaas writes local times of Brasília without an offset. */
    static final ZoneId ASAAS_ZONE = ZoneId.of("America/Sao_Paulo");
    private static final DateTimeFormatter DATE_TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss");

    private WebhookEvents() {
    }

    /** What a body holds. */
    sealed interface Parsed permits Accepted, Ignored, Malformed {
    }

    /** An event to store. */
    sealed interface Accepted extends Parsed permits Payment, Subscription {
        InboundEvent event();
    }

    /** A payment event to store. */
    record Payment(PaymentEvent event) implements Accepted {
    }

    /** A subscription event to store. */
    record Subscription(SubscriptionEvent event) implements Accepted {
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
        Instant at = at(root).orElse(now);
        if (AsaasStatuses.HANDLED_EVENTS.contains(event.get())) {
            return payment(id.get(), event.get(), Json.object(root, "payment"), at);
        }
        if (AsaasStatuses.HANDLED_SUBSCRIPTION_EVENTS.contains(event.get())) {
            return subscription(id.get(), event.get(), Json.object(root, "subscription"), at);
        }
        return new Ignored(event.get(), "not an event the hub tracks");
    }

    private static Parsed payment(String id, String event, Map<String, Object> p, Instant at) {
        AsaasPayment payment;
        try {
            payment = AsaasPayment.parse(p);
        } catch (IllegalArgumentException e) {
            return new Malformed(event + " without a readable payment: " + e.getMessage());
        }
        Optional<ChargeStatus> status = AsaasStatuses.ofEvent(event, payment.status(), payment.deleted());
        if (status.isEmpty()) {
            return new Ignored(event, "unknown payment status " + payment.status());
        }
        return new Payment(new PaymentEvent(id, payment.id(), payment.externalReference(), status.get(),
                payment.valueMinor(), at, payment.subscription()));
    }

    private static Parsed subscription(String id, String event, Map<String, Object> s, Instant at) {
        AsaasSubscription subscription;
        try {
            subscription = AsaasSubscription.parse(s);
        } catch (IllegalArgumentException e) {
            return new Malformed(event + " without a readable subscription: " + e.getMessage());
        }
        Optional<SubscriptionEvent.Status> status = AsaasStatuses.ofSubscriptionEvent(event, subscription.status(),
                subscription.deleted());
        if (status.isEmpty()) {
            return new Ignored(event, "unknown subscription status " + subscription.status());
        }
        return new Subscription(new SubscriptionEvent(id, subscription.id(), subscription.externalReference(),
                status.get(), at));
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
