package io.channelhub.plugin.knowledge;

import java.util.List;

/**
 * A search in some of one tenant's stores.
 *
 * <pre>{@code
 * new IndexQuery("ten_1", List.of("vs_1"), "opening hours", vector, "all-minilm-l6-v2", 5,
 *         AttributeFilter.eq("region", "south"), IndexQuery.Mode.HYBRID)
 * }</pre>
 *
 * @param tenantId       the tenant
 * @param storeIds       the stores to search (at least one)
 * @param text           the query text, for keyword search
 * @param vector         the query's embedding by {@code embeddingModel}, for vector search; null in keyword mode
 * @param embeddingModel the model of {@code vector}; only vectors of this model are compared
 * @param limit          at most this many hits
 * @param filter         on the files' attributes; null: none
 * @param mode           keyword (BM25), vector (nearest neighbours) or both fused
 * @since 1.3.0
 */
public record IndexQuery(String tenantId, List<String> storeIds, String text, float[] vector, String embeddingModel,
                         int limit, AttributeFilter filter, Mode mode) {

    /** How to rank. */
    public enum Mode {
        /** Keyword (BM25) and vector results fused: the default. */
        HYBRID,
        /** Keyword (BM25) only. */
        KEYWORD,
        /** Vector nearest neighbours only. */
        VECTOR
    }

    /** Copies the list. */
    public IndexQuery {
        storeIds = List.copyOf(storeIds);
        if (limit < 1) {
            throw new IllegalArgumentException("limit must be positive");
        }
    }
}
