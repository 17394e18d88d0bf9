package io.channelhub.hub.channels;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.channelhub.hub.persistence.Constraints;
import io.channelhub.hub.persistence.Ids;
import io.channelhub.hub.plugins.PluginUsage;
import io.channelhub.plugin.InboundEvent;
import io.channelhub.plugin.billing.PaymentEvent;
import io.channelhub.plugin.channel.DeliveryStatus;
import io.channelhub.plugin.channel.MessageReceived;
import java.time.Clock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import java.time.Instant;
import java.util.Optional;
import org.jdbi.v3.core.Jdbi;

/**
 * The durable record of every event a channel plugin parsed, written before the channel gets its answer and
 * de-duplicated on (tenant, instance, external id): a channel that retries finds its first row.
 */
public class InboundEvents {

    private static final Logger LOG = LoggerFactory.getLogger(InboundEvents.class);

    private final Jdbi jdbi;
    /** Channel events the processor works on (payment events in this table are the billing gateway's). */
    private final io.channelhub.hub.persistence.WorkQueue queue;
    private final ObjectMapper json;
    private final Clock clock;

    /**
     * A stored event.
     *
     * @param id         the hub's id of the event
     * @param duplicate  whether an earlier request stored it already
     * @param messageId  the message it became, once processed
     * @param receivedAt when it was first stored
     */
    public record Stored(String id, boolean duplicate, String messageId, Instant receivedAt) {
    }

    /**
     * An event's state: {@code pending} for the processor, {@code turn} when a live channel request answers it
     * itself, then {@code processed}, or {@code failed} once its retries are used up.
     */
    /** The event kinds {@link InboundProcessor} claims (a payment event goes to billing). */
    static final String PROCESSED_KINDS = "event_type IN ('message', 'status', 'contact')";

    public enum Status {
        PENDING, TURN, PROCESSED, FAILED;

