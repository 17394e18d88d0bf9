package io.channelhub.hub.delivery;

import java.time.Instant;

/**
 * One delivery to make: an event for one target. Status: pending, delivering, delivered, dead. {@code id} orders
 * and claims rows inside the hub; {@code deliveryId} is the id callers see ({@code whd_...} for a webhook).
 */
public record OutboxItem(long id, String tenantId, String kind, String targetId, String eventId, String eventType,
                         String payload, String status, int attempts, Instant nextAttemptAt, Integer lastStatusCode,
                         String lastError, Instant createdAt, Instant deliveredAt, String traceParent,
                         String deliveryId) {
}
