package io.channelhub.hub.privacy;

import io.channelhub.plugin.privacy.RetentionDefaults.DataCategory;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.jdbi.v3.core.Jdbi;

/**
 * Deletes what is past its retention, per tenant and data category, in small batches (each its own short
 * transaction, so hot tables are never locked for long), or only counts it (a dry run).
 */
public class Retention {

    static final int BATCH = 500;

    private final Jdbi jdbi;
    private final PrivacySettings settings;
    private final Clock clock;
    private final Map<DataCategory, RetainedData> more = new java.util.EnumMap<>(DataCategory.class);
    /** How long an Idempotency-Key's answer may be replayed (the web layer's); past it the record is deleted. */
    private final Duration replayable;

    public Retention(Jdbi jdbi, PrivacySettings settings, Clock clock, List<RetainedData> more, Duration replayable) {
        this.jdbi = jdbi;
        this.replayable = replayable;
        this.settings = settings;
        this.clock = clock;
        more.forEach(d -> this.more.put(d.category(), d));
    }

    /** Per category: its retention, the cutoff and how many rows are (or would be) deleted. */
    public Map<String, Object> run(String tenantId, boolean dryRun) {
        Map<String, Object> report = new LinkedHashMap<>();
        Instant now = clock.instant();
        for (Map.Entry<DataCategory, Duration> e : settings.retention(tenantId).entrySet()) {
            Instant cutoff = now.minus(e.getValue());
            long n = switch (e.getKey()) {
                case MESSAGES -> sweep(dryRun, tenantId, cutoff, "SELECT seq FROM messages WHERE tenant_id = :t AND "
                        + "created_at < :c", List.of("DELETE FROM message_attachments WHERE tenant_id = :t AND message_id "
                        + "IN (SELECT id FROM messages WHERE tenant_id = :t AND seq IN (<ids>))",
                        "DELETE FROM messages WHERE tenant_id = :t AND seq IN (<ids>)"));
                case CONVERSATIONS -> sweep(dryRun, tenantId, cutoff, "SELECT id FROM conversations c WHERE tenant_id = :t "
                        + "AND COALESCE(last_message_at, created_at) < :c AND NOT EXISTS (SELECT 1 FROM messages m WHERE "
                        + "m.tenant_id = c.tenant_id AND m.conversation_id = c.id)",
                        // A conversation's lead holds the contact's data: it goes with the conversation.
                        List.of("DELETE FROM conversation_annotations WHERE tenant_id = :t AND conversation_id IN "
                                + "(<ids>)", "DELETE FROM leads WHERE tenant_id = :t AND conversation_id IN (<ids>)",
                                "DELETE FROM conversations WHERE tenant_id = :t AND id IN (<ids>)"));
                case MEDIA -> sweep(dryRun, tenantId, cutoff, "SELECT id FROM media WHERE tenant_id = :t AND created_at < :c",
                        List.of("DELETE FROM message_attachments WHERE tenant_id = :t AND media_id IN (<ids>)",
                                "DELETE FROM media WHERE tenant_id = :t AND id IN (<ids>)"));
                case USAGE_DETAIL -> sweep(dryRun, tenantId, cutoff, "SELECT id FROM usage_events WHERE tenant_id = :t AND "
                        + "occurred_at < :c", List.of("DELETE FROM usage_events WHERE tenant_id = :t AND id IN (<ids>)"));
                case AUDIT -> sweep(dryRun, tenantId, cutoff, "SELECT id FROM audit_log WHERE tenant_id = :t AND "
                        + "created_at < :c", List.of("DELETE FROM audit_log WHERE tenant_id = :t AND id IN (<ids>)"));
                // Kept by another concern (knowledge files): it deletes its own, or nothing is kept to delete.
                case FILES -> {
                    RetainedData d = more.get(DataCategory.FILES);
                    yield d == null ? 0 : dryRun ? d.count(tenantId, cutoff) : d.delete(tenantId, cutoff);
                }
            };
            Map<String, Object> c = new LinkedHashMap<>();
            c.put("retention_days", e.getValue().toDays());
            c.put("cutoff", cutoff.toString());
            c.put(dryRun ? "would_delete" : "deleted", n);
            if (e.getKey() == DataCategory.MESSAGES) {
                c.put("channel_records", channelRecords(dryRun, tenantId, cutoff));
            }
            report.put(e.getKey().name().toLowerCase(Locale.ROOT), c);
        }
        if (!dryRun) {
            // A replayable answer (it may hold a message) is kept while its key may be replayed; a key used once is
            // never looked at again, so past that it is deleted here rather than left for good.
            sweep(false, tenantId, now.minus(replayable), "SELECT idem_key FROM "
                    + "idempotency_records WHERE tenant_id = :t AND created_at < :c", List.of("DELETE FROM "
                    + "idempotency_records WHERE tenant_id = :t AND created_at < :c AND idem_key IN (<ids>)"));
        }
        return report;
    }

