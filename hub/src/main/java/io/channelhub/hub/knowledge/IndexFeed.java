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
    /** What this replica's index holds: tenant/store/file → generation. */
    private final Map<String, Integer> held = new ConcurrentHashMap<>();
    private ScheduledExecutorService timer;

    public IndexFeed(PluginPlatform plugins, String configured, VectorStores stores, KnowledgeFiles files,
                     ChangeBus bus, Duration every) {
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

    /** Compares what this replica's index holds with the database and fixes the difference. */
    public int reconcile() {
        if (index().isEmpty() || !perReplica()) {
            return 0;
        }
        int changed = 0;
        Set<String> live = new HashSet<>();
        for (StoreFile f : stores.completed()) {
            String key = key(f.tenantId(), f.vectorStoreId(), f.fileId());
            live.add(key);
            Integer have = held.get(key);
            if (have == null || have != f.generation()) {
                putLocal(f);
                changed++;
            }
        }
        for (String key : Set.copyOf(held.keySet())) {
            if (!live.contains(key)) {
                String[] p = key.split("/", 3);
                removeLocal(IndexScope.file(p[0], p[1], p[2]));
                changed++;
            }
        }
        if (changed > 0) {
            LOG.info("Knowledge index caught up: {} file(s) indexed or removed", changed);
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
        held.put(key(f.tenantId(), f.vectorStoreId(), f.fileId()), generation);
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
                    Integer have = held.get(id);
                    if (have == null || have != f.get().generation()) {
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
        held.put(key(f.tenantId(), f.vectorStoreId(), f.fileId()), f.generation());
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
