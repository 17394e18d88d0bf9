package io.channelhub.hub.knowledge;

import io.channelhub.hub.errors.Failure;
import io.channelhub.hub.metering.UsageLedger;
import io.channelhub.hub.persistence.Ids;
import io.channelhub.hub.plugins.PluginPlatform;
import io.channelhub.plugin.knowledge.AttributeFilter;
import io.channelhub.plugin.knowledge.IndexHit;
import io.channelhub.plugin.knowledge.IndexQuery;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * Searches a tenant's vector stores: the query embedded once per embedding model among the stores, the index asked
 * (hybrid by default), and the hits read back from the database, which drops any the index still held after a
 * change and gives the text, the file's name and its attributes. Each search is metered
 * ({@code knowledge.searches}).
 */
public class KnowledgeSearch {

    /** One passage found. */
    public record Hit(String vectorStoreId, String fileId, String filename, int chunkIndex, double score,
                      String text, int tokens, Map<String, Object> attributes) {
    }

    private final VectorStores stores;
    private final KnowledgeFiles files;
    private final Embedders embedders;
    private final IndexFeed feed;
    private final PluginPlatform plugins;
    private final UsageLedger ledger;

    public KnowledgeSearch(VectorStores stores, KnowledgeFiles files, Embedders embedders, IndexFeed feed,
                           PluginPlatform plugins, UsageLedger ledger) {
        this.stores = stores;
        this.files = files;
        this.embedders = embedders;
        this.feed = feed;
        this.plugins = plugins;
        this.ledger = ledger;
    }

    /**
     * The best {@code limit} passages of {@code query} in {@code searched} (stores of one tenant), with a score of at
     * least {@code minScore}, best first.
     */
    public List<Hit> search(String tenantId, List<VectorStore> searched, String query, int limit,
                            AttributeFilter filter, IndexQuery.Mode mode, double minScore) {
        if (searched.isEmpty() || query == null || query.isBlank()) {
            return List.of();
        }
        PluginPlatform.LoadedIndex idx = feed.require();
        Map<String, List<VectorStore>> byModel = searched.stream().collect(Collectors.groupingBy(
                VectorStore::embeddingKey, LinkedHashMap::new, Collectors.toList()));
        List<IndexHit> hits = new ArrayList<>();
        for (List<VectorStore> group : byModel.values()) {
            VectorStore first = group.get(0);
            float[] vector = null;
            if (mode != IndexQuery.Mode.KEYWORD) {
                try {
                    vector = embedders.of(first).embed(tenantId, List.of(query)).vectors().get(0);
                } catch (Embedder.EmbeddingFailed e) {
                    throw Failure.upstreamFailed(e.code(), "the query could not be embedded: " + e.getMessage(),
                            Map.of("vector_store_id", first.id()));
                }
            }
            IndexQuery q = new IndexQuery(tenantId, VectorStores.storeIds(group), query, vector, first.embeddingKey(),
                    limit, filter, mode);
            hits.addAll(plugins.call(idx.pluginId(), "search", () -> idx.index().search(q)));
        }
        ledger.record(new UsageLedger.UsageEvent(tenantId, "knowledge.searches", 1, "search", null, null, null, null,
                "search:" + Ids.newId("srch")));
        List<IndexHit> best = hits.stream().filter(h -> h.score() >= minScore)
                .sorted(Comparator.comparingDouble(IndexHit::score).reversed()).limit(limit).toList();
        if (best.isEmpty()) {
            return List.of();
        }
        Map<String, VectorStores.StoredChunk> texts = stores.texts(tenantId, best.stream()
                .map(h -> new String[] {h.storeId(), h.fileId(), Integer.toString(h.chunkIndex())}).toList());
        Map<String, String> names = new LinkedHashMap<>();
        files.find(tenantId, best.stream().map(IndexHit::fileId).distinct().toList())
                .forEach(f -> names.put(f.id(), f.filename()));
        Map<String, Map<String, Object>> attributes = new LinkedHashMap<>();
        List<Hit> out = new ArrayList<>();
        for (IndexHit h : best) {
            VectorStores.StoredChunk c = texts.get(VectorStores.key(h.storeId(), h.fileId(), h.chunkIndex()));
            String name = names.get(h.fileId());
            if (c == null || name == null) {
                continue;
            }
            Map<String, Object> attrs = attributes.computeIfAbsent(h.storeId() + "/" + h.fileId(), k -> stores
                    .file(tenantId, h.storeId(), h.fileId()).map(StoreFile::attributes).orElse(Map.of()));
            out.add(new Hit(h.storeId(), h.fileId(), name, h.chunkIndex(), Math.min(1.0, Math.max(0.0, h.score())),
                    c.text(), c.tokens(), attrs));
        }
        searched.forEach(stores::touch);
        return out;
    }
}
