package io.channelhub.hub.knowledge;

import java.time.Instant;
import java.util.Map;

/**
 * A file in a vector store and where its ingestion stands: {@code in_progress} (queued or running),
 * {@code completed}, {@code failed} (with a code and reason) or {@code cancelled}.
 *
 * @param generation grows with each completed ingestion; an index holding an older one is behind
 */
public record StoreFile(long rowId, String tenantId, String vectorStoreId, String fileId, String status,
                        String lastErrorCode, String lastErrorMessage, Map<String, Object> attributes,
                        int chunkMaxTokens, int chunkOverlapTokens, boolean chunkingAuto, int chunkCount,
                        long usageBytes, int generation, int attempts, Instant createdAt, Instant updatedAt) {

    public static final String IN_PROGRESS = "in_progress";
    public static final String COMPLETED = "completed";
    public static final String FAILED = "failed";
    public static final String CANCELLED = "cancelled";
}
