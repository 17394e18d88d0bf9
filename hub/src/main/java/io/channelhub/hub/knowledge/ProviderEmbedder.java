package io.channelhub.hub.knowledge;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.channelhub.hub.llm.ModelGateway;
import io.channelhub.hub.observability.Tracing;
import io.channelhub.plugin.Settings;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * OpenAI's {@code POST /embeddings} on the tenant's endpoint of a model provider (OpenAI, Azure-style gateways,
 * Ollama, vLLM, LiteLLM: anything OpenAI-compatible), with the tenant's credentials as the gateway resolves them.
 * A tenant without credentials for the provider gets a clear refusal, never the operator's key sent elsewhere.
 */
final class ProviderEmbedder implements Embedder {

    /** Inputs per request: OpenAI takes up to 2,048; smaller batches keep one failure cheap. */
    static final int BATCH = 64;

    private final ModelGateway models;
    private final HttpClient http;
    private final ObjectMapper json;
    private final String provider;
    private final String model;

    ProviderEmbedder(ModelGateway models, HttpClient http, ObjectMapper json, String provider, String model) {
        this.models = models;
        this.http = http;
        this.json = json;
        this.provider = provider;
        this.model = model;
    }

    @Override
    public Embedded embed(String tenantId, List<String> texts) {
        ModelGateway.Resolved r;
        try {
            r = models.resolve(tenantId, provider);
        } catch (RuntimeException e) {
            throw new EmbeddingFailed("embedding_not_configured", "model provider '" + provider
                    + "' is not available", false, e);
        }
        if ("demo".equals(r.endpoint())) {
            throw new EmbeddingFailed("embedding_not_configured", "no credentials for model provider '" + provider
                    + "': set them with PUT /v1/model-providers/" + provider + ", or use the local embedding model",
                    false, null);
        }
        List<float[]> vectors = new ArrayList<>(texts.size());
        long tokens = 0;
        for (int from = 0; from < texts.size(); from += BATCH) {
            List<String> batch = texts.subList(from, Math.min(texts.size(), from + BATCH));
            JsonNode body = call(r.settings(), batch);
            JsonNode data = body.path("data");
            if (!data.isArray() || data.size() != batch.size()) {
                throw new EmbeddingFailed("embedding_error", "the embedding endpoint returned "
                        + data.size() + " vectors for " + batch.size() + " inputs", true, null);
            }
            float[][] ordered = new float[batch.size()][];
            for (JsonNode d : data) {
                int i = d.path("index").asInt(-1);
                JsonNode e = d.path("embedding");
                if (i < 0 || i >= ordered.length || !e.isArray() || e.isEmpty()) {
                    throw new EmbeddingFailed("embedding_error", "the embedding endpoint returned a malformed vector",
                            true, null);
                }
                float[] v = new float[e.size()];
                for (int k = 0; k < v.length; k++) {
                    v[k] = (float) e.get(k).asDouble();
                }
                ordered[i] = Embedder.normalized(v);
            }
            for (float[] v : ordered) {
                if (v == null) {
                    throw new EmbeddingFailed("embedding_error", "the embedding endpoint skipped an input", true, null);
                }
                vectors.add(v);
            }
            tokens += body.path("usage").path("prompt_tokens").asLong(0);
        }
        return new Embedded(vectors, tokens);
    }

    private JsonNode call(Settings s, List<String> batch) {
        String base = io.channelhub.hub.llm.OpenAiHttpProvider.baseUrl(s);
        ObjectNode body = json.createObjectNode().put("model", model).put("encoding_format", "float");
        batch.forEach(body.withArray("input")::add);
        URI uri = URI.create(base + "/embeddings");
        HttpRequest.Builder b = HttpRequest.newBuilder(uri)
                .timeout(Duration.ofMillis(s.getLong("timeout_ms").orElse(60_000L)))
                .version("https".equalsIgnoreCase(uri.getScheme()) ? HttpClient.Version.HTTP_2
                        : HttpClient.Version.HTTP_1_1)
                .header("Authorization", "Bearer " + s.get("api_key").orElse("none"))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofByteArray(body.toString().getBytes(
                        java.nio.charset.StandardCharsets.UTF_8)));
        s.get("organization").filter(o -> !o.isEmpty()).ifPresent(o -> b.header("OpenAI-Organization", o));
        for (Map.Entry<String, String> h : Tracing.headers(io.opentelemetry.context.Context.current()).entrySet()) {
            b.header(h.getKey(), h.getValue());
        }
        HttpResponse<byte[]> res;
        try {
            res = http.send(b.build(), HttpResponse.BodyHandlers.ofByteArray());
        } catch (IOException e) {
            throw new EmbeddingFailed("embedding_unavailable", "the embedding endpoint could not be reached", true, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new EmbeddingFailed("embedding_unavailable", "interrupted", true, e);
        }
        int status = res.statusCode();
        if (status / 100 != 2) {
            String detail = "";
            try {
                detail = json.readTree(res.body()).path("error").path("message").asText("");
            } catch (IOException ignored) {
                // Not JSON: the status says enough.
            }
            boolean retryable = status == 429 || status >= 500;
            String code = status == 401 || status == 403 ? "embedding_unauthorized"
                    : status == 429 ? "embedding_rate_limited" : retryable ? "embedding_unavailable"
                    : "embedding_refused";
            throw new EmbeddingFailed(code, "the embedding endpoint answered " + status
                    + (detail.isEmpty() ? "" : ": " + abbreviate(detail)), retryable, null);
        }
        try {
            return json.readTree(res.body());
        } catch (IOException e) {
            throw new EmbeddingFailed("embedding_error", "the embedding endpoint returned invalid JSON", true, e);
        }
    }

    private static String abbreviate(String s) {
        return s.length() > 200 ? s.substring(0, 200) + "…" : s;
    }
}
