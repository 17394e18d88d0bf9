package io.channelhub.hub.knowledge;

import dev.langchain4j.data.embedding.Embedding;
import dev.langchain4j.data.segment.TextSegment;
import dev.langchain4j.model.embedding.onnx.allminilml6v2.AllMiniLmL6V2EmbeddingModel;
import dev.langchain4j.model.output.Response;
import java.util.ArrayList;
import java.util.List;

/**
 * all-MiniLM-L6-v2 in the process (ONNX Runtime): 384 dimensions, no key, no network. Loaded on first use, since it
 * takes about 90 MB of memory and a second to load, and a hub without knowledge should not pay for it.
 */
final class LocalEmbedder implements Embedder {

    static final String PROVIDER = "local";
    static final String MODEL = "all-minilm-l6-v2";
    static final int DIMENSIONS = 384;

    private volatile AllMiniLmL6V2EmbeddingModel model;

    private AllMiniLmL6V2EmbeddingModel model() {
        AllMiniLmL6V2EmbeddingModel m = model;
        if (m == null) {
            synchronized (this) {
                if (model == null) {
                    Tokens.useWritableCache();
                    // The caller's thread does the work: ingestion and search already run on bounded workers.
                    model = new AllMiniLmL6V2EmbeddingModel(Runnable::run);
                }
                m = model;
            }
        }
        return m;
    }

    @Override
    public Embedded embed(String tenantId, List<String> texts) {
        if (texts.isEmpty()) {
            return new Embedded(List.of(), 0);
        }
        Response<List<Embedding>> out;
        try {
            out = model().embedAll(texts.stream().map(TextSegment::from).toList());
        } catch (RuntimeException | LinkageError e) {
            throw new EmbeddingFailed("embedding_error", "the in-process embedding model failed", false, e);
        }
        List<float[]> vectors = new ArrayList<>(out.content().size());
        out.content().forEach(e -> vectors.add(Embedder.normalized(e.vector())));
        // The model counted the tokens it read: no second pass of the tokenizer over the same texts.
        Integer used = out.tokenUsage() == null ? null : out.tokenUsage().inputTokenCount();
        return new Embedded(vectors, used == null ? 0 : used);
    }
}
