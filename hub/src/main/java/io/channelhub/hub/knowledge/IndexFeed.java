package io.channelhub.hub.knowledge;

import io.channelhub.hub.errors.Failure;
import io.channelhub.hub.persistence.ChangeBus;
import io.channelhub.hub.plugins.PluginPlatform;
import io.channelhub.plugin.knowledge.IndexScope;
import io.channelhub.plugin.knowledge.IndexedChunk;
import io.channelhub.plugin.knowledge.IndexedFile;
import io.dropwizard.lifecycle.Managed;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps the knowledge index in step with the database. An index that lives in each replica is fed on every
 * replica: at start from the database (in the background: search answers from what is there meanwhile), on each
 * change another replica announces ({@code kn:<tenant>/<store>/<file>}, {@code kn:<tenant>/<store>},
 * {@code kn:<tenant>}), and by a periodic comparison with the database for announcements it missed. A shared
 * index is written once, by the replica that made the change.
 */
public class IndexFeed implements Managed {

    private static final Logger LOG = LoggerFactory.getLogger(IndexFeed.class);
    static final String KIND = "kn";

    private final PluginPlatform plugins;
    private final String configured;
    private final VectorStores stores;
    private final KnowledgeFiles files;
    private final ChangeBus bus;
    private final Duration every;
    /** An entry this replica's index holds: its row and generation. */
    private record Held(long rowId, int generation) {
    }

    /** What this replica's index holds: tenant/store/file → entry. */
    private final Map<String, Held> held = new ConcurrentHashMap<>();
    private final io.channelhub.hub.observability.HubMetrics metrics;
    private final java.time.Clock clock;
    /** When this replica's index last matched the database (the end of a successful comparison); null before. */
    private volatile java.time.Instant reconciledAt;
    private ScheduledExecutorService timer;

    public IndexFeed(PluginPlatform plugins, String configured, VectorStores stores, KnowledgeFiles files,
                     ChangeBus bus, Duration every, io.channelhub.hub.observability.HubMetrics metrics,
                     java.time.Clock clock) {
        this.metrics = metrics;
        this.clock = clock;
        this.plugins = plugins;
        this.configured = configured;
        this.stores = stores;
        this.files = files;
        this.bus = bus;
        this.every = every;
        bus.on(KIND, this::announced);
        // A tenant changed on another replica (deleted, say): its index goes when it has no store left.
        bus.on("t", this::tenantChanged);
    }

    private void tenantChanged(String tenantId) {
        try {
            if (held.keySet().stream().anyMatch(k -> k.startsWith(tenantId + "/"))
                    && stores.list(tenantId, null, 1, true).isEmpty()) {
                removeLocal(IndexScope.tenant(tenantId));
            }
        } catch (RuntimeException e) {
            LOG.warn("Applying a tenant change to the knowledge index failed", e);
        }
    }

    /** Files this replica's index holds. */
    public int heldFiles() {
        return held.size();
    }

    /**
     * Seconds since this replica's index last matched the database (0 when no index is fed per replica; -1 before
     * the first comparison ended, while the index is being built).
     */
    public double secondsSinceReconciled() {
        if (index().isEmpty() || !perReplica()) {
            return 0;
        }
        java.time.Instant at = reconciledAt;
        return at == null ? -1 : Math.max(0, (clock.instant().toEpochMilli() - at.toEpochMilli()) / 1000.0);
    }

    /** The index in use, if a plugin provides one. */
    public Optional<PluginPlatform.LoadedIndex> index() {
        Map<String, PluginPlatform.LoadedIndex> all = plugins.knowledgeIndexes();
        if (!configured.isEmpty()) {
            return Optional.ofNullable(all.get(configured));
        }
        return all.size() == 1 ? Optional.of(all.values().iterator().next()) : all.values().stream()
                .min(java.util.Comparator.comparing(l -> l.descriptor().id()));
    }

    /** The index, or a 503: search needs one, storing and ingesting do not. */
    PluginPlatform.LoadedIndex require() {
        return index().orElseThrow(() -> Failure.unavailable("knowledge_index_unavailable",
                "no knowledge index plugin is running (install knowledge-lucene)"));
    }

