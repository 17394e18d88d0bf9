package io.channelhub.hub.conversations;

import java.time.Instant;
import java.util.Map;

/**
 * A conversation between an end user and an agent, through the API or a channel instance. {@code handoff}: null while
 * the agent answers; otherwise a person was asked for or holds it ({@link Handoff}).
 */
public record Conversation(String id, String tenantId, String agentId, String channelInstanceId, String endUserId,
                           String title, Map<String, Object> metadata, String status, String ownerPrincipalId,
                           Instant createdAt, Instant updatedAt, Instant lastMessageAt, Handoff handoff) {

    /** A new conversation, answered by its agent. */
    public Conversation(String id, String tenantId, String agentId, String channelInstanceId, String endUserId,
                        String title, Map<String, Object> metadata, String status, String ownerPrincipalId,
                        Instant createdAt, Instant updatedAt, Instant lastMessageAt) {
        this(id, tenantId, agentId, channelInstanceId, endUserId, title, metadata, status, ownerPrincipalId, createdAt,
                updatedAt, lastMessageAt, null);
    }

    /** Whether the agent answers the end user's messages (no person was asked for, none holds it). */
    public boolean agentAnswers() {
        return handoff == null;
    }
}
