package io.channelhub.hub.knowledge;

import java.time.Instant;

/**
 * A file a tenant uploaded (OpenAI's Files API): its bytes are in the database, in parts.
 *
 * @param contentType the type sniffed from its bytes
 */
public record KnowledgeFile(String id, String tenantId, String filename, String purpose, String contentType,
                            long bytes, String sha256, String ownerPrincipalId, Instant createdAt,
                            Instant expiresAt) {
}
