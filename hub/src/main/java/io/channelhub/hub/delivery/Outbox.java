package io.channelhub.hub.delivery;

import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.Jdbi;
import org.jdbi.v3.core.mapper.RowMapper;

/**
 * The durable outbox. Rows are claimed with a conditional update (status and lock checked in the WHERE clause), so
 * several hub replicas polling the same table never deliver one row twice at the same time; a claim that its
 * replica never finished (a crash) expires and the row is picked up again.
 */
public class Outbox {

    private static final RowMapper<OutboxItem> MAPPER = (rs, ctx) -> {
        var instants = ctx.findColumnMapperFor(Instant.class).orElseThrow();
        int code = rs.getInt("last_status_code");
        Integer lastCode = rs.wasNull() ? null : code;
        return new OutboxItem(rs.getLong("id"), rs.getString("tenant_id"), rs.getString("kind"),
                rs.getString("target_id"), rs.getString("event_id"), rs.getString("event_type"), rs.getString("payload"),
                rs.getString("status"), rs.getInt("attempts"), instants.map(rs, "next_attempt_at", ctx), lastCode,
                rs.getString("last_error"), instants.map(rs, "created_at", ctx), instants.map(rs, "delivered_at", ctx),
                rs.getString("trace_parent"), deliveryId(rs.getString("delivery_id"), rs.getString("kind"),
                rs.getLong("id")));
    };

    /** A row a node of the version before delivery ids wrote (during a rolling upgrade) has its number for an id. */
    private static String deliveryId(String stored, String kind, long id) {
        return stored != null ? stored : legacyPrefix(kind) + id;
    }

    private static String legacyPrefix(String kind) {
        return "webhook".equals(kind) ? "whd_" : "obx_";
    }

    /**
     * A row's state: {@code held} until the part before it is sent, {@code pending} while due (or waiting for its next
     * attempt), {@code delivering} under a replica's lease, then {@code delivered} or {@code dead} (the dead letters,
     * which an operator can replay), and {@code retried} once a dead letter was sent again as a new row.
     */
    public enum Status {
        HELD, PENDING, DELIVERING, DELIVERED, DEAD, RETRIED;

        public String wire() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }

