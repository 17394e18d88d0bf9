package io.channelhub.hub.channels;

import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.Jdbi;

/**
 * The parts of outbound messages handed to channels: one row per part, with the channel's id once sent and a
 * status that only moves forward (queued → sent → delivered → read; failed ends it), whatever order the channel's
 * reports arrive in.
 */
public class DeliveryParts {

    /** A part's state, in forward order: a report of an earlier state than the current one is ignored. */
    public enum State {
        QUEUED, SENT, DELIVERED, READ, FAILED;

        public String wire() {
            return name().toLowerCase(Locale.ROOT);
        }

        /** The states this one may replace. */
        List<State> before() {
            return List.of(values()).subList(0, ordinal());
        }

        /** A stored state; null for one a newer replica wrote that this one does not know. */
        static State read(String wire) {
            for (State s : values()) {
                if (s.wire().equals(wire)) {
                    return s;
                }
            }
            return null;
        }

        /** The state a channel reports. */
        public static State of(io.channelhub.plugin.channel.DeliveryStatus.State reported) {
            return valueOf(reported.name());
        }

        /** The same status of the message the part belongs to. */
        public io.channelhub.hub.conversations.Message.Status message() {
            return io.channelhub.hub.conversations.Message.Status.valueOf(name());
        }
    }

    private final Jdbi jdbi;

    /** One part. */
    public record Delivery(String id, String tenantId, String instanceId, String messageId, int part,
                           String contactExternalId, String kind, String channelMessageId, State status,
                           String errorCode) {
    }

    public DeliveryParts(Jdbi jdbi) {
        this.jdbi = jdbi;
    }

    /** Inserts the parts of a message; false when they exist already (an enqueue repeated after a crash). */
    boolean insert(Handle h, List<Delivery> parts, Instant now) {
        if (parts.isEmpty() || h.createQuery("SELECT COUNT(*) FROM channel_deliveries WHERE tenant_id = :t AND "
                        + "message_id = :m").bind("t", parts.get(0).tenantId()).bind("m", parts.get(0).messageId())
                .mapTo(Integer.class).one() > 0) {
            return false;
        }
        for (Delivery d : parts) {
            h.createUpdate("INSERT INTO channel_deliveries (id, tenant_id, channel_instance_id, message_id, part, "
                            + "contact_external_id, kind, status, created_at, updated_at) VALUES (:id, :t, :ci, :m, :p, "
                            + ":x, :k, :s, :now, :now)")
                    .bind("s", State.QUEUED.wire()).bind("id", d.id()).bind("t", d.tenantId()).bind("ci", d.instanceId()).bind("m", d.messageId())
                    .bind("p", d.part()).bind("x", d.contactExternalId()).bind("k", d.kind()).bind("now", now)
                    .execute();
        }
        return true;
    }

    public Optional<Delivery> find(String tenantId, String id) {
        return jdbi.withHandle(h -> h.createQuery("SELECT * FROM channel_deliveries WHERE tenant_id = :t AND id = :id")
                .bind("t", tenantId).bind("id", id).map((rs, ctx) -> row(rs)).findOne());
    }

    public Optional<Delivery> byChannelId(String tenantId, String instanceId, String channelMessageId) {
        return jdbi.withHandle(h -> h.createQuery("SELECT * FROM channel_deliveries WHERE tenant_id = :t AND "
                        + "channel_instance_id = :ci AND channel_message_id = :c")
                .bind("t", tenantId).bind("ci", instanceId).bind("c", channelMessageId).map((rs, ctx) -> row(rs))
                .findOne());
    }

    /** The next part of the same message, if any. */
    Optional<Delivery> next(Delivery d) {
        return jdbi.withHandle(h -> h.createQuery("SELECT * FROM channel_deliveries WHERE tenant_id = :t AND "
                        + "message_id = :m AND part = :p")
                .bind("t", d.tenantId()).bind("m", d.messageId()).bind("p", d.part() + 1).map((rs, ctx) -> row(rs))
                .findOne());
    }

    void sent(Delivery d, String channelMessageId, Instant at) {
        jdbi.useHandle(h -> h.createUpdate("UPDATE channel_deliveries SET channel_message_id = :c, status = CASE WHEN "
                        + "status = 'queued' THEN 'sent' ELSE status END, updated_at = :at WHERE tenant_id = :t AND id = :id")
                .bind("c", channelMessageId).bind("at", at).bind("t", d.tenantId()).bind("id", d.id()).execute());
    }

    /** Fails this part and the later parts of its message (they will not be sent). */
    void failed(Delivery d, String errorCode, String errorTitle, String errorDetails, Instant at) {
        jdbi.useHandle(h -> h.createUpdate("UPDATE channel_deliveries SET status = 'failed', error_code = :e, "
                        + "error_title = :title, error_details = :details, updated_at = :at WHERE tenant_id = :t AND "
                        + "message_id = :m AND part >= :p AND status <> 'failed'")
                .bind("e", errorCode).bind("title", cut(errorTitle, 255)).bind("details", cut(errorDetails, 1024))
                .bind("at", at).bind("t", d.tenantId()).bind("m", d.messageId()).bind("p", d.part()).execute());
    }

    /**
     * Moves a part forward to {@code status}; a report that would move it backwards (a late {@code sent} after
     * {@code read}) changes nothing. Returns whether it moved.
     */
    boolean advance(Delivery d, State status, String errorCode, Instant at) {
        return advance(d, status, errorCode, null, null, at);
    }

    /** The same, with the channel's title and details of a failure. */
    boolean advance(Delivery d, State status, String errorCode, String errorTitle, String errorDetails, Instant at) {
        List<String> lower = status.before().stream().map(State::wire).toList();
        if (lower.isEmpty()) {
            return false;
        }
        return jdbi.withHandle(h -> h.createUpdate("UPDATE channel_deliveries SET status = :s, error_code = "
                        + "COALESCE(:e, error_code), error_title = CASE WHEN :e IS NULL THEN error_title ELSE :title "
                        + "END, error_details = CASE WHEN :e IS NULL THEN error_details ELSE :details END, "
                        + "updated_at = :at WHERE tenant_id = :t AND id = :id AND status IN (<lower>)")
                .bind("s", status.wire()).bind("e", errorCode).bind("title", cut(errorTitle, 255))
                .bind("details", cut(errorDetails, 1024)).bind("at", at).bind("t", d.tenantId()).bind("id", d.id())
                .bindList("lower", lower).execute()) > 0;
    }

    private static String cut(String s, int max) {
        return s == null || s.length() <= max ? s : s.substring(0, max);
    }

    private static Delivery row(java.sql.ResultSet rs) throws java.sql.SQLException {
        return new Delivery(rs.getString("id"), rs.getString("tenant_id"), rs.getString("channel_instance_id"),
                rs.getString("message_id"), rs.getInt("part"), rs.getString("contact_external_id"),
                rs.getString("kind"), rs.getString("channel_message_id"), State.read(rs.getString("status")),
                rs.getString("error_code"));
    }
}
