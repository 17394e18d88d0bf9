package io.channelhub.hub.knowledge;

import io.channelhub.plugin.knowledge.IndexQuery;
import java.util.ArrayList;
import java.util.List;
import java.util.function.UnaryOperator;

/**
 * The retrieval step of an agent's turn: the passages of the agent's vector stores that best match what the user
 * just said, within a token budget, as a block of context the model is told to answer from and cite, and the
 * citations that go with the reply. Works for every model, since the passages travel in the prompt.
 */
public class Retrieval {

    /** What retrieval adds to a turn: the context block (null when nothing was found) and its citations. */
    public record Grounding(String context, List<Citation> citations) {
        public static final Grounding NONE = new Grounding(null, List.of());
    }

    private final VectorStores stores;
    private final KnowledgeSearch search;
    private final KnowledgeConfig config;
    private final java.time.Clock clock;

    public Retrieval(VectorStores stores, KnowledgeSearch search, KnowledgeConfig config, java.time.Clock clock) {
        this.clock = clock;
        this.stores = stores;
        this.search = search;
        this.config = config;
    }

    /**
     * Passages of {@code storeIds} for {@code query}; {@code redact} applies the tenant's redaction to each passage
     * before it goes into a prompt. Stores that no longer exist are skipped.
     */
    public Grounding ground(String tenantId, List<String> storeIds, String query, UnaryOperator<String> redact) {
        if (storeIds == null || storeIds.isEmpty() || query == null || query.isBlank()) {
            return Grounding.NONE;
        }
        java.time.Instant now = clock.instant();
        // An expired store is not searched (the API says so with 409; a turn just goes without it).
        List<VectorStore> searched = stores.find(tenantId, storeIds).stream().filter(s -> !s.expired(now)).toList();
        if (searched.isEmpty()) {
            return Grounding.NONE;
        }
        List<KnowledgeSearch.Hit> hits = search.search(tenantId, searched, query, config.getRetrievalTopK(), null,
                IndexQuery.Mode.HYBRID, 0.0);
        StringBuilder context = new StringBuilder();
        List<Citation> citations = new ArrayList<>();
        long budget = config.getRetrievalMaxTokens();
        for (KnowledgeSearch.Hit h : hits) {
            if (h.tokens() > budget) {
                continue;
            }
            budget -= h.tokens();
            int n = citations.size() + 1;
            citations.add(new Citation(n, h.fileId(), h.filename(), h.vectorStoreId(), h.chunkIndex(), h.score()));
            context.append('[').append(n).append("] (").append(h.filename()).append(")\n")
                    .append(redact.apply(h.text())).append("\n\n");
        }
        if (citations.isEmpty()) {
            return Grounding.NONE;
        }
        String block = "Answer from these excerpts of the company's documents when they are relevant, and cite them"
                + " as [1], [2], ... If they do not contain the answer, say you do not know rather than guessing.\n\n"
                + context.toString().strip();
        return new Grounding(block, List.copyOf(citations));
    }
}
