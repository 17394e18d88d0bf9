package io.channelhub.plugins.knowledge;

import java.io.Closeable;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import org.apache.lucene.analysis.Analyzer;
import org.apache.lucene.codecs.Codec;
import org.apache.lucene.util.IOConsumer;
import org.apache.lucene.util.IOUtils;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Every tenant's index, each in a directory of its own under one root, made on the tenant's first write. All
 * writes run on one thread of this class; searches run on their callers' threads.
 *
 * <p>Why one writer thread: the hub interrupts a plugin call that overruns its timeout, and an interrupt that lands
 * in file I/O closes the channel under Lucene, which then closes the tenant's IndexWriter for good. A caller that is
 * interrupted here stops waiting; the write it asked for still completes. Searches only read memory-mapped files,
 * which an interrupt does not disturb.
 */
final class TenantIndexes implements Closeable {

    private static final Logger LOG = LoggerFactory.getLogger(TenantIndexes.class);
    private static final long CLOSE_WAIT_SECONDS = 30;

    private final Path root;
    private final Analyzer analyzer = new TextAnalyzer();
    private final Codec codec = WideVectors.codec();
    private final ConcurrentMap<String, TenantIndex> tenants = new ConcurrentHashMap<>();
    private final ExecutorService writer = Executors.newSingleThreadExecutor(r -> {
        Thread t = new Thread(r, "knowledge-lucene-writer");
        t.setDaemon(true);
        return t;
    });
    /**
     * Runs a hybrid search's vector list beside its keyword list, which the caller's thread runs: the two take about
     * as long each, so a search answers in the time of the longer one. One thread per core and no queue: when all
     * are busy (many searches at once, where running the lists side by side gains nothing) the caller runs both.
     */
    private final java.util.concurrent.ThreadPoolExecutor lists = new java.util.concurrent.ThreadPoolExecutor(
            Runtime.getRuntime().availableProcessors(), Runtime.getRuntime().availableProcessors(), 30,
            TimeUnit.SECONDS, new java.util.concurrent.SynchronousQueue<>(), r -> {
                Thread t = new Thread(r, "knowledge-lucene-search");
                t.setDaemon(true);
                return t;
            }, new java.util.concurrent.ThreadPoolExecutor.CallerRunsPolicy());
    // Only the writer thread names directories.
    private long directories;

    /** How long an index is left alone before it is merged into one segment. */
    static final Duration IDLE_BEFORE_COMPACTION = Duration.ofSeconds(60);

    private final long idleNanos;
    private final java.util.concurrent.ScheduledExecutorService compactor;

    TenantIndexes(Path root) {
        this(root, IDLE_BEFORE_COMPACTION);
    }

    TenantIndexes(Path root, Duration idleBeforeCompaction) {
        this.root = root;
        this.idleNanos = idleBeforeCompaction.toNanos();
        this.compactor = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "knowledge-lucene-compact");
            t.setDaemon(true);
            return t;
        });
        long every = Math.max(1, Math.min(30_000, idleBeforeCompaction.toMillis() / 2));
        compactor.scheduleWithFixedDelay(this::compactIdle, every, every, TimeUnit.MILLISECONDS);
    }

    /** Merges every index left alone long enough into one segment (see {@link TenantIndex#compactIfIdle}). */
    void compactIdle() {
        for (Map.Entry<String, TenantIndex> e : tenants.entrySet()) {
            try {
                if (e.getValue().compactIfIdle(idleNanos)) {
                    LOG.debug("Merging an idle knowledge index into one segment");
                }
            } catch (org.apache.lucene.store.AlreadyClosedException closed) {
                // Dropped meanwhile.
            } catch (IOException | RuntimeException ex) {
                LOG.warn("Merging an idle knowledge index failed; searches stay as fast as its segments allow", ex);
            }
        }
    }

    Path root() {
        return root;
    }

    Analyzer analyzer() {
        return analyzer;
    }

    java.util.concurrent.Executor lists() {
        return lists;
    }

    /** The tenant's index; null when it has none. */
    TenantIndex find(String tenantId) {
        return tenants.get(tenantId);
    }

    /** Runs {@code op} on the writer thread with the tenant's index, made first if the tenant has none. */
    void write(String tenantId, IOConsumer<TenantIndex> op) {
        run(() -> {
            TenantIndex index = tenants.get(tenantId);
            if (index == null) {
                // Numbered, not named after the tenant: a tenant id never becomes a path, and a tenant made again
                // after a removal never meets what is left of its old directory.
                index = TenantIndex.create(root.resolve("t" + ++directories), analyzer, codec);
                tenants.put(tenantId, index);
            }
            op.accept(index);
        });
    }

    /** Runs {@code op} on the writer thread with the tenant's index, if it has one. */
    void update(String tenantId, IOConsumer<TenantIndex> op) {
        run(() -> {
            TenantIndex index = tenants.get(tenantId);
            if (index != null) {
                op.accept(index);
            }
        });
    }

    /** Closes and deletes the tenant's index, if it has one. */
    void drop(String tenantId) {
        run(() -> {
            TenantIndex index = tenants.remove(tenantId);
            if (index != null) {
                index.closeAndDelete();
            }
        });
    }

    private void run(IORunnable op) {
        Future<?> done;
        try {
            done = writer.submit(() -> {
                op.run();
                return null;
            });
        } catch (RejectedExecutionException e) {
            throw new IllegalStateException("the knowledge-lucene plugin is stopped", e);
        }
        try {
            done.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting for the index (the write goes on)", e);
        } catch (ExecutionException e) {
            Throwable cause = e.getCause();
            if (cause instanceof RuntimeException r) {
                throw r;
            }
            if (cause instanceof Error err) {
                throw err;
            }
            if (cause instanceof IOException io) {
                throw new UncheckedIOException(io);
            }
            throw new IllegalStateException(cause);
        }
    }

    /** Lets queued writes finish, closes every index and deletes the root directory. */
    @Override
    public void close() {
        compactor.shutdownNow();
        lists.shutdown();
        writer.shutdown();
        try {
            if (!writer.awaitTermination(CLOSE_WAIT_SECONDS, TimeUnit.SECONDS)) {
                LOG.warn("Knowledge index writes still running after {} s; closing the indexes under them",
                        CLOSE_WAIT_SECONDS);
                writer.shutdownNow();
            }
        } catch (InterruptedException e) {
            writer.shutdownNow();
            Thread.currentThread().interrupt();
        }
        for (TenantIndex index : tenants.values()) {
            try {
                index.close();
            } catch (IOException | RuntimeException e) {
                LOG.warn("Knowledge index {} did not close cleanly", index.path(), e);
            }
        }
        tenants.clear();
        analyzer.close();
        try {
            IOUtils.rm(root);
        } catch (IOException e) {
            LOG.warn("Knowledge index directory {} not deleted", root, e);
        }
    }

    /** A write that may fail with an IOException. */
    @FunctionalInterface
    interface IORunnable {
        void run() throws IOException;
    }
}
