package io.channelhub.hub.leads;

import java.time.Instant;

/** A sales lead found in a conversation (see {@link LeadBook}). */
public record Lead(String id, String tenantId, String conversationId, String channelInstanceId, String endUserId,
                   String sourcePlugin, String intent, int score, String stage, String name, String email,
                   String phone, String company, String role, String summary, String ownerPrincipalId,
                   Instant qualifiedAt, Instant createdAt, Instant updatedAt) {
}
