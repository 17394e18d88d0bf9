package io.channelhub.hub.knowledge;

import io.channelhub.hub.metering.UsageLedger;
import io.channelhub.hub.observability.HubMetrics;
import io.channelhub.hub.persistence.WorkQueue;
import io.dropwizard.lifecycle.Managed;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import org.jdbi.v3.core.Jdbi;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Ingests files added to vector stores, as durable background work shared by every replica: an entry
 * {@code in_progress} is queued; a replica leases it, extracts the text (Tika), cuts it into token windows, embeds
 * them with the store's model, and stores chunks and vectors with the entry's completion in one commit, then feeds
 * the index. A replica that dies lets its lease run out and another takes the file over; a retryable failure (the
 * embedding endpoint down) is tried again later, up to the configured attempts; a file that cannot be read fails
 * with OpenAI's codes ({@code invalid_file}, {@code unsupported_file}, {@code server_error}) and a reason.
 */
public class Ingestion implements Managed {

    private static final Logger LOG = LoggerFactory.getLogger(Ingestion.class);
    private static final int EMBED_BATCH = 32;

    private final VectorStores stores;
    private final KnowledgeFiles files;
    private final TextExtractor extractor;
    private final Chunker chunker;
    private final Embedders embedders;
    private final IndexFeed feed;
    private final UsageLedger ledger;
    private final KnowledgeConfig config;
    private final Clock clock;
    private final WorkQueue queue;
    private final Semaphore free;
    private final HubMetrics metrics;
    private ScheduledExecutorService poller;
    private ExecutorService workers;

    public Ingestion(Jdbi jdbi, VectorStores stores, KnowledgeFiles files, TextExtractor extractor, Tokens tokens,
                     Embedders embedders, IndexFeed feed, UsageLedger ledger, KnowledgeConfig config, Clock clock,
                     HubMetrics metrics) {
        this.metrics = metrics;
        this.stores = stores;
        this.files = files;
        this.extractor = extractor;
        this.chunker = new Chunker(tokens);
        this.embedders = embedders;
        this.feed = feed;
        this.ledger = ledger;
        this.config = config;
        this.clock = clock;
        this.queue = new WorkQueue(jdbi, "vector_store_files", "status = 'in_progress'",
                ", attempts = attempts + 1", "created_at");
        this.free = new Semaphore(config.getIngestionWorkers());
    }

