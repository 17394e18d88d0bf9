package io.channelhub.hub.conversations;

import io.channelhub.plugin.model.ModelMessage;
import java.time.Instant;
import java.util.List;

/**
 * One stored message. Status: {@code received} (a user message), {@code unanswered} (a channel message the agent
 * may not answer, {@code errorCode} says why), {@code completed}, {@code requires_action} (the model called tools
 * nobody in the hub handles), {@code failed}; a channel's outbound message then moves through {@code sent},
 * {@code delivered}, {@code read} or {@code failed}. Kind: what the message is ({@code text}, {@code image},
 * {@code location}, {@code interactive}, {@code template}, ...). {@code errorTitle} and {@code errorDetails} are the
 * channel's own words on a failure.
 */
public record Message(long seq, String id, String tenantId, String conversationId, String role, String content,
                      List<ModelMessage.ToolCall> toolCalls, String toolCallId, String status, String externalId,
                      String model, Long promptTokens, Long completionTokens, String errorCode, Instant createdAt,
                      Instant completedAt, String kind, String errorTitle, String errorDetails) {

    public static final String TEXT = "text";

    /** A text message without the channel's error words. */
    public Message(long seq, String id, String tenantId, String conversationId, String role, String content,
                   List<ModelMessage.ToolCall> toolCalls, String toolCallId, String status, String externalId,
                   String model, Long promptTokens, Long completionTokens, String errorCode, Instant createdAt,
                   Instant completedAt) {
        this(seq, id, tenantId, conversationId, role, content, toolCalls, toolCallId, status, externalId, model,
                promptTokens, completionTokens, errorCode, createdAt, completedAt, TEXT, null, null);
    }

    /** The same message of another kind. */
    public Message withKind(String k) {
        return new Message(seq, id, tenantId, conversationId, role, content, toolCalls, toolCallId, status,
                externalId, model, promptTokens, completionTokens, errorCode, createdAt, completedAt,
                k == null ? TEXT : k, errorTitle, errorDetails);
    }
}