        /** As a SQL literal, for the predicates the work queue and its updates are written in. */
        String sql() {
            return "'" + wire() + "'";
        }
    }

    private final Jdbi jdbi;
    private final io.channelhub.hub.persistence.WorkQueue queue;

    public Outbox(Jdbi jdbi) {
        this.jdbi = jdbi;
        // A claimed row is 'delivering' under its lease; one whose replica died is due again once the lease ends.
        this.queue = new io.channelhub.hub.persistence.WorkQueue(jdbi, "outbox", "(status = " + Status.PENDING.sql()
                + " AND next_attempt_at <= :now) OR status = " + Status.DELIVERING.sql(),
                ", status = " + Status.DELIVERING.sql(), "id");
    }

    public long insert(Handle h, String tenantId, String kind, String targetId, String eventId, String eventType,
                       String payload, Instant now) {
        return insert(h, tenantId, kind, targetId, eventId, eventType, payload, now, Status.PENDING);
    }

    /**
     * A row that waits ({@code held}) until {@link #release} makes it due: the later parts of a split message, each
     * released when the one before it was sent.
     */
    public long insertHeld(Handle h, String tenantId, String kind, String targetId, String eventId, String eventType,
                           String payload, Instant now) {
        return insert(h, tenantId, kind, targetId, eventId, eventType, payload, now, Status.HELD);
    }

    /** Makes a held row due now; returns its id, or empty when there is none (released already). */
    public Optional<Long> release(String tenantId, String kind, String targetId, String eventId, Instant now) {
        return jdbi.inTransaction(h -> {
            Optional<Long> id = h.createQuery("SELECT id FROM outbox WHERE tenant_id = :t AND kind = :k AND target_id = "
                            + ":target AND event_id = :e AND status = " + Status.HELD.sql())
                    .bind("t", tenantId).bind("k", kind).bind("target", targetId).bind("e", eventId)
                    .mapTo(Long.class).findOne();
            id.ifPresent(x -> h.createUpdate("UPDATE outbox SET status = " + Status.PENDING.sql() + ", next_attempt_at "
                    + "= :now WHERE id = :id AND status = " + Status.HELD.sql()).bind("now", now).bind("id", x)
                    .execute());
            return id;
        });
    }

    /** Held rows that will never be due (the part before them failed) go to the dead-letter state. */
    public void cancelHeld(String tenantId, String kind, String targetId, List<String> eventIds, Instant now) {
        if (eventIds.isEmpty()) {
            return;
        }
        jdbi.useHandle(h -> h.createUpdate("UPDATE outbox SET status = " + Status.DEAD.sql() + ", last_error = "
                        + "'cancelled: an earlier part failed', next_attempt_at = :now WHERE tenant_id = :t AND kind = "
                        + ":k AND target_id = :target AND status = " + Status.HELD.sql() + " AND event_id IN (<ids>)")
                .bind("now", now).bind("t", tenantId).bind("k", kind).bind("target", targetId)
                .bindList("ids", eventIds).execute());
    }

    private long insert(Handle h, String tenantId, String kind, String targetId, String eventId, String eventType,
                        String payload, Instant now, Status status) {
        // The trace context of the request that caused the event, so its delivery joins that trace.
        String traceparent = io.channelhub.hub.observability.Tracing.headers(io.opentelemetry.context.Context.current())
                .get("traceparent");
        return h.createUpdate("INSERT INTO outbox (tenant_id, kind, target_id, event_id, event_type, payload, status, "
                        + "attempts, next_attempt_at, created_at, trace_parent, delivery_id) VALUES (:t, :k, :target, "
                        + ":e, :type, :p, :status, 0, :now, :now, :tp, :d)")
                .bind("tp", traceparent).bind("status", status.wire()).bind("d", newDeliveryId(kind))
                .bind("t", tenantId).bind("k", kind).bind("target", targetId).bind("e", eventId).bind("type", eventType)
                .bind("p", payload).bind("now", now).executeAndReturnGeneratedKeys("id").mapTo(Long.class).one();
    }

    /** Webhook deliveries are {@code whd_...}, other rows (channel sends) {@code obx_...}. */
    static String newDeliveryId(String kind) {
        return io.channelhub.hub.persistence.Ids.newId("webhook".equals(kind) ? "whd" : "obx");
    }

    /** Ids of rows due now (pending and due, or claimed by a replica whose lease ran out). */
    public List<Long> due(Instant now, int limit) {
        return queue.due(now, limit, Long.class);
    }

    /** Claims a row for this replica until {@code lockUntil}; empty when another replica has it. */
    public Optional<OutboxItem> claim(long id, Instant now, Instant lockUntil) {
        if (!queue.claim(id, now, lockUntil)) {
            return Optional.empty();
        }
        return jdbi.withHandle(h -> h.createQuery("SELECT * FROM outbox WHERE id = :id").bind("id", id).map(MAPPER)
                .findOne());
    }

    public void delivered(OutboxItem item, int statusCode, Instant at, long durationMs) {
        jdbi.useTransaction(h -> {
            h.createUpdate("UPDATE outbox SET status = " + Status.DELIVERED.sql() + ", attempts = attempts + 1, "
                            + "last_status_code = :c, last_error = NULL, delivered_at = :at, locked_until = NULL "
                            + "WHERE id = :id AND status = " + Status.DELIVERING.sql())
                    .bind("c", statusCode).bind("at", at).bind("id", item.id()).execute();
            attempt(h, item, statusCode, null, at, durationMs);
        });
    }

    /**
     * Records a failed attempt; {@code next} null means the row goes to the dead-letter state. The outcome of an
     * attempt (here and in {@link #delivered}, {@link #deferred}) changes only a row still {@code delivering}: one an
     * operator gave up or replayed meanwhile keeps that state (the attempt is still recorded).
     */
    public void failed(OutboxItem item, Integer statusCode, String error, Instant at, Instant next, long durationMs) {
        String e = error == null ? null : error.length() > 500 ? error.substring(0, 500) : error;
        jdbi.useTransaction(h -> {
            h.createUpdate("UPDATE outbox SET status = :s, attempts = attempts + 1, last_status_code = :c, "
                            + "last_error = :e, next_attempt_at = :next, locked_until = NULL "
                            + "WHERE id = :id AND status = " + Status.DELIVERING.sql())
                    .bind("s", (next == null ? Status.DEAD : Status.PENDING).wire()).bind("c", statusCode).bind("e", e)
                    .bind("next", next == null ? at : next).bind("id", item.id()).execute();
            attempt(h, item, statusCode, e, at, durationMs);
        });
    }

    /** Back to pending at {@code next}, attempts unchanged: the row was not attempted. */
    public void deferred(OutboxItem item, String reason, Instant next) {
        jdbi.useHandle(h -> h.createUpdate("UPDATE outbox SET status = " + Status.PENDING.sql() + ", last_error = :e, "
                        + "next_attempt_at = :next, locked_until = NULL WHERE id = :id AND status = "
                        + Status.DELIVERING.sql())
                .bind("e", reason).bind("next", next).bind("id", item.id()).execute());
    }

    private static void attempt(Handle h, OutboxItem item, Integer code, String error, Instant at, long durationMs) {
        h.createUpdate("INSERT INTO delivery_attempts (tenant_id, outbox_id, attempt, status_code, error, "
                        + "duration_ms, created_at) VALUES (:t, :o, :a, :c, :e, :d, :at)")
                .bind("t", item.tenantId()).bind("o", item.id()).bind("a", item.attempts() + 1).bind("c", code)
                .bind("e", error).bind("d", durationMs).bind("at", at).execute();
    }

    public List<OutboxItem> forTarget(String tenantId, String targetId, Long beforeId, int limit) {
        return jdbi.withHandle(h -> h.createQuery("SELECT * FROM outbox WHERE tenant_id = :t AND target_id = :target "
                        + "AND (:before IS NULL OR id < :before) ORDER BY id DESC LIMIT :n")
                .bind("t", tenantId).bind("target", targetId).bind("before", beforeId).bind("n", limit)
                .map(MAPPER).list());
    }

    /** A row by the id callers see. */
    public Optional<OutboxItem> find(String tenantId, String deliveryId) {
        Optional<OutboxItem> found = jdbi.withHandle(h -> h.createQuery("SELECT * FROM outbox WHERE tenant_id = :t "
                        + "AND delivery_id = :d").bind("t", tenantId).bind("d", deliveryId).map(MAPPER).findOne());
        if (found.isPresent()) {
            return found;
        }
        // whd_42 / obx_42: a row written without a delivery id, found by its number.
        java.util.regex.Matcher m = LEGACY_ID.matcher(deliveryId);
        if (!m.matches()) {
            return Optional.empty();
        }
        long id = Long.parseLong(m.group(2));
        String kindCheck = m.group(1).equals("whd") ? "kind = 'webhook'" : "kind <> 'webhook'";
        return jdbi.withHandle(h -> h.createQuery("SELECT * FROM outbox WHERE tenant_id = :t AND id = :id AND "
                        + "delivery_id IS NULL AND " + kindCheck).bind("t", tenantId).bind("id", id).map(MAPPER)
                .findOne());
    }

    private static final java.util.regex.Pattern LEGACY_ID =
            java.util.regex.Pattern.compile("(whd|obx)_([0-9]{1,18})");

    public Optional<OutboxItem> find(String tenantId, long id) {
        return jdbi.withHandle(h -> h.createQuery("SELECT * FROM outbox WHERE tenant_id = :t AND id = :id")
                .bind("t", tenantId).bind("id", id).map(MAPPER).findOne());
    }

    /** Sends a delivered or dead row again, as a new row so the log keeps the old one. */
    public long replay(OutboxItem item, Instant now) {
        return jdbi.inTransaction(h -> insert(h, item.tenantId(), item.kind(), item.targetId(), item.eventId(),
                item.eventType(), item.payload(), now));
    }

    /** A tenant's dead letters, newest first (keyset on the row number). */
    public List<OutboxItem> dead(String tenantId, Long beforeId, int limit) {
        return jdbi.withHandle(h -> h.createQuery("SELECT * FROM outbox WHERE tenant_id = :t AND status = "
                        + Status.DEAD.sql() + " AND (:before IS NULL OR id < :before) ORDER BY id DESC LIMIT :n")
                .bind("t", tenantId).bind("before", beforeId).bind("n", limit).map(MAPPER).list());
    }

    /**
     * Sends a dead row again, once: it becomes {@code retried} and a new row carries it, in one transaction, so two
     * retries at once (a double click, the tenant's admin and the operator) send it once. Empty when it is no longer
     * dead.
     */
    public Optional<Long> retryDead(OutboxItem item, Instant now) {
        return jdbi.inTransaction(h -> {
            int n = h.createUpdate("UPDATE outbox SET status = " + Status.RETRIED.sql() + " WHERE tenant_id = :t AND "
                    + "id = :id AND status = " + Status.DEAD.sql()).bind("t", item.tenantId()).bind("id", item.id())
                    .execute();
            if (n == 0) {
                return Optional.<Long>empty();
            }
            return Optional.of(insert(h, item.tenantId(), item.kind(), item.targetId(), item.eventId(),
                    item.eventType(), item.payload(), now));
        });
    }

    /**
     * A tenant's rows still at work, newest first: held behind an earlier part, waiting for their first or next
     * attempt, or under a replica's lease.
     */
    public List<OutboxItem> open(String tenantId, int limit) {
        return open(tenantId, null, limit);
    }

    /**
     * The same, of one state as the jobs view names them: {@code waiting} (held), {@code queued} (pending, never
     * tried), {@code retrying} (pending after a failure), {@code running} (delivering); null: all of them.
     */
    public List<OutboxItem> open(String tenantId, String state, int limit) {
        String where = switch (state == null ? "open" : state) {
            case "waiting" -> "status = " + Status.HELD.sql();
            case "queued" -> "status = " + Status.PENDING.sql() + " AND attempts = 0";
            case "retrying" -> "status = " + Status.PENDING.sql() + " AND attempts > 0";
            case "running" -> "status = " + Status.DELIVERING.sql();
            case "open" -> "status IN (" + Status.HELD.sql() + ", " + Status.PENDING.sql() + ", "
                    + Status.DELIVERING.sql() + ")";
            default -> throw new IllegalArgumentException("no open state " + state);
        };
        return jdbi.withHandle(h -> h.createQuery("SELECT * FROM outbox WHERE tenant_id = :t AND " + where
                + " ORDER BY id DESC LIMIT :n").bind("t", tenantId).bind("n", limit).map(MAPPER).list());
    }

    /**
     * Brings a waiting row's next attempt forward to {@code now} (after its target was fixed, say); false when it is
     * not waiting for a later attempt any more.
     */
    public boolean runNow(OutboxItem item, Instant now) {
        return jdbi.withHandle(h -> h.createUpdate("UPDATE outbox SET next_attempt_at = :now WHERE tenant_id = :t AND "
                        + "id = :id AND status = " + Status.PENDING.sql() + " AND next_attempt_at > :now")
                .bind("now", now).bind("t", item.tenantId()).bind("id", item.id()).execute()) == 1;
    }

    public long pending() {
        return jdbi.withHandle(h -> h.createQuery("SELECT COUNT(*) FROM outbox WHERE status IN ("
                + Status.PENDING.sql() + ", " + Status.DELIVERING.sql() + ")").mapTo(Long.class).one());
    }
}
