package io.channelhub.hub.channels;

import io.channelhub.hub.delivery.Outbox;
import io.channelhub.hub.delivery.OutboxItem;
import io.channelhub.hub.errors.Failure;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * What the hub gave up on, in one place for a tenant's admin and the operator: outbox rows that used up their
 * attempts (webhook deliveries, turns a plugin never observed, channel sends) and channel events whose processing kept
 * failing. Each is retried where a retry is safe: a webhook or a turn observer's delivery is sent again as a new row
 * (the log keeps the dead one), a channel event is processed again from its first attempt (processing is
 * idempotent). A channel send is not: its message failed on the channel for good, and the conversation shows it; a
 * person or the send API sends a new one.
 */
public class DeadLetters {

    /** Kinds of dead letters. */
    public static final String WEBHOOK = "webhook";
    public static final String CHANNEL_SEND = "channel_send";
    public static final String TURN_OBSERVER = "turn_observer";
    public static final String CHANNEL_EVENT = "channel_event";

    private final Outbox outbox;
    private final InboundEvents inbound;
    private final Clock clock;

    public DeadLetters(Outbox outbox, InboundEvents inbound, Clock clock) {
        this.outbox = outbox;
        this.inbound = inbound;
        this.clock = clock;
    }

    /**
     * One thing given up.
     *
     * @param id         the delivery's id ({@code whd_...}, {@code dlv_...}) or the channel event's ({@code ine_...})
     * @param kind       {@link #WEBHOOK}, {@link #CHANNEL_SEND}, {@link #TURN_OBSERVER} or {@link #CHANNEL_EVENT}
     * @param target     the webhook subscription, channel instance or observer it was for
     * @param eventType  what it carried
     * @param attempts   how many times it was tried
     * @param lastError  why the last attempt failed
     * @param at         when it was written
     * @param retryable  whether {@link #retry} sends it again
     */
    @com.fasterxml.jackson.databind.annotation.JsonNaming(
            com.fasterxml.jackson.databind.PropertyNamingStrategies.SnakeCaseStrategy.class)
    public record Letter(String id, String kind, String target, String eventType, int attempts, String lastError,
                         Instant at, boolean retryable) {
    }

    /** The tenant's dead letters, newest first, at most {@code limit} of each source. */
    public List<Letter> list(String tenantId, int limit) {
        List<Letter> out = new ArrayList<>();
        for (OutboxItem i : outbox.dead(tenantId, null, limit)) {
            out.add(of(i));
        }
        for (InboundEvents.Failed f : inbound.failed(tenantId, limit)) {
            out.add(of(f));
        }
        out.sort(Comparator.comparing(Letter::at).reversed());
        return out.size() > limit ? List.copyOf(out.subList(0, limit)) : out;
    }

    /** One dead letter of the tenant. */
    public Optional<Letter> find(String tenantId, String id) {
        Optional<OutboxItem> row = outbox.find(tenantId, id);
        if (row.isPresent()) {
            return row.filter(i -> Outbox.Status.DEAD.wire().equals(i.status())).map(DeadLetters::of);
        }
        return inbound.failed(tenantId, id, 1).stream().findFirst().map(DeadLetters::of);
    }

    private static Letter of(OutboxItem i) {
        String kind = kind(i.kind());
        return new Letter(i.deliveryId(), kind, i.targetId(), i.eventType(), i.attempts(), i.lastError(),
                i.createdAt(), !CHANNEL_SEND.equals(kind));
    }

    private static Letter of(InboundEvents.Failed f) {
        return new Letter(f.id(), CHANNEL_EVENT, f.instanceId(), f.eventType(), f.attempts(), f.lastError(),
                f.receivedAt(), true);
    }

    static String kind(String outboxKind) {
        return switch (outboxKind) {
            case "webhook" -> WEBHOOK;
            case "turn_observer" -> TURN_OBSERVER;
            default -> CHANNEL_SEND;
        };
    }

    /**
     * Tries a dead letter again. Returns the id of what now carries it (the new delivery, or the event itself);
     * {@code not_found} for an id the tenant has no dead letter by, {@code not_retryable} for a channel send.
     */
    public String retry(String tenantId, String id) {
        Optional<OutboxItem> row = outbox.find(tenantId, id);
        if (row.isPresent()) {
            OutboxItem i = row.get();
            if (!Outbox.Status.DEAD.wire().equals(i.status())) {
                throw Failure.conflict("not_dead", "this delivery is not a dead letter (it is " + i.status() + ")");
            }
            if (CHANNEL_SEND.equals(kind(i.kind()))) {
                throw Failure.conflict("not_retryable", "a channel send that used up its attempts failed for good: "
                        + "send a new message (the conversation shows the failed one)", Map.of("kind", CHANNEL_SEND));
            }
            long newRow = outbox.retryDead(i, clock.instant()).orElseThrow(() -> Failure.conflict("not_dead",
                    "this delivery was retried already"));
            return outbox.find(tenantId, newRow).map(OutboxItem::deliveryId).orElse(id);
        }
        if (inbound.retry(tenantId, id)) {
            return id;
        }
        throw Failure.notFound("dead letter");
    }
}