    /**
     * What the channels kept of the messages, on their way in and out: the webhook events as the channel sent them
     * (the message's text in the payload), the parts handed to a channel, and finished outbox rows (a send's text, a
     * webhook's message). They carry what the message did, so they go with the messages' retention; an event the
     * processor has yet to take or a send still due stays until it is finished. An event a live request was answering
     * ({@code turn}) is taken over by the channel's retry within minutes: one past a retention of days was abandoned.
     * Finished outbox rows include webhook deliveries of every event type: the delivery log keeps this period.
     */
    private Map<String, Long> channelRecords(boolean dryRun, String tenantId, Instant cutoff) {
        Map<String, Long> n = new LinkedHashMap<>();
        n.put("inbound_events", sweep(dryRun, tenantId, cutoff, "SELECT id FROM inbound_events WHERE tenant_id = :t "
                // A payment event is a billing record, kept by billing's rules.
                + "AND received_at < :c AND status IN ('processed', 'failed', 'turn') AND event_type <> 'payment'",
                List.of("DELETE FROM inbound_events WHERE tenant_id = :t AND id IN (<ids>)")));
        n.put("channel_deliveries", sweep(dryRun, tenantId, cutoff, "SELECT id FROM channel_deliveries WHERE "
                + "tenant_id = :t AND created_at < :c", List.of("DELETE FROM channel_deliveries WHERE tenant_id = :t "
                + "AND id IN (<ids>)")));
        n.put("outbox", sweep(dryRun, tenantId, cutoff, "SELECT id FROM outbox WHERE tenant_id = :t AND created_at < :c "
                        + "AND status IN ('delivered', 'dead', 'retried')",
                List.of("DELETE FROM delivery_attempts WHERE tenant_id = :t AND outbox_id IN (<ids>)",
                        "DELETE FROM outbox WHERE tenant_id = :t AND id IN (<ids>)")));
        return n;
    }

    /** Deletes (or counts) what {@code select} finds, a batch of ids at a time. */
    private long sweep(boolean dryRun, String tenantId, Instant cutoff, String select, List<String> deletes) {
        if (dryRun) {
            return jdbi.withHandle(h -> h.createQuery("SELECT COUNT(*) FROM (" + select + ") x").bind("t", tenantId)
                    .bind("c", cutoff).mapTo(Long.class).one());
        }
        long total = 0;
        while (true) {
            List<String> ids = jdbi.withHandle(h -> h.createQuery(select + " LIMIT " + BATCH).bind("t", tenantId)
                    .bind("c", cutoff).mapTo(String.class).list());
            if (ids.isEmpty()) {
                return total;
            }
            jdbi.useTransaction(h -> {
                for (String d : deletes) {
                    var delete = h.createUpdate(d).bind("t", tenantId).bindList("ids", ids);
                    if (d.contains(":c")) {
                        delete.bind("c", cutoff);
                    }
                    delete.execute();
                }
            });
            total += ids.size();
            if (ids.size() < BATCH) {
                return total;
            }
        }
    }
}
