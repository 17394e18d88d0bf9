package io.channelhub.hub.audit;

import java.time.Instant;
import java.util.Map;

/**
 * One audited action. {@code summary} describes the change without secrets (setting values of secret settings
 * are never included, only their names).
 */
public record AuditEntry(long id, String tenantId, String actorKeyId, String actorRole, String action,
                         String resourceType, String resourceId, String outcome, Map<String, Object> summary,
                         String traceId, Instant createdAt) {
}
