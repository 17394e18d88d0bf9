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
    private final Embedders embedders;
    private final IndexFeed feed;
    private final PluginPlatform plugins;
    private final UsageLedger ledger;

    public KnowledgeSearch(VectorStores stores, Embedders embedders, IndexFeed feed,
                           PluginPlatform plugins, UsageLedger ledger) {
        this.stores = stores;
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
        // Through the spool, as API requests are: a search must not wait on a ledger write.
        ledger.recordBatched(new UsageLedger.UsageEvent(tenantId, "knowledge.searches", 1, "search", null, null, null,
                null, "search:" + Ids.newId("srch")));
        List<IndexHit> best = hits.stream().filter(h -> h.score() >= minScore)
                .sorted(Comparator.comparingDouble(IndexHit::score).reversed()).limit(limit).toList();
        if (best.isEmpty()) {
            return List.of();
        }
        Map<String, VectorStores.FoundChunk> found = stores.found(tenantId, best.stream()
                .map(h -> new String[] {h.storeId(), h.fileId(), Integer.toString(h.chunkIndex())}).toList());
        List<Hit> out = new ArrayList<>();
        for (IndexHit h : best) {
            VectorStores.FoundChunk f = found.get(VectorStores.key(h.storeId(), h.fileId(), h.chunkIndex()));
            if (f == null) {
                // The index still holds what the database no longer does (a file removed a moment ago).
                continue;
            }
            out.add(new Hit(h.storeId(), h.fileId(), f.filename(), h.chunkIndex(), Math.min(1.0, Math.max(0.0,
                    h.score())), f.chunk().text(), f.chunk().tokens(), f.attributes()));
        }
        searched.forEach(stores::touch);
        return out;
    }
}
