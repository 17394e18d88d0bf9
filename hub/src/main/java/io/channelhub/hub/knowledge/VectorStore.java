package io.channelhub.hub.knowledge;

import java.time.Instant;
import java.util.Map;

/**
 * A named set of files, chunked and embedded by one embedding model, searchable as one.
 *
 * @param expiresAfterDays days after its last activity that it expires; null: never
 */
public record VectorStore(String id, String tenantId, String name, String description, Map<String, String> metadata,
                          String embeddingProvider, String embeddingModel, String ownerPrincipalId,
                          Integer expiresAfterDays, Instant createdAt, Instant lastActiveAt, Instant expiresAt) {

    /** The model's name as the index knows it: vectors of different keys are never compared. */
    public String embeddingKey() {
        return embeddingProvider + "/" + embeddingModel;
    }

    public boolean expired(Instant now) {
        return expiresAt != null && expiresAt.isBefore(now);
    }
}
