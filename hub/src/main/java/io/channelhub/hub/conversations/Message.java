package io.channelhub.hub.conversations;

import io.channelhub.plugin.model.ModelMessage;
import java.time.Instant;
import java.util.List;

/**
 * One stored message. Status: {@code received} (a user message), {@code completed}, {@code requires_action}
 * (the model called tools nobody in the hub handles), {@code failed}.
 */
public record Message(long seq, String id, String tenantId, String conversationId, String role, String content,
                      List<ModelMessage.ToolCall> toolCalls, String toolCallId, String status, String externalId,
                      String model, Long promptTokens, Long completionTokens, String errorCode, Instant createdAt,
                      Instant completedAt) {
}