        public String wire() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }
    }

    public InboundEvents(Jdbi jdbi, ObjectMapper json, Clock clock) {
        this.jdbi = jdbi;
        this.queue = new io.channelhub.hub.persistence.WorkQueue(jdbi, "inbound_events", "status = '"
                + Status.PENDING.wire() + "' AND " + PROCESSED_KINDS,
                ", attempts = attempts + 1", "received_at");
        this.json = json;
        this.clock = clock;
    }

    /** An event claimed for processing: its row and the event read back from it. */
    public record Claimed(String id, String tenantId, String instanceId, String pluginId, String messageId,
                          int attempts, InboundEvent event) {
    }

    /** The stable type name of a contract event; anything else is a plugin bug. */
    static String typeOf(InboundEvent e) {
        if (e instanceof MessageReceived) {
            return "message";
        }
        if (e instanceof DeliveryStatus) {
            return "status";
        }
        if (e instanceof io.channelhub.plugin.channel.ContactUpdate) {
            return "contact";
        }
        if (e instanceof PaymentEvent) {
            return "payment";
        }
        throw new IllegalArgumentException("not an event type of the plugin API: " + e.getClass().getName());
    }

    /** Stores the event for the processor, or finds the row of the same external id. */
    public Stored store(String tenantId, String instanceId, String pluginId, InboundEvent event) {
        return store(tenantId, instanceId, pluginId, event, Status.PENDING, null);
    }

    /** Stores a streaming channel's message, which its own request turns into a message (the processor skips it). */
    public Stored storeForTurn(String tenantId, String instanceId, String pluginId, InboundEvent event) {
        return storeForTurn(tenantId, instanceId, pluginId, event, null);
    }

    /**
     * The same, with the usage the plugin recorded while parsing it, committed in the same transaction when the
     * message is new (a repeat stores no usage: the caller discards it).
     */
    public Stored storeForTurn(String tenantId, String instanceId, String pluginId, InboundEvent event,
                               PluginUsage.Pending usage) {
        return store(tenantId, instanceId, pluginId, event, Status.TURN, usage);
    }

    /** One event of an inbound request, with the instance it is bound to. */
    public record Incoming(String tenantId, String instanceId, String pluginId, InboundEvent event) {
    }

    /**
     * Stores the events of one inbound request and the usage its plugin recorded in one transaction: the usage is
     * billed exactly when the work it belongs to is stored. Returns one {@link Stored} per event, in order.
     */
    public java.util.List<Stored> storeAll(java.util.List<Incoming> incoming, PluginUsage.Pending usage) {
        java.util.List<Row> rows = new java.util.ArrayList<>();
        for (Incoming i : incoming) {
            rows.add(row(i.tenantId(), i.instanceId(), i.pluginId(), i.event(), Status.PENDING));
        }
        java.util.List<Boolean> inserted = jdbi.inTransaction(h -> {
            java.util.List<Boolean> out = new java.util.ArrayList<>();
            for (Row r : rows) {
                out.add(insert(h, r));
            }
            usage.write(h);
            return out;
        });
        usage.committed();
        java.util.List<Stored> out = new java.util.ArrayList<>();
        for (int i = 0; i < rows.size(); i++) {
            Row r = rows.get(i);
            out.add(inserted.get(i) ? new Stored(r.id, false, null, r.at) : find(r.tenantId, r.instanceId,
                    r.externalId).orElseThrow(() -> new IllegalStateException(
                    "inbound event vanished after a duplicate insert")));
        }
        return out;
    }

    /** Commits plugin usage whose event was stored by an earlier request (a message taken over after a crash). */
    public void storeUsage(PluginUsage.Pending usage) {
        jdbi.useTransaction(usage::write);
        usage.committed();
    }

    private record Row(String id, String tenantId, String instanceId, String pluginId, String externalId, String type,
                       String contact, String payload, Status status, Instant at) {
    }

    private Row row(String tenantId, String instanceId, String pluginId, InboundEvent event, Status status) {
        String type = typeOf(event);
        String externalId = event.externalId();
        if (externalId == null || externalId.isEmpty() || externalId.length() > 191) {
            throw new IllegalArgumentException("an event's external id is 1 to 191 characters");
        }
        // Tagged with their contact so that a data subject's erasure finds them.
        String contact = event instanceof MessageReceived m ? m.contactExternalId()
                : event instanceof io.channelhub.plugin.channel.ContactUpdate u ? u.contactExternalId() : null;
        String payload;
        try {
            payload = json.writeValueAsString(event);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("event cannot be serialised", e);
        }
        return new Row(Ids.newId("ine"), tenantId, instanceId, pluginId, externalId, type, contact, payload, status,
                clock.instant());
    }

    /** Inserts the row; false when its external id is stored already (the transaction goes on). */
    private static boolean insert(org.jdbi.v3.core.Handle h, Row r) {
        try {
            h.createUpdate("INSERT INTO inbound_events (id, tenant_id, channel_instance_id, plugin_id, external_id, "
                            + "event_type, contact_external_id, payload, status, received_at) VALUES (:id, :t, :ci, "
                            + ":p, :x, :type, :contact, :payload, :status, :now)")
                    .bind("id", r.id).bind("t", r.tenantId).bind("ci", r.instanceId).bind("p", r.pluginId)
                    .bind("x", r.externalId).bind("type", r.type).bind("contact", r.contact)
                    .bind("payload", r.payload).bind("status", r.status.wire()).bind("now", r.at).execute();
            return true;
        } catch (RuntimeException e) {
            // MariaDB and H2 roll back only the failed statement.
            if (!Constraints.isUniqueViolation(e)) {
                throw e;
            }
            return false;
        }
    }

    private Stored store(String tenantId, String instanceId, String pluginId, InboundEvent event, Status status,
                         PluginUsage.Pending usage) {
        Row r = row(tenantId, instanceId, pluginId, event, status);
        boolean inserted = jdbi.inTransaction(h -> {
            if (!insert(h, r)) {
                return false;
            }
            if (usage != null) {
                usage.write(h);
            }
            return true;
        });
        if (inserted) {
            if (usage != null) {
                usage.committed();
            }
            return new Stored(r.id, false, null, r.at);
        }
        return find(tenantId, instanceId, r.externalId)
                .orElseThrow(() -> new IllegalStateException("inbound event vanished after a duplicate insert"));
    }

    public Optional<Stored> find(String tenantId, String instanceId, String externalId) {
        return jdbi.withHandle(h -> h.createQuery("SELECT id, message_id, received_at FROM inbound_events WHERE "
                        + "tenant_id = :t AND channel_instance_id = :ci AND external_id = :x")
                .bind("t", tenantId).bind("ci", instanceId).bind("x", externalId)
                .map((rs, ctx) -> new Stored(rs.getString("id"), true, rs.getString("message_id"),
                        ctx.findColumnMapperFor(Instant.class).orElseThrow().map(rs, "received_at", ctx)))
                .findOne());
    }

    /**
     * Takes over an event that an earlier request stored but never turned into a message (the node died in
     * between): only one taker wins.
     */
    public boolean takeOver(String tenantId, Stored stale) {
        return jdbi.withHandle(h -> h.createUpdate("UPDATE inbound_events SET received_at = :now WHERE tenant_id = :t "
                        + "AND id = :id AND message_id IS NULL AND received_at = :was")
                .bind("now", clock.instant()).bind("t", tenantId).bind("id", stale.id())
                .bind("was", stale.receivedAt()).execute()) == 1;
    }

    /**
     * Links the event to the message stored for it, in the message's own transaction ({@code TurnService}'s
     * {@code withMessage}): an event without a link has no message, so processing it again stores it once and never
     * has to search the conversations for it.
     */
    public static java.util.function.BiConsumer<org.jdbi.v3.core.Handle, io.channelhub.hub.conversations.Message>
            linkedWith(String tenantId, String id) {
        return (h, m) -> link(h, tenantId, id, m.id());
    }

    private static void link(org.jdbi.v3.core.Handle h, String tenantId, String id, String messageId) {
        h.createUpdate("UPDATE inbound_events SET message_id = :m WHERE tenant_id = :t AND id = :id")
                .bind("m", messageId).bind("t", tenantId).bind("id", id).execute();
    }

    /**
     * The same, marking the event processed too: a live turn's event is done once its message is stored (the reply
     * is the request's own answer), so one commit stores the message, links it and closes the event.
     */
    public java.util.function.BiConsumer<org.jdbi.v3.core.Handle, io.channelhub.hub.conversations.Message>
            processedWith(String tenantId, String id) {
        return (h, m) -> processed(h, tenantId, id, m.id());
    }

    /** Done: processed, and linked to the message it became (null: none, or linked before). */
    public void processed(String tenantId, String id, String messageId) {
        jdbi.useHandle(h -> processed(h, tenantId, id, messageId));
    }

    private void processed(org.jdbi.v3.core.Handle h, String tenantId, String id, String messageId) {
        h.createUpdate("UPDATE inbound_events SET status = :s, message_id = COALESCE(:m, "
                        + "message_id), processed_at = :now, locked_until = NULL WHERE tenant_id = :t AND id = :id")
                .bind("s", Status.PROCESSED.wire()).bind("m", messageId).bind("now", clock.instant()).bind("t", tenantId).bind("id", id).execute();
    }

    /** Ids of events due for processing, across tenants: pending, and not leased by a live processor. */
    public java.util.List<String> due(Instant now, int limit) {
        return queue.due(now, limit, String.class);
    }

    /** Leases a due event to this processor (counting the attempt); empty when another one holds it or it is done. */
    public Optional<Claimed> claim(String id, Instant now, Instant leaseUntil) {
        if (!queue.claim(id, now, leaseUntil)) {
            return Optional.empty();
        }
        record Row(String tenantId, String instanceId, String pluginId, String type, String payload, String messageId,
                   int attempts) {
        }
        Optional<Row> row = jdbi.withHandle(h -> h.createQuery("SELECT tenant_id, channel_instance_id, plugin_id, "
                        + "event_type, payload, message_id, attempts FROM inbound_events WHERE id = :id").bind("id", id)
                .map((rs, ctx) -> new Row(rs.getString("tenant_id"), rs.getString("channel_instance_id"),
                        rs.getString("plugin_id"), rs.getString("event_type"), rs.getString("payload"),
                        rs.getString("message_id"), rs.getInt("attempts"))).findOne());
        if (row.isEmpty()) {
            return Optional.empty();
        }
        Row r = row.get();
        InboundEvent event;
        try {
            event = read(r.type(), r.payload());
        } catch (IllegalStateException e) {
            // No retry can read it better: the event is given up with its reason, visible to operators, and the
            // rest of the queue goes on.
            LOG.error("Inbound event {} of tenant {} cannot be read; it is marked failed", id, r.tenantId(), e);
            failed(r.tenantId(), id, e.getMessage() + ": " + e.getCause().getMessage(), null);
            return Optional.empty();
        }
        return Optional.of(new Claimed(id, r.tenantId(), r.instanceId(), r.pluginId(), r.messageId(), r.attempts(),
                event));
    }

    private InboundEvent read(String type, String payload) {
        Class<? extends InboundEvent> cls = switch (type) {
            case "message" -> MessageReceived.class;
            case "status" -> DeliveryStatus.class;
            case "contact" -> io.channelhub.plugin.channel.ContactUpdate.class;
            default -> PaymentEvent.class;
        };
        try {
            return json.readValue(payload, cls);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("stored event " + type + " cannot be read", e);
        }
    }

    /** Records the message an event became before its processing finished, so a retry does not store it again. */
    public void linkMessage(String tenantId, String id, String messageId) {
        jdbi.useHandle(h -> link(h, tenantId, id, messageId));
    }

    /** A failed attempt: retried after {@code retryAt}, or given up ({@code retryAt} null). */
    public void failed(String tenantId, String id, String error, Instant retryAt) {
        String e = error == null ? null : error.length() > 500 ? error.substring(0, 500) : error;
        jdbi.useHandle(h -> h.createUpdate("UPDATE inbound_events SET status = :s, locked_until = :until, last_error = "
                        + ":e WHERE tenant_id = :t AND id = :id")
                .bind("s", (retryAt == null ? Status.FAILED : Status.PENDING).wire()).bind("until", retryAt).bind("e", e)
                .bind("t", tenantId).bind("id", id).execute());
    }

    /** A channel event whose processing was given up. */
    public record Failed(String id, String instanceId, String pluginId, String eventType, int attempts,
                         String lastError, Instant receivedAt) {
    }

    /** A tenant's events whose processing was given up, newest first. */
    public java.util.List<Failed> failed(String tenantId, int limit) {
        return failed(tenantId, null, limit);
    }

    /** The same, only the event {@code id} when it is not null. */
    public java.util.List<Failed> failed(String tenantId, String id, int limit) {
        return jdbi.withHandle(h -> h.createQuery("SELECT id, channel_instance_id, plugin_id, event_type, attempts, "
                        + "last_error, received_at FROM inbound_events WHERE tenant_id = :t AND status = :s AND (:id IS NULL OR "
                        + "id = :id) ORDER BY received_at DESC, id LIMIT :n").bind("t", tenantId)
                .bind("s", Status.FAILED.wire()).bind("id", id).bind("n", limit)
                .map((rs, ctx) -> new Failed(rs.getString(1), rs.getString(2), rs.getString(3), rs.getString(4),
                        rs.getInt(5), rs.getString(6), ctx.findColumnMapperFor(Instant.class).orElseThrow()
                        .map(rs, "received_at", ctx))).list());
    }

    /** A channel event still to be processed: its first attempt, or a later one after a failure. */
    public record Open(String id, String instanceId, String eventType, int attempts, String lastError,
                       Instant receivedAt, Instant lockedUntil) {
    }

    /**
     * A tenant's events still to be processed, newest first: only {@code id} when it is not null; only those never
     * tried ({@code tried} false) or tried before ({@code true}) unless null. Only the kinds this processor claims:
     * a payment event has its own processing.
     */
    public java.util.List<Open> open(String tenantId, String id, Boolean tried, int limit) {
        String attempts = tried == null ? "" : tried ? " AND attempts > 0" : " AND attempts = 0";
        return jdbi.withHandle(h -> h.createQuery("SELECT id, channel_instance_id, event_type, attempts, last_error, "
                        + "received_at, locked_until FROM inbound_events WHERE tenant_id = :t AND status = :s AND "
                        + PROCESSED_KINDS + " AND (:id IS NULL OR id = :id)" + attempts + " ORDER BY received_at DESC, "
                        + "id LIMIT :n").bind("t", tenantId)
                .bind("s", Status.PENDING.wire()).bind("id", id).bind("n", limit)
                .map((rs, ctx) -> {
                    var instants = ctx.findColumnMapperFor(Instant.class).orElseThrow();
                    return new Open(rs.getString(1), rs.getString(2), rs.getString(3), rs.getInt(4), rs.getString(5),
                            instants.map(rs, "received_at", ctx), instants.map(rs, "locked_until", ctx));
                }).list());
    }

    /**
     * Processes a given-up event again, from its first attempt (processing is idempotent: a message stored before
     * is found again, a reply already sent is not sent twice). False when the tenant has no such failed event.
     */
    public boolean retry(String tenantId, String id) {
        return jdbi.withHandle(h -> h.createUpdate("UPDATE inbound_events SET status = :p, locked_until = NULL, "
                        + "attempts = 0 WHERE tenant_id = :t AND id = :id AND status = :f")
                .bind("p", Status.PENDING.wire()).bind("t", tenantId).bind("id", id).bind("f", Status.FAILED.wire())
                .execute()) == 1;
    }

    /** What waits to be processed, for the backlog gauges. */
    public io.channelhub.hub.persistence.WorkQueue.Backlog backlog() {
        return queue.backlog(clock.instant());
    }
}
