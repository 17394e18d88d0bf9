package io.channelhub.hub.channels;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.channelhub.hub.persistence.Constraints;
import io.channelhub.hub.persistence.Ids;
import io.channelhub.plugin.InboundEvent;
import io.channelhub.plugin.billing.PaymentEvent;
import io.channelhub.plugin.channel.DeliveryStatus;
import io.channelhub.plugin.channel.MessageReceived;
import java.time.Clock;
import java.time.Instant;
import java.util.Optional;
import org.jdbi.v3.core.Jdbi;

/**
 * The durable record of every event a channel plugin parsed, written before the channel gets its answer and
 * de-duplicated on (tenant, instance, external id): a channel that retries finds its first row.
 */
public class InboundEvents {

    private final Jdbi jdbi;
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

    public InboundEvents(Jdbi jdbi, ObjectMapper json, Clock clock) {
        this.jdbi = jdbi;
        this.json = json;
        this.clock = clock;
    }

    /** The stable type name of a contract event; anything else is a plugin bug. */
    static String typeOf(InboundEvent e) {
        if (e instanceof MessageReceived) {
            return "message";
        }
        if (e instanceof DeliveryStatus) {
            return "status";
        }
        if (e instanceof PaymentEvent) {
            return "payment";
        }
        throw new IllegalArgumentException("not an event type of the plugin API: " + e.getClass().getName());
    }

    /** Stores the event, or finds the row of the same external id. */
    public Stored store(String tenantId, String instanceId, String pluginId, InboundEvent event) {
        String type = typeOf(event);
        String externalId = event.externalId();
        if (externalId == null || externalId.isEmpty() || externalId.length() > 191) {
            throw new IllegalArgumentException("an event's external id is 1 to 191 characters");
        }
        String contact = event instanceof MessageReceived m ? m.contactExternalId() : null;
        String payload;
        try {
            payload = json.writeValueAsString(event);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("event cannot be serialised", e);
        }
        String id = Ids.newId("ine");
        Instant now = clock.instant();
        try {
            jdbi.useHandle(h -> h.createUpdate("INSERT INTO inbound_events (id, tenant_id, channel_instance_id, "
                            + "plugin_id, external_id, event_type, contact_external_id, payload, status, received_at) "
                            + "VALUES (:id, :t, :ci, :p, :x, :type, :contact, :payload, 'pending', :now)")
                    .bind("id", id).bind("t", tenantId).bind("ci", instanceId).bind("p", pluginId)
                    .bind("x", externalId).bind("type", type).bind("contact", contact).bind("payload", payload)
                    .bind("now", now).execute());
            return new Stored(id, false, null, now);
        } catch (RuntimeException e) {
            if (!Constraints.isUniqueViolation(e)) {
                throw e;
            }
        }
        return find(tenantId, instanceId, externalId)
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

    /** Links the event to the message it became. */
    public void processed(String tenantId, String id, String messageId) {
        jdbi.useHandle(h -> h.createUpdate("UPDATE inbound_events SET status = 'processed', message_id = :m, "
                        + "processed_at = :now WHERE tenant_id = :t AND id = :id")
                .bind("m", messageId).bind("now", clock.instant()).bind("t", tenantId).bind("id", id).execute());
    }
}
