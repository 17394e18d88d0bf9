package io.channelhub.hub.metering;

import java.time.Clock;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;
import org.jdbi.v3.core.Jdbi;

/**
 * The one metering interface of the core: every billable unit, from the core and from plugins, is appended here.
 * A retried event carries the same idempotency key and is counted once: only a new row reaches the listeners
 * (the quota counters).
 */
public class UsageLedger {

    /** One billable event. Labels are optional. */
    public record UsageEvent(String tenantId, String usageType, long quantity, String unit, String pluginId,
                             String channelInstanceId, String agentId, String model, String idempotencyKey) {
    }

    private final Jdbi jdbi;
    private final Clock clock;
    private final List<Consumer<UsageEvent>> listeners = new CopyOnWriteArrayList<>();

    public UsageLedger(Jdbi jdbi, Clock clock) {
        this.jdbi = jdbi;
        this.clock = clock;
    }

    /** Calls {@code listener} after each event recorded as a new row (on the recording thread). */
    public void onRecorded(Consumer<UsageEvent> listener) {
        listeners.add(listener);
    }

    /** Returns true when the event is a new row, false when an event with this key was already recorded. */
    public boolean record(UsageEvent e) {
        if (e.quantity() < 0) {
            throw new IllegalArgumentException("usage quantity must not be negative");
        }
        try {
            jdbi.useHandle(h -> h.createUpdate("INSERT INTO usage_events (tenant_id, usage_type, quantity, unit, "
                            + "plugin_id, channel_instance_id, agent_id, model, idempotency_key, occurred_at) VALUES "
                            + "(:t, :type, :q, :unit, :p, :ci, :a, :m, :k, :at)")
                    .bind("t", e.tenantId()).bind("type", e.usageType()).bind("q", e.quantity())
                    .bind("unit", e.unit()).bind("p", e.pluginId()).bind("ci", e.channelInstanceId())
                    .bind("a", e.agentId()).bind("m", e.model()).bind("k", e.idempotencyKey())
                    .bind("at", clock.instant()).execute());
        } catch (RuntimeException ex) {
            if (io.channelhub.hub.persistence.Constraints.isUniqueViolation(ex)) {
                return false;
            }
            throw ex;
        }
        for (Consumer<UsageEvent> listener : listeners) {
            listener.accept(e);
        }
        return true;
    }

    /** Sum of a usage type for a tenant (all time); the metering issue adds periods and aggregates. */
    public long total(String tenantId, String usageType) {
        return jdbi.withHandle(h -> h.createQuery("SELECT COALESCE(SUM(quantity), 0) FROM usage_events WHERE "
                        + "tenant_id = :t AND usage_type = :type").bind("t", tenantId).bind("type", usageType)
                .mapTo(Long.class).one());
    }
}
