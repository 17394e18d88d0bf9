package io.channelhub.hub.limits;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The units of hard quotas that one piece of work (a chat turn, an OpenAI-compatible call) reserved before it ran.
 * While the reservation is open on the thread doing the work, usage the ledger records for the tenant takes the
 * reserved units first instead of counting them again; {@link #close()} gives back what the work did not record
 * (a turn whose model call failed gives back its {@code messages.out}).
 *
 * <pre>{@code
 * try (QuotaReservation reserved = quotas.requireAvailable(tenantId, List.of("messages.out"), List.of())) {
 *     turns.run(conversation, message, null);
 * }
 * }</pre>
 *
 * The binding to a thread is what ties the ledger's records to this reservation without handing it through every
 * call; work that moves to another thread (a streamed reply written later) calls {@link #bindToThisThread()} there.
 */
public final class QuotaReservation implements AutoCloseable {

    private static final ThreadLocal<QuotaReservation> CURRENT = new ThreadLocal<>();

    private final Quotas quotas;
    private final String tenantId;
    private final List<Quotas.Quota> hardQuotas;
    /** Counter key → units reserved on it that the ledger has not recorded yet. */
    private final Map<String, Long> unrecorded = new HashMap<>();
    private boolean closed;

    QuotaReservation(Quotas quotas, String tenantId, List<Quotas.Quota> hardQuotas) {
        this.quotas = quotas;
        this.tenantId = tenantId;
        this.hardQuotas = hardQuotas;
    }

    /** A reservation of nothing, for callers without quotas. */
    public static QuotaReservation none() {
        return new QuotaReservation(null, null, List.of());
    }

    /** The open reservation of {@code tenantId} bound to this thread, or null. */
    static QuotaReservation current(String tenantId) {
        QuotaReservation r = CURRENT.get();
        if (r == null) {
            return null;
        }
        synchronized (r) {
            if (r.closed) {
                // Closed on another thread: this thread's binding is stale.
                CURRENT.remove();
                return null;
            }
        }
        return tenantId.equals(r.tenantId) ? r : null;
    }

    /** Makes this reservation the one the ledger's records on this thread take from. */
    public void bindToThisThread() {
        if (quotas != null) {
            CURRENT.set(this);
        }
    }

    /**
     * Runs {@code work} (which records usage) with this reservation as the thread's current one, then puts back the
     * reservation that was bound before (a plugin's usage recorded during a chat turn has its own).
     */
    public <T> T callBound(java.util.function.Supplier<T> work) {
        QuotaReservation before = CURRENT.get();
        bindToThisThread();
        try {
            return work.get();
        } finally {
            if (before == null) {
                CURRENT.remove();
            } else {
                CURRENT.set(before);
            }
        }
    }

    /** The tenant's hard quotas when the reservation was made. */
    List<Quotas.Quota> hardQuotas() {
        return hardQuotas;
    }

    synchronized void add(String key, long units) {
        unrecorded.merge(key, units, Long::sum);
    }

    /** Takes up to {@code units} recorded units out of the reservation; returns how many it held. */
    synchronized long take(String key, long units) {
        long held = closed ? 0 : unrecorded.getOrDefault(key, 0L);
        long taken = Math.min(held, units);
        if (taken > 0) {
            unrecorded.put(key, held - taken);
        }
        return taken;
    }

    /** Gives back the units the work did not record. Safe to call more than once. */
    @Override
    public void close() {
        Map<String, Long> giveBack;
        synchronized (this) {
            if (closed) {
                return;
            }
            closed = true;
            giveBack = Map.copyOf(unrecorded);
            unrecorded.clear();
        }
        if (CURRENT.get() == this) {
            CURRENT.remove();
        }
        if (quotas != null) {
            giveBack.forEach((key, units) -> {
                if (units > 0) {
                    quotas.giveBack(key, units);
                }
            });
        }
    }
}
