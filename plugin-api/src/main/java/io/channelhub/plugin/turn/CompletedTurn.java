package io.channelhub.plugin.turn;

import io.channelhub.plugin.Conversations.MessageView;
import java.time.Instant;
import java.util.Optional;

/**
 * One agent turn as the hub stored it: what the user said and what the agent answered, both as the tenant's
 * redaction rules left them.
 *
 * @param turnId            the stored reply's message id; stable across redeliveries, so a key for what an
 *                          observer writes
 * @param conversationId    the conversation
 * @param agentId           the agent that answered
 * @param channelInstanceId the channel instance the conversation is on; empty for the conversations API
 * @param endUserId         the end user's id on that channel (a phone number, a visitor id) or as the integrator
 *                          named them; empty when unknown
 * @param userMessage       the user's message the agent answered
 * @param reply             the agent's reply
 * @param model             the model that answered (a fallback's, when one did)
 * @param promptTokens      the turn's prompt tokens, over every model call it made
 * @param completionTokens  the turn's completion tokens
 * @param completedAt       when the reply was stored
 * @since 1.4.0
 */
public record CompletedTurn(String turnId, String conversationId, String agentId, Optional<String> channelInstanceId,
                            Optional<String> endUserId, MessageView userMessage, MessageView reply, String model,
                            long promptTokens, long completionTokens, Instant completedAt) {

    /** Empty optionals for absent values. */
    public CompletedTurn {
        channelInstanceId = channelInstanceId == null ? Optional.empty() : channelInstanceId;
        endUserId = endUserId == null ? Optional.empty() : endUserId;
    }
}
