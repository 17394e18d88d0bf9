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
import java.util.Set;

/**
 * A tenant's background work, as one list: what the hub still has to do for it (webhook deliveries, channel sends,
 * plugin turn observers, channel events to process) and what it gave up on ({@link DeadLetters}). Each is a job with
 * a state: {@code waiting} (a part behind an earlier one), {@code queued} (its first attempt is due), {@code retrying}
 * (it failed and waits for its next attempt), {@code running} (a replica holds it) or {@code dead}. A retry brings a
 * retrying delivery's next attempt forward, or sends a dead letter again where that is safe.
 */
public class Jobs {

    public static final Set<String> STATES = Set.of("waiting", "queued", "retrying", "running", "dead");

    private final Outbox outbox;
    private final InboundEvents inbound;
    private final DeadLetters dead;
    private final Clock clock;

    public Jobs(Outbox outbox, InboundEvents inbound, DeadLetters dead, Clock clock) {
        this.outbox = outbox;
        this.inbound = inbound;
        this.dead = dead;
        this.clock = clock;
    }

    /**
     * One job.
     *
     * @param id            the delivery's id ({@code whd_...}, {@code dlv_...}) or the channel event's ({@code ine_...})
     * @param kind          {@code webhook}, {@code channel_send}, {@code turn_observer} or {@code channel_event}
     * @param state         see {@link Jobs}
     * @param target        the webhook subscription, channel instance or observer it is for
     * @param eventType     what it carries
     * @param attempts      attempts made so far
     * @param nextAttemptAt when it is tried next (null: not scheduled)
     * @param lastError     why the last attempt failed
     * @param createdAt     when it was written
     * @param retryable     whether {@link #retry} does something for it now
     */
    @com.fasterxml.jackson.databind.annotation.JsonNaming(
            com.fasterxml.jackson.databind.PropertyNamingStrategies.SnakeCaseStrategy.class)
    @com.fasterxml.jackson.annotation.JsonInclude(com.fasterxml.jackson.annotation.JsonInclude.Include.ALWAYS)
    public record Job(String id, String kind, String state, String target, String eventType, int attempts,
                      Instant nextAttemptAt, String lastError, Instant createdAt, boolean retryable) {
    }

    /** The tenant's jobs of one state (null: all), newest first, at most {@code limit}. */
    public List<Job> list(String tenantId, String state, int limit) {
        if (state != null && !STATES.contains(state)) {
            throw Failure.invalid("invalid_field", "state is one of " + new java.util.TreeSet<>(STATES),
                    Map.of("field", "state"));
        }
        Instant now = clock.instant();
        List<Job> out = new ArrayList<>();
        if (!"dead".equals(state)) {
            for (OutboxItem i : outbox.open(tenantId, limit)) {
                out.add(of(i, now));
            }
            for (InboundEvents.Open e : inbound.open(tenantId, null, limit)) {
                out.add(of(e, now));
            }
        }
        if (state == null || "dead".equals(state)) {
            for (DeadLetters.Letter l : dead.list(tenantId, limit)) {
                out.add(new Job(l.id(), l.kind(), "dead", l.target(), l.eventType(), l.attempts(), null, l.lastError(),
                        l.at(), l.retryable()));
            }
        }
        out.removeIf(j -> state != null && !state.equals(j.state()));
        out.sort(Comparator.comparing(Job::createdAt).reversed());
        return out.size() > limit ? List.copyOf(out.subList(0, limit)) : out;
    }

    /** One job of the tenant. */
    public Optional<Job> find(String tenantId, String id) {
        Instant now = clock.instant();
        Optional<OutboxItem> row = outbox.find(tenantId, id);
        if (row.isPresent()) {
            OutboxItem i = row.get();
            if (Outbox.Status.DEAD.wire().equals(i.status())) {
                String kind = DeadLetters.kind(i.kind());
                return Optional.of(new Job(i.deliveryId(), kind, "dead", i.targetId(), i.eventType(), i.attempts(),
                        null, i.lastError(), i.createdAt(), !DeadLetters.CHANNEL_SEND.equals(kind)));
            }
            // Delivered and retried rows are history (the webhook delivery log), not jobs.
            return isOpen(i) ? Optional.of(of(i, now)) : Optional.empty();
        }
        Optional<Job> event = inbound.open(tenantId, id, 1).stream().map(e -> of(e, now)).findFirst();
        if (event.isPresent()) {
            return event;
        }
        return inbound.failed(tenantId, id, 1).stream().map(f -> new Job(f.id(), DeadLetters.CHANNEL_EVENT, "dead",
                f.instanceId(), f.eventType(), 0, null, f.lastError(), f.receivedAt(), true)).findFirst();
    }

    /**
     * Tries a job again now: a retrying delivery's next attempt is brought forward; a dead letter is sent again
     * ({@link DeadLetters#retry}). Returns the id of what carries it now.
     */
    public String retry(String tenantId, String id) {
        Job job = find(tenantId, id).orElseThrow(() -> Failure.notFound("job"));
        if ("dead".equals(job.state())) {
            return dead.retry(tenantId, id);
        }
        OutboxItem row = outbox.find(tenantId, id).filter(i -> "retrying".equals(job.state())).orElseThrow(() ->
                Failure.conflict("not_retryable", "only a delivery waiting for its next attempt, or a dead one, is "
                        + "tried again (this job is " + job.state() + ")", Map.of("state", job.state())));
        if (!outbox.runNow(row, clock.instant())) {
            throw Failure.conflict("not_retryable", "this delivery is being tried or finished meanwhile",
                    Map.of("state", job.state()));
        }
        return id;
    }

    private static boolean isOpen(OutboxItem i) {
        return Outbox.Status.HELD.wire().equals(i.status()) || Outbox.Status.PENDING.wire().equals(i.status())
                || Outbox.Status.DELIVERING.wire().equals(i.status());
    }

    private static Job of(OutboxItem i, Instant now) {
        String state;
        if (Outbox.Status.HELD.wire().equals(i.status())) {
            state = "waiting";
        } else if (Outbox.Status.DELIVERING.wire().equals(i.status())) {
            state = "running";
        } else {
            state = i.attempts() == 0 ? "queued" : "retrying";
        }
        boolean later = i.nextAttemptAt() != null && i.nextAttemptAt().isAfter(now);
        return new Job(i.deliveryId(), DeadLetters.kind(i.kind()), state, i.targetId(), i.eventType(), i.attempts(),
                "running".equals(state) ? null : i.nextAttemptAt(), i.lastError(), i.createdAt(),
                "retrying".equals(state) && later);
    }

    private static Job of(InboundEvents.Open e, Instant now) {
        boolean held = e.lockedUntil() != null && e.lockedUntil().isAfter(now);
        // A lease and a failure's retry time share the column: an event that failed waits for it, one that never
        // failed is being processed. (A later attempt under way still shows as retrying.)
        String state = e.attempts() == 0 ? "queued" : held && e.lastError() == null ? "running" : "retrying";
        return new Job(e.id(), DeadLetters.CHANNEL_EVENT, state, e.instanceId(), e.eventType(), e.attempts(),
                "retrying".equals(state) ? e.lockedUntil() : null, e.lastError(), e.receivedAt(), false);
    }
}
