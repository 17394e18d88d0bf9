package io.channelhub.hub.plugins;

import io.channelhub.hub.limits.QuotaExceeded;
import io.channelhub.hub.limits.QuotaReservation;
import io.channelhub.hub.limits.Quotas;
import io.channelhub.hub.metering.UsageLedger;
import io.channelhub.plugin.Metering;
import io.channelhub.plugin.QuotaExceededException;
import java.util.ArrayList;
import java.util.List;
import org.jdbi.v3.core.Handle;

/**
 * What plugins record through their context's {@link Metering}. Each record first reserves its units on the
 * tenant's hard quotas on its type (refused with {@link QuotaExceededException}, nothing recorded), then is written
 * to the ledger: at once, or, while an inbound request is handled, into that request's {@link Pending} usage, which
 * is committed with the events the handler returned or dropped (its units given back) when the hub refuses them.
 */
public final class PluginUsage {

    private final UsageLedger ledger;
    private final Quotas quotas;

    public PluginUsage(UsageLedger ledger, Quotas quotas) {
        this.ledger = ledger;
        this.quotas = quotas;
    }

    /** The metering of a context: recorded at once, or held in {@code pending} (null: none). */
    Metering metering(String tenantId, String pluginId, String instanceId, Pending pending) {
        return (type, quantity, unit, key) -> {
            UsageLedger.UsageEvent e = new UsageLedger.UsageEvent(tenantId, type, quantity, unit, pluginId,
                    instanceId, null, null, pluginId + ":" + key);
            QuotaReservation held = reserve(e);
            if (pending != null && pending.add(e, held)) {
                return;
            }
            // Without a request, or after its usage was committed or discarded (a plugin that kept the context and
            // meters later, from its own thread): recorded at once, not held where nothing would write it.
            try (held) {
                held.callBound(() -> ledger.record(e));
            }
        };
    }

    private QuotaReservation reserve(UsageLedger.UsageEvent e) {
        try {
            return quotas.reserve(e.tenantId(), e.usageType(), e.quantity());
        } catch (QuotaExceeded refused) {
            if (ledger.has(e.tenantId(), e.idempotencyKey())) {
                // A repeat of usage already recorded (a retried webhook) adds nothing, so a full quota cannot
                // refuse it.
                return QuotaReservation.none();
            }
            // The plugin API's own type, so a plugin can catch it without the hub's classes.
            throw new QuotaExceededException(refused.usageType(), refused.period(), refused.limit(), refused.used(),
                    refused.resetsAt().orElse(null));
        }
    }

    /** The hub's refusal for one a plugin let through: the caller sees the hub's own answer. */
    public static QuotaExceeded refusal(QuotaExceededException e) {
        return new QuotaExceeded(e.usageType(), e.period(), e.limit(), e.used(), e.resetsAt().orElse(null));
    }

    /** A new, empty holder for the usage of one piece of work. */
    public Pending pending() {
        return new Pending();
    }

    /**
     * The usage plugins recorded during one inbound request: written by {@link #write} in the transaction that
     * stores the request's events, announced by {@link #committed} after the commit, or given up by
     * {@link #discard}. Every path ends in one of the last two; both are safe to call more than once.
     */
    public final class Pending {
        private record Held(UsageLedger.UsageEvent event, QuotaReservation reservation) {
        }

        private final List<Held> held = new ArrayList<>();
        private final java.util.Set<UsageLedger.UsageEvent> written =
                java.util.Collections.newSetFromMap(new java.util.IdentityHashMap<>());

        private boolean closed;

        /** Holds the usage until the request's end; false once that end has passed. */
        private synchronized boolean add(UsageLedger.UsageEvent e, QuotaReservation reservation) {
            if (closed) {
                return false;
            }
            held.add(new Held(e, reservation));
            return true;
        }

        /** Writes the held rows in the caller's transaction (a key recorded before is skipped). */
        public synchronized void write(Handle h) {
            written.clear();
            written.addAll(ledger.insertNew(h, held.stream().map(Held::event).toList()));
        }

        /** After the commit: the quota counters keep the reserved units of the new rows, the rest is given back. */
        public void committed() {
            List<Held> done;
            java.util.Set<UsageLedger.UsageEvent> fresh;
            synchronized (this) {
                closed = true;
                done = List.copyOf(held);
                fresh = java.util.Collections.newSetFromMap(new java.util.IdentityHashMap<>());
                fresh.addAll(written);
                held.clear();
                written.clear();
            }
            for (Held h : done) {
                if (fresh.contains(h.event())) {
                    // Bound to the row's own reservation, so the counters do not count its units twice.
                    h.reservation().callBound(() -> {
                        ledger.recorded(h.event());
                        return null;
                    });
                }
                h.reservation().close();
            }
        }

        /** The work was refused or failed: nothing is recorded and the reserved units are given back. */
        public void discard() {
            List<Held> dropped;
            synchronized (this) {
                closed = true;
                dropped = List.copyOf(held);
                held.clear();
                written.clear();
            }
            dropped.forEach(h -> h.reservation().close());
        }
    }
}
