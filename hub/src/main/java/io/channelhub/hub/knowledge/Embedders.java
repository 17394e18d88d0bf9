package io.channelhub.hub.knowledge;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.channelhub.hub.errors.Failure;
import io.channelhub.hub.llm.ModelGateway;
import java.net.http.HttpClient;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/** The embedding model of each store: the in-process one, or a provider's over its OpenAI-compatible endpoint. */
public class Embedders {

    private final LocalEmbedder local;
    private final ModelGateway models;
    private final ObjectMapper json;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10))
            .followRedirects(HttpClient.Redirect.NEVER).build();
    private final Map<String, Embedder> byKey = new ConcurrentHashMap<>();

    public Embedders(ModelGateway models, ObjectMapper json) {
        this.local = new LocalEmbedder();
        this.models = models;
        this.json = json;
    }

    /** Throws a 422 naming the problem when a store may not use this model. */
    public void check(String provider, String model) {
        if (LocalEmbedder.PROVIDER.equals(provider)) {
            if (!LocalEmbedder.MODEL.equals(model)) {
                throw Failure.invalid("invalid_embedding_model", "the local provider has one model: "
                        + LocalEmbedder.MODEL, Map.of("field", "embedding.model"));
            }
            return;
        }
        if (!models.providerIds().contains(provider)) {
            throw Failure.invalid("invalid_embedding_model", "unknown model provider '" + provider + "'",
                    Map.of("field", "embedding.provider"));
        }
        if (model == null || model.isBlank() || model.length() > 200) {
            throw Failure.invalid("invalid_embedding_model", "name the provider's embedding model",
                    Map.of("field", "embedding.model"));
        }
    }

    Embedder of(VectorStore s) {
        return of(s.embeddingProvider(), s.embeddingModel());
    }

    Embedder of(String provider, String model) {
        if (LocalEmbedder.PROVIDER.equals(provider)) {
            return local;
        }
        return byKey.computeIfAbsent(provider + "/" + model, k -> new ProviderEmbedder(models, http, json, provider,
                model));
    }

    /** Chunking when a file is added with {@code auto}: what suits the store's model. */
    static int[] autoChunking(VectorStore s) {
        // The local model reads at most 256 word pieces; OpenAI's documented default for its own is 800 / 400.
        return LocalEmbedder.PROVIDER.equals(s.embeddingProvider()) ? new int[] {256, 64} : new int[] {800, 400};
    }
}
