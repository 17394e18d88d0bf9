package io.channelhub.hub.conversations;

import java.time.Instant;
import java.util.Map;

/** A conversation between an end user and an agent, through the API or a channel instance. */
public record Conversation(String id, String tenantId, String agentId, String channelInstanceId, String endUserId,
                           String title, Map<String, Object> metadata, String status, String ownerPrincipalId,
                           Instant createdAt, Instant updatedAt, Instant lastMessageAt) {
}
