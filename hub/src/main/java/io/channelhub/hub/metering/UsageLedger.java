package io.channelhub.hub.metering;

import io.channelhub.hub.persistence.Binds;
import io.dropwizard.lifecycle.Managed;
import java.io.IOException;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.Jdbi;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one metering interface of the core: every billable unit, from the core and from plugins, is appended here.
 * A retried event carries the same idempotency key and is counted once: only a new row reaches the listeners
 * (the quota counters).
 *
 * <p>Three ways in: {@link #record} writes one row at once; {@link #insert} writes rows inside the caller's
 * transaction (a turn stores its message and the message's usage in one commit, then calls {@link #recorded});
 * {@link #recordBatched} is for events whose key is new by construction (every API request): the row is appended
 * to the {@link UsageSpool} on disk and the listeners run at once; a background writer commits the spooled rows in
 * multi-row batches at most {@code flushInterval} later, and deletes them from the spool only once committed. While
 * the database is unreachable the rows wait in the spool (retried with backoff, never dropped); a hub that starts
 * on the spool directory writes what a hub that died left there. A row the database refuses for good is kept in
 * {@code rejected.jsonl} in the spool directory and counted ({@link #lostRows}).
 */
public class UsageLedger implements Managed {

    private static final Logger LOG = LoggerFactory.getLogger(UsageLedger.class);
    private static final String INSERT = "INSERT INTO usage_events (tenant_id, usage_type, quantity, unit, "
            + "plugin_id, channel_instance_id, agent_id, model, idempotency_key, occurred_at) VALUES "
            + "(:t, :type, :q, :unit, :p, :ci, :a, :m, :k, :at)";
    private static final int BATCH = 500;
    private static final long MAX_BACKOFF_MILLIS = 30_000;
    private static final long ORPHAN_SCAN_MILLIS = 60_000;

    /** One billable event. Labels are optional. */
    public record UsageEvent(String tenantId, String usageType, long quantity, String unit, String pluginId,
                             String channelInstanceId, String agentId, String model, String idempotencyKey) {
    }

    /** The usage types of a model call's tokens: known only after the call, so quotas check them, never reserve. */
    public static final List<String> MODEL_TOKENS = List.of("model.prompt_tokens", "model.completion_tokens");

    /**
     * The tokens of one model call as usage events ({@code pt:<key>}, {@code ct:<key>}); none when the provider
     * reported no usage.
     */
    public static List<UsageEvent> modelTokens(String tenantId, String pluginId, String channelInstanceId,
                                               String agentId, String model,
                                               io.channelhub.plugin.model.ModelReply.Usage usage, String key) {
        if (usage == null) {
            return List.of();
        }
        return List.of(new UsageEvent(tenantId, MODEL_TOKENS.get(0), usage.promptTokens(), "token", pluginId,
                        channelInstanceId, agentId, model, "pt:" + key),
                new UsageEvent(tenantId, MODEL_TOKENS.get(1), usage.completionTokens(), "token", pluginId,
                        channelInstanceId, agentId, model, "ct:" + key));
    }

    /** Why a usage row could not be written: the reasons of {@link #lostRows}. */
    public enum Loss {
        /** The database refused the row for good (it is kept in {@code rejected.jsonl}). */
        REJECTED,
        /** A spooled line could not be read back (cut short by a crash of the machine). */
        UNREADABLE,
        /** Neither the spool nor the database could take the row. */
        UNSPOOLED;

        public String label() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }
    }

    /** The database cannot take the rows now (unreachable, or a transient failure): they wait for the next attempt. */
    private static final class DatabaseDown extends Exception {
        private static final long serialVersionUID = 1L;

        DatabaseDown(Throwable cause) {
            super(cause.getMessage(), cause, false, false);
        }
    }

    private final Jdbi jdbi;
    private final Clock clock;
    private final List<Consumer<UsageEvent>> listeners = new CopyOnWriteArrayList<>();
    private final List<java.util.function.BiConsumer<String, java.util.Set<String>>> committedListeners =
            new CopyOnWriteArrayList<>();
    /** Tenant to usage types committed by the writer and not announced yet. */
    private final java.util.Map<String, java.util.Set<String>> committedTypes =
            new java.util.concurrent.ConcurrentHashMap<>();
    private final UsageConfig config;
    private final long flushIntervalMillis;
    private final java.util.concurrent.locks.ReentrantLock writing = new java.util.concurrent.locks.ReentrantLock();
    /** Sealed segments not yet committed, oldest first; guarded by {@link #writing}. */
    private final java.util.ArrayDeque<UsageSpool.Segment> sealed = new java.util.ArrayDeque<>();
    private final java.util.Map<Loss, AtomicLong> lost = new java.util.EnumMap<>(Loss.class);
    private final AtomicLong failedWrites = new AtomicLong();
    private final AtomicLong waitingInSealed = new AtomicLong();
    private volatile UsageSpool spool;
    private volatile boolean running;
    private Thread writer;
    private long nextAttempt;
    private long backoff;
    private long nextOrphanScan;
    /** The writer thread's own: when it next announces committed rows. */
    private long nextAnnouncement;
    private java.util.concurrent.ScheduledExecutorService forcer;
    private long lastOutageLog;

    /** A ledger without a spool: batched events are written at once (tests and tools). */
    public UsageLedger(Jdbi jdbi, Clock clock) {
        this(jdbi, clock, null);
    }

    public UsageLedger(Jdbi jdbi, Clock clock, UsageConfig config) {
        this.jdbi = jdbi;
        this.clock = clock;
        this.config = config;
        this.flushIntervalMillis = config == null ? 100 : Math.max(1, config.getFlushInterval().toMilliseconds());
        for (Loss l : Loss.values()) {
            lost.put(l, new AtomicLong());
        }
    }

    /** Calls {@code listener} after each event recorded as a new row (on the recording thread). */
    public void onRecorded(Consumer<UsageEvent> listener) {
        listeners.add(listener);
    }

    /**
     * Calls {@code listener} with a tenant and the usage types of its {@link #recordBatched batched} rows once they
     * are in the database: from the background writer, outside its lock, at most once per {@link #NOTIFY_EVERY_MILLIS}
     * for everything committed since (a threshold read from the ledger, when its counter is unreachable, would
     * otherwise be a sum every 100 ms per busy tenant); on the recording thread when a row is written at once. What
     * needs the row to be readable listens here; counting at once is {@link #onRecorded}'s. A row written again after a crash may
     * be announced twice (a threshold notice is claimed once per period, so that is harmless).
     */
    public void onBatchCommitted(java.util.function.BiConsumer<String, java.util.Set<String>> listener) {
        committedListeners.add(listener);
    }

    /** How often the writer tells {@link #onBatchCommitted} listeners what it committed. */
    static final long NOTIFY_EVERY_MILLIS = 1_000;

    private void notifyCommitted(java.util.Map<String, java.util.Set<String>> typesByTenant) {
        typesByTenant.forEach((tenant, types) -> {
            for (var l : committedListeners) {
                try {
                    l.accept(tenant, types);
                } catch (RuntimeException e) {
                    // The rows are committed; what a listener failed to do (a notice) must not send them back.
                    LOG.warn("A listener of committed usage failed for tenant {}", tenant, e);
                }
            }
        });
    }

    /** Under {@link #writing}: remembers what a batch committed, for the writer to announce outside the lock. */
    private void committed(List<UsageSpool.Row> rows) {
        if (committedListeners.isEmpty()) {
            return;
        }
        for (UsageSpool.Row r : rows) {
            committedTypes.computeIfAbsent(r.t(), t -> java.util.concurrent.ConcurrentHashMap.newKeySet())
                    .add(r.type());
        }
    }

    /** On the writer's thread, without the lock: announces what was committed since the last time. */
    private void announceCommitted() {
        if (committedTypes.isEmpty()) {
            return;
        }
        java.util.Map<String, java.util.Set<String>> due = new java.util.HashMap<>();
        for (String tenant : List.copyOf(committedTypes.keySet())) {
            java.util.Set<String> types = committedTypes.remove(tenant);
            if (types != null) {
                due.put(tenant, java.util.Set.copyOf(types));
            }
        }
        notifyCommitted(due);
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

    /** Writes new events' rows (keys new by construction) in one transaction, then tells the listeners. */
    public void recordAll(List<UsageEvent> events) {
        if (events.isEmpty()) {
            return;
        }
        jdbi.useTransaction(h -> insert(h, events));
        events.forEach(this::recorded);
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
        events.forEach(UsageLedger::check);
        if (events.size() == 1) {
            bind(h.createUpdate(INSERT), events.get(0), at).execute();
            return;
        }
        // A turn's few rows (its messages and tokens) as one multi-row INSERT: one statement on either database,
        // where a JDBC batch costs a statement each on H2 and the batch's own bookkeeping in Jdbi.
        insertRows(h, events, i -> at);
    }

    /** Rows a multi-row INSERT takes at most: the writer's batches go in statements of this many. */
    static final int ROWS_PER_INSERT = 50;

    /**
     * {@code events} as multi-row INSERTs of up to {@link #ROWS_PER_INSERT} rows, the i-th row at {@code at(i)}: one
     * statement where a JDBC batch is one per row on the database (MariaDB's driver pipelines a batch's INSERTs, and
     * the server still parses and executes each).
     */
    private static void insertRows(Handle h, List<UsageEvent> events, java.util.function.IntFunction<Instant> at) {
        for (int from = 0; from < events.size(); from += ROWS_PER_INSERT) {
            int n = Math.min(ROWS_PER_INSERT, events.size() - from);
            var update = h.createUpdate(insertRows(n));
            for (int i = 0; i < n; i++) {
                UsageEvent e = events.get(from + i);
                update.bind("t" + i, Binds.text(e.tenantId())).bind("type" + i, Binds.text(e.usageType()))
                        .bind("q" + i, Binds.number(e.quantity())).bind("unit" + i, Binds.text(e.unit()))
                        .bind("p" + i, Binds.text(e.pluginId())).bind("ci" + i, Binds.text(e.channelInstanceId()))
                        .bind("a" + i, Binds.text(e.agentId())).bind("m" + i, Binds.text(e.model()))
                        .bind("k" + i, Binds.text(e.idempotencyKey())).bind("at" + i, Binds.time(at.apply(from + i)));
            }
            update.execute();
        }
    }

    /** The INSERTs of 0 to {@link #ROWS_PER_INSERT} rows, built once (Jdbi caches each one's parse by its text). */
    private static final String[] INSERT_ROWS = java.util.stream.IntStream.rangeClosed(0, ROWS_PER_INSERT)
            .mapToObj(UsageLedger::buildInsertRows).toArray(String[]::new);

    static String insertRows(int n) {
        return n < INSERT_ROWS.length ? INSERT_ROWS[n] : buildInsertRows(n);
    }

    private static String buildInsertRows(int n) {
        StringBuilder sql = new StringBuilder(INSERT.substring(0, INSERT.indexOf("VALUES") + 7));
        for (int i = 0; i < n; i++) {
            sql.append(i == 0 ? "" : ", ").append(String.format("(:t%1$d, :type%1$d, :q%1$d, :unit%1$d, :p%1$d, "
                    + ":ci%1$d, :a%1$d, :m%1$d, :k%1$d, :at%1$d)", i));
        }
        return sql.toString();
    }

    /**
     * Writes events' rows in the caller's transaction one by one, skipping those whose key is already recorded (a
     * plugin's key for a retried webhook). Returns the new ones; call {@link #recorded} for each after commit.
     */
    public List<UsageEvent> insertNew(Handle h, List<UsageEvent> events) {
        List<UsageEvent> fresh = new ArrayList<>();
        Instant at = clock.instant();
        for (UsageEvent e : events) {
            check(e);
            try {
                bind(h.createUpdate(INSERT), e, at).execute();
                fresh.add(e);
            } catch (RuntimeException ex) {
                // MariaDB and H2 roll back the failed statement only; the transaction goes on.
                if (!io.channelhub.hub.persistence.Constraints.isUniqueViolation(ex)) {
                    throw ex;
                }
            }
        }
        return fresh;
    }

    /** Tells the listeners about an event whose new row is committed (see {@link #insert}). */
    public void recorded(UsageEvent e) {
        for (Consumer<UsageEvent> listener : listeners) {
            listener.accept(e);
        }
    }

    /**
     * Records an event whose key is new by construction without a database write on this thread: the row goes to
     * the spool (on disk before this returns) and the listeners run now; the background writer commits it. Before
     * the ledger starts, after it stops, or when the spool cannot be written, the row is written at once.
     */
    public void recordBatched(UsageEvent e) {
        recordBatchedAll(List.of(e));
    }

    /**
     * {@link #recordBatched} for the rows of one piece of work (a completion's call and its tokens): all of them are
     * spooled before any listener runs, so a listener that fails cannot leave the rest unrecorded.
     */
    public void recordBatchedAll(List<UsageEvent> events) {
        events.forEach(UsageLedger::check);
        List<UsageEvent> spooled = new java.util.ArrayList<>(events.size());
        UsageSpool s = spool;
        if (s != null && running) {
            Instant at = clock.instant();
            try {
                s.appendAll(events, at);
                spooled.addAll(events);
            } catch (IOException io) {
                LOG.error("Could not spool a usage row to {}; writing it at once", s.directory(), io);
            }
        }
        spooled.forEach(this::recorded);
        for (UsageEvent e : events.subList(spooled.size(), events.size())) {
            try {
                if (record(e)) {
                    notifyCommitted(java.util.Map.of(e.tenantId(), java.util.Set.of(e.usageType())));
                }
            } catch (RuntimeException db) {
                lost.get(Loss.UNSPOOLED).incrementAndGet();
                LOG.error("A {} usage row is lost: neither the spool nor the database took it", e.usageType(), db);
            }
        }
    }

    /**
     * Usage types that measure a level (what a tenant keeps) rather than a flow (what it did): a release records a
     * negative quantity, so their sum is the level now, and a quota on them with period {@code total} caps it.
     */
    public static final java.util.Set<String> LEVELS = java.util.Set.of("storage.bytes", "storage.files");

    private static void check(UsageEvent e) {
        if (e.quantity() < 0 && !LEVELS.contains(e.usageType())) {
            throw new IllegalArgumentException("usage quantity must not be negative");
        }
    }

    private static <S extends org.jdbi.v3.core.statement.SqlStatement<S>> S bind(S s, UsageEvent e, Instant at) {
        return s.bind("t", e.tenantId()).bind("type", e.usageType()).bind("q", e.quantity())
                .bind("unit", e.unit()).bind("p", e.pluginId()).bind("ci", e.channelInstanceId())
                .bind("a", e.agentId()).bind("m", e.model()).bind("k", e.idempotencyKey()).bind("at", at);
    }

    /** Rows that could not be written, by reason (exported as a Prometheus counter). */
    public long lostRows(Loss reason) {
        long n = lost.get(reason).get();
        UsageSpool s = spool;
        return reason == Loss.UNREADABLE && s != null ? n + s.corruptLines() : n;
    }

    /** Attempts to write spooled rows that failed because the database could not be reached. */
    public long failedWrites() {
        return failedWrites.get();
    }

    /** Rows in the spool that are not committed yet (segments adopted from a dead hub count once read). */
    public long spooledRows() {
        UsageSpool s = spool;
        return waitingInSealed.get() + (s == null ? 0 : s.currentRows());
    }

    /** The spool's directory, or null without a spool. */
    public java.nio.file.Path spoolDirectory() {
        UsageSpool s = spool;
        return s == null ? null : s.directory();
    }

    /** Bytes of the spool's segment files; 0 without a spool. */
    public long spoolBytes() {
        UsageSpool s = spool;
        return s == null ? 0 : Math.max(0, s.bytesOnDisk());
    }

    /** Free bytes on the spool's file system, or -1 without a spool. */
    public long spoolFreeBytes() {
        UsageSpool s = spool;
        return s == null ? -1 : s.usableSpace();
    }

    @Override
    public void start() throws IOException {
        if (config == null) {
            return;
        }
        spool = new UsageSpool(java.nio.file.Path.of(config.getSpoolDirectory()),
                config.getFsyncInterval().toJavaDuration(), config.getMaxSegmentSize().toBytes());
        long fsync = config.getFsyncInterval().toMilliseconds();
        if (fsync > 0) {
            // Its own thread: the bound on what a crash of the machine loses holds while the writer waits on the
            // database.
            forcer = java.util.concurrent.Executors.newSingleThreadScheduledExecutor(r -> {
                Thread t = new Thread(r, "usage-fsync");
                t.setDaemon(true);
                return t;
            });
            UsageSpool sp = spool;
            forcer.scheduleWithFixedDelay(() -> {
                try {
                    sp.force();
                } catch (IOException | RuntimeException e) {
                    LOG.error("Could not force the usage spool in {} to the disk", sp.directory(), e);
                }
            }, fsync, fsync, java.util.concurrent.TimeUnit.MILLISECONDS);
        }
        running = true;
        // What a hub that stopped left here is written first (at once when the database is up).
        writing.lock();
        try {
            adopt();
            writeDue(true);
        } finally {
            writing.unlock();
        }
        writer = new Thread(this::writeLoop, "usage-writer");
        writer.setDaemon(true);
        writer.start();
    }

    @Override
    public void stop() throws InterruptedException {
        running = false;
        if (forcer != null) {
            forcer.shutdownNow();
            forcer.awaitTermination(5, java.util.concurrent.TimeUnit.SECONDS);
            forcer = null;
        }
        if (writer != null) {
            writer.interrupt();
            writer.join(10_000);
        }
        UsageSpool s = spool;
        if (s == null) {
            return;
        }
        writing.lock();
        try {
            nextAttempt = 0;
            writeDue(true);
            // Rows the database could not take stay in their files for the next start.
            sealed.forEach(s::release);
            sealed.clear();
            waitingInSealed.set(0);
            s.close();
            spool = null;
        } finally {
            writing.unlock();
        }
        announceCommitted();
    }

    private void writeLoop() {
        while (running) {
            try {
                Thread.sleep(flushIntervalMillis);
            } catch (InterruptedException e) {
                return;
            }
            writing.lock();
            try {
                writeDue(false);
            } catch (RuntimeException e) {
                LOG.error("Writing spooled usage failed", e);
            } finally {
                writing.unlock();
            }
            long now = System.currentTimeMillis();
            if (now >= nextAnnouncement) {
                nextAnnouncement = now + NOTIFY_EVERY_MILLIS;
                try {
                    announceCommitted();
                } catch (RuntimeException e) {
                    LOG.error("Announcing committed usage failed", e);
                }
            }
        }
    }

    /** Commits everything spooled so far (when the database can be reached), so that reads see it. */
    public void flush() {
        if (spool == null) {
            return;
        }
        writing.lock();
        try {
            nextAttempt = 0;
            writeDue(true);
        } finally {
            writing.unlock();
        }
    }

    /** Under {@link #writing}. */
    private void writeDue(boolean force) {
        UsageSpool s = spool;
        long now = System.currentTimeMillis();
        try {
            // While the database is down the current segment grows up to its size limit (then the spool starts
            // another): a few files per outage, not one per flush, and none larger than a writer streams in moments.
            for (UsageSpool.Segment f = s.takeFull(); f != null; f = s.takeFull()) {
                sealed.add(f);
                waitingInSealed.addAndGet(f.rows);
            }
            if (!force && now < nextAttempt) {
                return;
            }
            if (sealed.isEmpty()) {
                seal(s);
            }
            if (now >= nextOrphanScan) {
                adopt();
            }
        } catch (IOException e) {
            LOG.error("The usage spool in {} failed", s.directory(), e);
            return;
        }
        boolean recovered = backoff > 0;
        while (!sealed.isEmpty()) {
            UsageSpool.Segment seg = sealed.peek();
            try {
                writeSegment(s, seg);
            } catch (DatabaseDown down) {
                failedWrites.incrementAndGet();
                backoff = backoff == 0 ? 500 : Math.min(MAX_BACKOFF_MILLIS, backoff * 2);
                nextAttempt = System.currentTimeMillis() + backoff;
                if (now - lastOutageLog > 60_000) {
                    lastOutageLog = now;
                    LOG.warn("Usage rows wait in the spool: the database cannot be reached ({}); retrying",
                            down.getMessage());
                }
                return;
            } catch (IOException io) {
                // Only a segment read to its end is deleted: this one stays, whole, for the next start.
                LOG.error("Could not read usage segment {}; it stays for the next start", seg.path, io);
                sealed.poll();
                waitingInSealed.addAndGet(-seg.rows);
                s.release(seg);
                continue;
            }
            sealed.poll();
            waitingInSealed.addAndGet(-seg.rows);
            seg.rows = 0;
            s.delete(seg);
        }
        backoff = 0;
        if (recovered) {
            LOG.info("The database is back: the spooled usage rows are written");
            // Another hub on this directory may have died during the outage.
            nextOrphanScan = 0;
        }
    }

    /** Under {@link #writing}. */
    private void seal(UsageSpool s) throws IOException {
        UsageSpool.Segment seg = s.seal();
        if (seg != null) {
            sealed.add(seg);
            waitingInSealed.addAndGet(seg.rows);
        }
    }

    /** Under {@link #writing}: takes the segments of hubs that stopped. */
    private void adopt() {
        nextOrphanScan = System.currentTimeMillis() + ORPHAN_SCAN_MILLIS;
        for (UsageSpool.Segment seg : spool.adoptOrphans()) {
            try {
                seg.rows = spool.countRows(seg);
            } catch (IOException e) {
                LOG.warn("Could not read usage segment {}", seg.path, e);
            }
            if (seg.rows > 0) {
                LOG.info("Writing {} usage rows a stopped hub left in {}", seg.rows, seg.path.getFileName());
            }
            sealed.add(seg);
            waitingInSealed.addAndGet(seg.rows);
        }
    }

    /** Streams a segment to the database from where this process last left it; returns once it is all written. */
    private void writeSegment(UsageSpool s, UsageSpool.Segment seg) throws DatabaseDown, IOException {
        UsageSpool.Reader reader = s.reader(seg, seg.committed);
        for (List<UsageSpool.Row> rows = reader.next(BATCH); !rows.isEmpty(); rows = reader.next(BATCH)) {
            writeRows(s, rows);
            seg.committed = reader.offset();
            long done = Math.min(seg.rows, rows.size());
            seg.rows -= done;
            waitingInSealed.addAndGet(-done);
        }
    }

    private void writeRows(UsageSpool s, List<UsageSpool.Row> rows) throws DatabaseDown {
        try {
            List<UsageEvent> events = rows.stream().map(UsageSpool.Row::event).toList();
            jdbi.useTransaction(h -> insertRows(h, events, i -> rows.get(i).instant()));
        } catch (RuntimeException e) {
            requireReachable(e);
            writeOneByOne(s, rows);
            return;
        }
        committed(rows);
    }

    /** Reachable, yet the batch failed: a row is already there (written before a crash) or refused. */
    private void writeOneByOne(UsageSpool s, List<UsageSpool.Row> rows) throws DatabaseDown {
        for (UsageSpool.Row r : rows) {
            try {
                jdbi.useHandle(h -> bind(h.createUpdate(INSERT), r.event(), r.instant()).execute());
            } catch (RuntimeException one) {
                if (io.channelhub.hub.persistence.Constraints.isUniqueViolation(one)) {
                    continue;
                }
                requireReachable(one);
                if (!io.channelhub.hub.persistence.Constraints.isPermanent(one)) {
                    // A deadlock or a lock wait: the row is fine, the moment was not. The segment waits for the next
                    // attempt (with backoff) rather than the row being set aside as refused.
                    throw new DatabaseDown(one);
                }
                reject(s, r, one);
            }
        }
        committed(rows);
    }

    private void requireReachable(RuntimeException failure) throws DatabaseDown {
        try {
            jdbi.useHandle(h -> h.createQuery("SELECT 1").mapTo(Integer.class).one());
        } catch (RuntimeException down) {
            throw new DatabaseDown(failure);
        }
    }

    private void reject(UsageSpool s, UsageSpool.Row r, RuntimeException why) {
        lost.get(Loss.REJECTED).incrementAndGet();
        LOG.error("The database refused a {} usage row; it is kept in {}", r.type(),
                s.directory().resolve("rejected.jsonl"), why);
        try {
            java.nio.file.Files.write(s.directory().resolve("rejected.jsonl"), List.of(
                    new com.fasterxml.jackson.databind.ObjectMapper().writeValueAsString(r)),
                    java.nio.file.StandardOpenOption.CREATE, java.nio.file.StandardOpenOption.APPEND);
        } catch (IOException io) {
            LOG.error("Could not keep the refused usage row", io);
        }
    }

    /** Whether an event with this key is recorded for the tenant. */
    public boolean has(String tenantId, String idempotencyKey) {
        return jdbi.withHandle(h -> h.createQuery("SELECT COUNT(*) FROM usage_events WHERE tenant_id = :t AND "
                        + "idempotency_key = :k").bind("t", tenantId).bind("k", idempotencyKey).mapTo(Long.class)
                .one()) > 0;
    }

    /** Sum of a usage type for a tenant (all time); the metering issue adds periods and aggregates. */
    public long total(String tenantId, String usageType) {
        return jdbi.withHandle(h -> h.createQuery("SELECT COALESCE(SUM(quantity), 0) FROM usage_events WHERE "
                        + "tenant_id = :t AND usage_type = :type").bind("t", tenantId).bind("type", usageType)
                .mapTo(Long.class).one());
    }
}
