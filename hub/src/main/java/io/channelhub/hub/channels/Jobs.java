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
 * (it failed and waits for its next attempt), {@code running} (a replica holds it) or {@code dead}; {@code open} asks
 * for all but the dead. A retry brings a retrying delivery's next attempt forward, or sends a dead letter again where
 * that is safe.
 */
public class Jobs {

    public static final Set<String> STATES = Set.of("open", "waiting", "queued", "retrying", "running", "dead");

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

    /** The tenant's jobs of one state (null: all, dead ones included), newest first, at most {@code limit}. */
    public List<Job> list(String tenantId, String state, int limit) {
        if (state != null && !STATES.contains(state)) {
            throw Failure.invalid("invalid_field", "state is one of " + new java.util.TreeSet<>(STATES),
                    Map.of("field", "state"));
        }
        Instant now = clock.instant();
        List<Job> out = new ArrayList<>();
        if (!"dead".equals(state)) {
            String open = state == null ? "open" : state;
            for (OutboxItem i : outbox.open(tenantId, open, limit)) {
                out.add(of(i, now));
            }
            if (!"waiting".equals(open)) {
                // The database tells first attempts from later ones; a lease from a failure's wait only the row.
                Boolean tried = "queued".equals(open) ? Boolean.FALSE
                        : "retrying".equals(open) || "running".equals(open) ? Boolean.TRUE : null;
                for (InboundEvents.Open e : inbound.open(tenantId, null, tried, limit)) {
                    Job j = of(e, now);
                    if ("open".equals(open) || j.state().equals(open)) {
                        out.add(j);
                    }
                }
            }
        }
        if (state == null || "dead".equals(state)) {
            dead.list(tenantId, limit).forEach(l -> out.add(of(l)));
        }
        out.sort(Comparator.comparing(Job::createdAt).reversed());
        return out.size() > limit ? List.copyOf(out.subList(0, limit)) : out;
    }

    /** One job of the tenant; empty for one that is done (delivered, or a dead letter retried). */
    public Optional<Job> find(String tenantId, String id) {
        Optional<DeadLetters.Letter> letter = dead.find(tenantId, id);
        if (letter.isPresent()) {
            return letter.map(Jobs::of);
        }
        Instant now = clock.instant();
        Optional<OutboxItem> row = outbox.find(tenantId, id);
        if (row.isPresent()) {
            return row.filter(Jobs::isOpen).map(i -> of(i, now));
        }
        return inbound.open(tenantId, id, null, 1).stream().map(e -> of(e, now)).findFirst();
    }

    /**
     * Tries a job again now: a retrying delivery's next attempt is brought forward; a dead letter is sent again
     * ({@link DeadLetters#retry}). Returns the id of what carries it now.
     */
    public String retry(String tenantId, String id) {
        Optional<Job> job = find(tenantId, id);
        if (job.isEmpty()) {
            if (outbox.find(tenantId, id).isPresent()) {
                throw Failure.conflict("not_retryable", "this job is done (delivered, or retried already)",
                        Map.of("state", "done"));
            }
            throw Failure.notFound("job");
        }
        String state = job.get().state();
        if ("dead".equals(state)) {
            return dead.retry(tenantId, id);
        }
        OutboxItem row = outbox.find(tenantId, id).filter(i -> "retrying".equals(state)).orElseThrow(() ->
                Failure.conflict("not_retryable", "only a delivery waiting for its next attempt, or a dead one, is "
                        + "tried again now (this job is " + state + ")", Map.of("state", state)));
        if (!outbox.runNow(row, clock.instant())) {
            throw Failure.conflict("not_retryable", "this delivery is being tried or finished meanwhile",
                    Map.of("state", state));
        }
        return id;
    }

    private static boolean isOpen(OutboxItem i) {
        return Outbox.Status.HELD.wire().equals(i.status()) || Outbox.Status.PENDING.wire().equals(i.status())
                || Outbox.Status.DELIVERING.wire().equals(i.status());
    }

    private static Job of(DeadLetters.Letter l) {
        return new Job(l.id(), l.kind(), "dead", l.target(), l.eventType(), l.attempts(), null, l.lastError(), l.at(),
                l.retryable());
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
