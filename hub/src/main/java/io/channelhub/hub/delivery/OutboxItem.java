package io.channelhub.hub.delivery;

import java.time.Instant;

/** One delivery to make: an event for one target. Status: pending, delivering, delivered, dead. */
public record OutboxItem(long id, String tenantId, String kind, String targetId, String eventId, String eventType,
                         String payload, String status, int attempts, Instant nextAttemptAt, Integer lastStatusCode,
                         String lastError, Instant createdAt, Instant deliveredAt, String traceParent) {
}
