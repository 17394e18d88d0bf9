package io.channelhub.hub.metering;

import io.dropwizard.lifecycle.Managed;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.Jdbi;
import org.jdbi.v3.core.statement.PreparedBatch;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one metering interface of the core: every billable unit, from the core and from plugins, is appended here.
 * A retried event carries the same idempotency key and is counted once: only a new row reaches the listeners
 * (the quota counters).
 *
 * <p>Three ways in: {@link #record} writes one row at once; {@link #insert} writes rows inside the caller's
 * transaction (a turn stores its message and the message's usage in one commit, then calls {@link #recorded});
 * {@link #recordBatched} is for events whose key is new by construction (every API request): the listeners run at
 * once, and the rows are written by a background writer in multi-row batches, at most {@code flushInterval} later.
 * Stopping the hub writes what is queued.
 */
public class UsageLedger implements Managed {

    private static final Logger LOG = LoggerFactory.getLogger(UsageLedger.class);
    private static final String INSERT = "INSERT INTO usage_events (tenant_id, usage_type, quantity, unit, "
            + "plugin_id, channel_instance_id, agent_id, model, idempotency_key, occurred_at) VALUES "
            + "(:t, :type, :q, :unit, :p, :ci, :a, :m, :k, :at)";
    private static final int BATCH = 500;

    /** One billable event. Labels are optional. */
    public record UsageEvent(String tenantId, String usageType, long quantity, String unit, String pluginId,
                             String channelInstanceId, String agentId, String model, String idempotencyKey) {
    }

    private record Queued(UsageEvent event, Instant at) {
    }

    private final Jdbi jdbi;
    private final Clock clock;
    private final List<Consumer<UsageEvent>> listeners = new CopyOnWriteArrayList<>();
    private final BlockingQueue<Queued> queue = new ArrayBlockingQueue<>(100_000);
    private final long flushIntervalMillis;
    /** Queued rows not yet committed, including those the writer holds. */
    private final java.util.concurrent.atomic.AtomicInteger pending = new java.util.concurrent.atomic.AtomicInteger();
    private volatile boolean running;
    private Thread writer;

    public UsageLedger(Jdbi jdbi, Clock clock) {
        this(jdbi, clock, 100);
    }

    public UsageLedger(Jdbi jdbi, Clock clock, long flushIntervalMillis) {
        this.jdbi = jdbi;
        this.clock = clock;
        this.flushIntervalMillis = flushIntervalMillis;
    }

    /** Calls {@code listener} after each event recorded as a new row (on the recording thread). */
    public void onRecorded(Consumer<UsageEvent> listener) {
        listeners.add(listener);
    }

    /** Returns true when the event is a new row, false when an event with this key was already recorded. */
    public boolean record(UsageEvent e) {
        check(e);
        try {
            jdbi.useHandle(h -> bind(h.createUpdate(INSERT), e, clock.instant()).execute());
        } catch (RuntimeException ex) {
            if (io.channelhub.hub.persistence.Constraints.isUniqueViolation(ex)) {
                return false;
            }
            throw ex;
        }
        recorded(e);
        return true;
    }

    /**
     * Writes new events' rows in the caller's transaction, in one statement batch. Their keys must be new (derived
     * from ids made for this work): a duplicate fails the transaction. Call {@link #recorded} for each after commit.
     */
    public void insert(Handle h, List<UsageEvent> events) {
        if (events.isEmpty()) {
            return;
        }
        Instant at = clock.instant();
        PreparedBatch batch = h.prepareBatch(INSERT);
        for (UsageEvent e : events) {
            check(e);
            bind(batch, e, at).add();
        }
        batch.execute();
    }

    /** Tells the listeners about an event whose new row is committed (see {@link #insert}). */
    public void recorded(UsageEvent e) {
        for (Consumer<UsageEvent> listener : listeners) {
            listener.accept(e);
        }
    }

    /**
     * Records an event whose key is new by construction without a write on this thread: the listeners run now, the
     * row is written by the background writer. Before the writer runs (or when its queue is full) it is written at
     * once, so nothing is dropped.
     */
    public void recordBatched(UsageEvent e) {
        check(e);
        pending.incrementAndGet();
        if (!running || !queue.offer(new Queued(e, clock.instant()))) {
            pending.decrementAndGet();
            record(e);
            return;
        }
        recorded(e);
    }

    private static void check(UsageEvent e) {
        if (e.quantity() < 0) {
            throw new IllegalArgumentException("usage quantity must not be negative");
        }
    }

    private static <S extends org.jdbi.v3.core.statement.SqlStatement<S>> S bind(S s, UsageEvent e, Instant at) {
        return s.bind("t", e.tenantId()).bind("type", e.usageType()).bind("q", e.quantity())
                .bind("unit", e.unit()).bind("p", e.pluginId()).bind("ci", e.channelInstanceId())
                .bind("a", e.agentId()).bind("m", e.model()).bind("k", e.idempotencyKey()).bind("at", at);
    }

    @Override
    public void start() {
        running = true;
        writer = new Thread(this::writeLoop, "usage-writer");
        writer.setDaemon(true);
        writer.start();
    }

    @Override
    public void stop() throws InterruptedException {
        running = false;
        if (writer != null) {
            writer.interrupt();
            writer.join(10_000);
        }
        flush();
    }

    private void writeLoop() {
        while (running) {
            try {
                Queued first = queue.poll(flushIntervalMillis, TimeUnit.MILLISECONDS);
                if (first == null) {
                    continue;
                }
                // Let a batch gather: one commit carries every request of the interval.
                Thread.sleep(Math.max(1, flushIntervalMillis / 4));
                List<Queued> rows = new ArrayList<>(BATCH);
                rows.add(first);
                queue.drainTo(rows, BATCH - 1);
                write(rows);
            } catch (InterruptedException e) {
                return;
            } catch (RuntimeException e) {
                LOG.error("Writing queued usage failed", e);
            }
        }
    }

    /** Writes everything queued now, and waits (a few seconds at most) for the rows the writer is writing. */
    public void flush() {
        List<Queued> rows = new ArrayList<>();
        while (queue.drainTo(rows, BATCH) > 0) {
            write(rows);
            rows.clear();
        }
        long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (pending.get() > 0 && System.nanoTime() < until) {
            java.util.concurrent.locks.LockSupport.parkNanos(200_000);
        }
    }

    private void write(List<Queued> rows) {
        try {
            writeRows(rows);
        } finally {
            pending.addAndGet(-rows.size());
        }
    }

    private void writeRows(List<Queued> rows) {
        for (int attempt = 1; ; attempt++) {
            try {
                jdbi.useTransaction(h -> {
                    PreparedBatch batch = h.prepareBatch(INSERT);
                    for (Queued q : rows) {
                        bind(batch, q.event(), q.at()).add();
                    }
                    batch.execute();
                });
                return;
            } catch (RuntimeException e) {
                if (attempt >= 3) {
                    // Rows one by one, so one bad row cannot take the batch with it; a duplicate is already there.
                    for (Queued q : rows) {
                        try {
                            jdbi.useHandle(h -> bind(h.createUpdate(INSERT), q.event(), q.at()).execute());
                        } catch (RuntimeException one) {
                            if (!io.channelhub.hub.persistence.Constraints.isUniqueViolation(one)) {
                                LOG.error("Could not write a usage row of type {}", q.event().usageType(), one);
                            }
                        }
                    }
                    return;
                }
            }
        }
    }

    /** Sum of a usage type for a tenant (all time); the metering issue adds periods and aggregates. */
    public long total(String tenantId, String usageType) {
        return jdbi.withHandle(h -> h.createQuery("SELECT COALESCE(SUM(quantity), 0) FROM usage_events WHERE "
                        + "tenant_id = :t AND usage_type = :type").bind("t", tenantId).bind("type", usageType)
                .mapTo(Long.class).one());
    }
}