    @Override
    public void start() {
        workers = Executors.newFixedThreadPool(config.getIngestionWorkers(), r -> {
            Thread t = new Thread(r, "knowledge-ingestion");
            t.setDaemon(true);
            return t;
        });
        poller = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "knowledge-ingestion-poll");
            t.setDaemon(true);
            return t;
        });
        long ms = config.getPollInterval().toMilliseconds();
        poller.scheduleWithFixedDelay(this::pollSafely, ms, ms, TimeUnit.MILLISECONDS);
    }

    @Override
    public void stop() throws InterruptedException {
        if (poller != null) {
            poller.shutdownNow();
        }
        if (workers != null) {
            workers.shutdownNow();
            workers.awaitTermination(10, TimeUnit.SECONDS);
        }
    }

    /** Files waiting for ingestion (queued or being ingested) and the oldest one's queueing, for the gauges. */
    public WorkQueue.Backlog backlog() {
        return queue.backlog(clock.instant());
    }

    /** A file was queued on this replica: look now rather than at the next poll. */
    public void kick() {
        ScheduledExecutorService p = poller;
        if (p != null) {
            p.execute(this::pollSafely);
        }
    }

    private void pollSafely() {
        try {
            poll();
        } catch (RuntimeException e) {
            LOG.warn("Polling the ingestion queue failed", e);
        }
    }

    private void poll() {
        int capacity = free.availablePermits();
        if (capacity == 0) {
            return;
        }
        Instant now = clock.instant();
        for (Long id : queue.due(now, capacity, Long.class)) {
            if (!free.tryAcquire()) {
                return;
            }
            if (!queue.claim(id, now, now.plus(Duration.ofMillis(config.getIngestionLease().toMilliseconds())))) {
                free.release();
                continue;
            }
            workers.execute(() -> {
                try {
                    stores.fileByRow(id).ifPresent(this::ingestSafely);
                } finally {
                    free.release();
                }
                kick();
            });
        }
    }

    private void ingestSafely(StoreFile f) {
        try {
            ingest(f);
        } catch (Embedder.EmbeddingFailed e) {
            if (e.retryable() && f.attempts() < config.getMaxAttempts()) {
                // Backoff grows with the attempts; the entry stays queued and any replica may take it then.
                Instant next = clock.instant().plusSeconds(30L << Math.min(f.attempts(), 6));
                stores.retryLater(f, next, "server_error", e.getMessage());
                metrics.knowledgeIngestions.labelValues("retry").inc();
                LOG.warn("Embedding {} of store {} failed ({}); trying again at {}", f.fileId(), f.vectorStoreId(),
                        e.code(), next);
            } else {
                fail(f, "server_error", e.getMessage());
                LOG.warn("Ingestion of {} into store {} failed: {}", f.fileId(), f.vectorStoreId(), e.getMessage());
            }
        } catch (RuntimeException e) {
            LOG.error("Ingestion of {} into store {} failed", f.fileId(), f.vectorStoreId(), e);
            if (f.attempts() >= config.getMaxAttempts()) {
                fail(f, "server_error", "the file could not be processed");
            } else {
                metrics.knowledgeIngestions.labelValues("retry").inc();
            }
            // Otherwise the lease runs out and the entry is tried again.
        }
    }

    private void fail(StoreFile f, String code, String reason) {
        stores.fail(f, code, reason);
        metrics.knowledgeIngestions.labelValues("failed").inc();
    }

    /** One file into one store; public for tests that run ingestion synchronously. */
    public void ingest(StoreFile f) {
        VectorStore store = stores.find(f.tenantId(), f.vectorStoreId()).orElse(null);
        KnowledgeFile file = files.find(f.tenantId(), f.fileId()).orElse(null);
        if (store == null || file == null) {
            fail(f, "invalid_file", "the file or its store was deleted");
            return;
        }
        if (!TextExtractor.supported(file.contentType())) {
            fail(f, "unsupported_file", "files of type " + file.contentType() + " cannot be searched");
            return;
        }
        TextExtractor.Extracted text;
        try (InputStream in = files.content(file)) {
            text = extractor.extract(in, file.filename(), file.contentType(), config.getMaxExtractedCharacters());
        } catch (TextExtractor.Unreadable e) {
            fail(f, "invalid_file", e.getMessage());
            return;
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        if (text.text().isBlank()) {
            fail(f, "invalid_file", "the file has no text (a scanned PDF needs text recognition first)");
            return;
        }
        List<Chunker.Chunk> chunks = chunker.chunk(text.text(), f.chunkMaxTokens(), f.chunkOverlapTokens());
        String title = text.title() != null ? text.title() : Context.titleOf(file.filename());
        Embedder embedder = embedders.of(store);
        List<VectorStores.StoredChunk> stored = new ArrayList<>(chunks.size());
        long tokens = 0;
        long bytes = 0;
        for (int from = 0; from < chunks.size(); from += EMBED_BATCH) {
            List<Chunker.Chunk> batch = chunks.subList(from, Math.min(chunks.size(), from + EMBED_BATCH));
            // What is embedded and indexed is the passage under its document's title and section heading: a
            // passage about "opening hours" that does not name the shop it belongs to is found by a question that
            // does.
            List<VectorStores.StoredChunk> drafts = new ArrayList<>();
            for (int i = 0; i < batch.size(); i++) {
                Chunker.Chunk c = batch.get(i);
                String heading = Context.header(title, text.text(), c.start()).strip();
                drafts.add(new VectorStores.StoredChunk(f.vectorStoreId(), f.fileId(), from + i, c.text(),
                        heading.length() > 400 ? heading.substring(0, 400) : heading, c.tokens(), null));
            }
            Embedder.Embedded e = embedder.embed(f.tenantId(), drafts.stream()
                    .map(VectorStores.StoredChunk::indexed).toList());
            tokens += e.tokens();
            for (int i = 0; i < batch.size(); i++) {
                VectorStores.StoredChunk d = drafts.get(i);
                float[] v = e.vectors().get(i);
                Chunker.Chunk c = batch.get(i);
                stored.add(new VectorStores.StoredChunk(d.vectorStoreId(), d.fileId(), d.chunkNo(), d.text(),
                        d.heading(), d.tokens(), v));
                bytes += c.text().getBytes(StandardCharsets.UTF_8).length + 4L * v.length;
            }
        }
        feed.prepare(f, store, file.filename(), stored);
        var generation = stores.complete(f, stored, bytes);
        if (generation.isEmpty()) {
            LOG.info("File {} left store {} while it was ingested; its chunks were dropped", f.fileId(),
                    f.vectorStoreId());
            feed.fileRemoved(f.tenantId(), f.vectorStoreId(), f.fileId());
            return;
        }
        String key = f.rowId() + ":" + generation.get();
        ledger.recordAll(List.of(
                new UsageLedger.UsageEvent(f.tenantId(), "knowledge.chunks", stored.size(), "chunk", null, null, null,
                        store.embeddingModel(), "chunks:" + key),
                new UsageLedger.UsageEvent(f.tenantId(), "embedding.tokens", tokens, "token", null, null, null,
                        store.embeddingModel(), "embed:" + key)));
        feed.completed(f, generation.get());
        metrics.knowledgeIngestions.labelValues("completed").inc();
        LOG.info("Ingested {} into store {}: {} chunk(s), {} token(s){}", f.fileId(), f.vectorStoreId(),
                stored.size(), tokens, text.truncated() ? " (text cut at the configured limit)" : "");
    }
}