    private boolean perReplica() {
        return index().map(l -> l.descriptor().perReplica()).orElse(false);
    }

    @Override
    public void start() {
        timer = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "knowledge-index-feed");
            t.setDaemon(true);
            return t;
        });
        long ms = every.toMillis();
        timer.execute(this::reconcileSafely);
        timer.scheduleWithFixedDelay(this::reconcileSafely, ms, ms, TimeUnit.MILLISECONDS);
    }

    @Override
    public void stop() {
        if (timer != null) {
            timer.shutdownNow();
        }
    }

    private void reconcileSafely() {
        try {
            reconcile();
        } catch (RuntimeException e) {
            LOG.warn("Catching the knowledge index up with the database failed; trying again later", e);
        }
    }

    /**
     * Compares what this replica's index holds with the database and fixes the difference. One grouped read gives
     * each tenant's digest; only a tenant whose digest differs from what is held here has its entries read and
     * compared one by one, so a quiet hub reads one row per tenant every interval, not every file.
     */
    public int reconcile() {
        if (index().isEmpty() || !perReplica()) {
            return 0;
        }
        Map<String, VectorStores.Digest> digests = stores.completedDigests();
        Set<String> tenants = new HashSet<>();
        Map<String, long[]> local = new java.util.HashMap<>();
        held.forEach((key, h) -> {
            long[] d = local.computeIfAbsent(key.substring(0, key.indexOf('/')), t -> new long[3]);
            d[0]++;
            d[1] += h.rowId();
            d[2] += h.generation();
        });
        digests.forEach((t, d) -> {
            long[] l = local.get(t);
            if (l == null || l[0] != d.files() || l[1] != d.rowIds() || l[2] != d.generations()) {
                tenants.add(t);
            }
        });
        local.keySet().stream().filter(t -> !digests.containsKey(t)).forEach(tenants::add);
        int changed = 0;
        for (String tenantId : tenants) {
            changed += reconcile(tenantId);
        }
        if (changed > 0) {
            // The first comparison builds the index: only later ones are repairs of missed announcements.
            if (reconciledAt != null) {
                metrics.knowledgeIndexRepairs.inc(changed);
            }
            LOG.info("Knowledge index caught up: {} file(s) indexed or removed", changed);
        }
        reconciledAt = clock.instant();
        return changed;
    }

    private int reconcile(String tenantId) {
        int changed = 0;
        Set<String> live = new HashSet<>();
        for (StoreFile f : stores.completed(tenantId)) {
            String key = key(f.tenantId(), f.vectorStoreId(), f.fileId());
            live.add(key);
            Held have = held.get(key);
            if (have == null || have.generation() != f.generation() || have.rowId() != f.rowId()) {
                putLocal(f);
                changed++;
            }
        }
        String prefix = tenantId + "/";
        for (String key : Set.copyOf(held.keySet())) {
            if (key.startsWith(prefix) && !live.contains(key)) {
                String[] p = key.split("/", 3);
                removeLocal(IndexScope.file(p[0], p[1], p[2]));
                changed++;
            }
        }
        return changed;
    }

    /**
     * A file's chunks, about to be marked completed: indexed here first, so that once the API says "completed" a
     * search on this replica finds them (search reads hits back only for completed files, so chunks indexed for an
     * ingestion that then fails never show).
     */
    void prepare(StoreFile f, VectorStore store, String filename, List<VectorStores.StoredChunk> chunks) {
        PluginPlatform.LoadedIndex idx = index().orElse(null);
        if (idx == null) {
            return;
        }
        List<IndexedChunk> indexed = chunks.stream()
                .map(c -> new IndexedChunk(c.chunkNo(), c.indexed(), c.vector())).toList();
        plugins.call(idx.pluginId(), "put", () -> {
            idx.index().put(new IndexedFile(f.tenantId(), f.vectorStoreId(), f.fileId(), filename, f.attributes(),
                    store.embeddingKey(), indexed));
            return null;
        });
    }

    /** The ingestion of a prepared file committed as {@code generation}: remembered here, announced to the others. */
    void completed(StoreFile f, int generation) {
        held.put(key(f.tenantId(), f.vectorStoreId(), f.fileId()), new Held(f.rowId(), generation));
        bus.publish(KIND, key(f.tenantId(), f.vectorStoreId(), f.fileId()));
    }

    /** A file's entry changed (its attributes): index it again here and tell the others. */
    void indexed(StoreFile f) {
        if (index().isPresent()) {
            putLocal(stores.file(f.tenantId(), f.vectorStoreId(), f.fileId()).orElse(f));
        }
        bus.publish(KIND, key(f.tenantId(), f.vectorStoreId(), f.fileId()));
    }

    /** A file left a store. */
    void fileRemoved(String tenantId, String storeId, String fileId) {
        removeLocal(IndexScope.file(tenantId, storeId, fileId));
        bus.publish(KIND, key(tenantId, storeId, fileId));
    }

    /** A store was deleted. */
    void storeRemoved(String tenantId, String storeId) {
        removeLocal(IndexScope.store(tenantId, storeId));
        bus.publish(KIND, tenantId + "/" + storeId);
    }

    /** A tenant's knowledge was deleted. */
    public void tenantRemoved(String tenantId) {
        removeLocal(IndexScope.tenant(tenantId));
        bus.publish(KIND, tenantId);
    }

    private void announced(String id) {
        if (!perReplica()) {
            return;
        }
        try {
            String[] p = id.split("/", 3);
            if (p.length == 1) {
                removeLocal(IndexScope.tenant(p[0]));
            } else if (p.length == 2) {
                if (stores.find(p[0], p[1]).isEmpty()) {
                    removeLocal(IndexScope.store(p[0], p[1]));
                }
            } else {
                Optional<StoreFile> f = stores.file(p[0], p[1], p[2]).filter(x -> StoreFile.COMPLETED.equals(
                        x.status()));
                if (f.isPresent()) {
                    Held have = held.get(id);
                    if (have == null || have.generation() != f.get().generation()) {
                        putLocal(f.get());
                    }
                } else if (held.containsKey(id)) {
                    removeLocal(IndexScope.file(p[0], p[1], p[2]));
                }
            }
        } catch (RuntimeException e) {
            // The periodic comparison repairs what an announcement could not.
            LOG.warn("Applying a knowledge index change failed", e);
        }
    }

    private void putLocal(StoreFile f) {
        PluginPlatform.LoadedIndex idx = index().orElse(null);
        if (idx == null) {
            return;
        }
        VectorStore s = stores.find(f.tenantId(), f.vectorStoreId()).orElse(null);
        String filename = files.find(f.tenantId(), f.fileId()).map(KnowledgeFile::filename).orElse(null);
        if (s == null || filename == null) {
            return;
        }
        List<IndexedChunk> chunks = stores.chunks(f.tenantId(), f.vectorStoreId(), f.fileId()).stream()
                .map(c -> new IndexedChunk(c.chunkNo(), c.indexed(), c.vector())).toList();
        plugins.call(idx.pluginId(), "put", () -> {
            idx.index().put(new IndexedFile(f.tenantId(), f.vectorStoreId(), f.fileId(), filename, f.attributes(),
                    s.embeddingKey(), chunks));
            return null;
        });
        held.put(key(f.tenantId(), f.vectorStoreId(), f.fileId()), new Held(f.rowId(), f.generation()));
    }

    private void removeLocal(IndexScope scope) {
        PluginPlatform.LoadedIndex idx = index().orElse(null);
        if (idx != null) {
            plugins.call(idx.pluginId(), "remove", () -> {
                idx.index().remove(scope);
                return null;
            });
        }
        String prefix = scope.fileId() != null ? key(scope.tenantId(), scope.storeId(), scope.fileId())
                : scope.storeId() != null ? scope.tenantId() + "/" + scope.storeId() + "/" : scope.tenantId() + "/";
        held.keySet().removeIf(k -> scope.fileId() != null ? k.equals(prefix) : k.startsWith(prefix));
    }

    static String key(String tenantId, String storeId, String fileId) {
        return tenantId + "/" + storeId + "/" + fileId;
    }
}
