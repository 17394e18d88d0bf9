package io.channelhub.hub.knowledge;

import com.fasterxml.jackson.annotation.JsonProperty;
import io.dropwizard.util.DataSize;
import io.dropwizard.util.Duration;
import jakarta.validation.Valid;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;

/** Files, vector stores, ingestion and retrieval. */
public class KnowledgeConfig {

    /** The largest file a tenant may upload. */
    @NotNull
    @JsonProperty
    private DataSize maxFileSize = DataSize.mebibytes(64);

    /** Text kept from one file after extraction; the rest is cut (and the file says so in its status). */
    @Min(1000)
    @JsonProperty
    private int maxExtractedCharacters = 5_000_000;

    /** The embedding model of a store created without one: in-process, so knowledge works with no key. */
    @Valid
    @NotNull
    @JsonProperty
    private Embedding defaultEmbedding = new Embedding();

    /** The index plugin to use by its id ({@code lucene}); empty: the only one installed. */
    @NotNull
    @JsonProperty
    private String index = "";

    /** Files ingested at once on this replica (each takes a core while it embeds in-process). */
    @Min(1)
    @Max(64)
    @JsonProperty
    private int ingestionWorkers = 1;

    /** How long a replica holds a file it ingests before another may take it over. */
    @NotNull
    @JsonProperty
    private Duration ingestionLease = Duration.minutes(10);

    /** How often the queue is polled for files another replica queued (this replica's own start at once). */
    @NotNull
    @JsonProperty
    private Duration pollInterval = Duration.seconds(2);

    /** How often this replica's index is compared with the database, for changes it missed. */
    @NotNull
    @JsonProperty
    private Duration reconcileInterval = Duration.seconds(30);

    /** Attempts at one file before it is failed with server_error. */
    @Min(1)
    @Max(20)
    @JsonProperty
    private int maxAttempts = 3;

    /** Retrieval in a turn: how many chunks at most. */
    @Min(1)
    @Max(50)
    @JsonProperty
    private int retrievalTopK = 5;

    /** Retrieval in a turn: the prompt tokens the chunks may take at most. */
    @Min(50)
    @JsonProperty
    private int retrievalMaxTokens = 2000;

    public DataSize getMaxFileSize() {
        return maxFileSize;
    }

    public int getMaxExtractedCharacters() {
        return maxExtractedCharacters;
    }

    public Embedding getDefaultEmbedding() {
        return defaultEmbedding;
    }

    public String getIndex() {
        return index;
    }

    public int getIngestionWorkers() {
        return ingestionWorkers;
    }

    public Duration getIngestionLease() {
        return ingestionLease;
    }

    public Duration getPollInterval() {
        return pollInterval;
    }

    public Duration getReconcileInterval() {
        return reconcileInterval;
    }

    public int getMaxAttempts() {
        return maxAttempts;
    }

    public int getRetrievalTopK() {
        return retrievalTopK;
    }

    public int getRetrievalMaxTokens() {
        return retrievalMaxTokens;
    }

    /** An embedding model: {@code local} (in-process) or a model provider id, and the model's name. */
    public static class Embedding {
        @NotBlank
        @JsonProperty
        private String provider = LocalEmbedder.PROVIDER;
        @NotBlank
        @JsonProperty
        private String model = LocalEmbedder.MODEL;

        public String getProvider() {
            return provider;
        }

        public String getModel() {
            return model;
        }
    }
}
