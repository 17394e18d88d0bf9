package io.channelhub.hub.conversations;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonNaming;
import io.swagger.v3.oas.annotations.media.Schema;
import io.channelhub.plugin.model.ModelMessage;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/** Wire shapes of the conversation API. */
public final class ConversationViews {

    private ConversationViews() {
    }

    /**
     * A conversation. {@code annotations} are what plugins noted about it (turn observers: a lead score, a tag), by
     * plugin and name; the integrator's own notes are {@code metadata}.
     */
    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    public record ConversationView(String id, String agentId, String channelInstanceId, String endUserId,
                                   String title, Map<String, Object> metadata, String status, Instant createdAt,
                                   Instant updatedAt, Instant lastMessageAt,
                                   Map<String, Map<String, String>> annotations,
                                   @Schema(description = "Null while the agent answers; otherwise a person was asked "
                                           + "for (waiting) or holds the conversation (human)") HandoffView handoff) {
        /** A conversation just created or changed by the hub: no plugin has noted anything about it in this view. */
        public static ConversationView of(Conversation c) {
            return of(c, Map.of());
        }

        public static ConversationView of(Conversation c, Map<String, Map<String, String>> annotations) {
            return new ConversationView(c.id(), c.agentId(), c.channelInstanceId(), c.endUserId(), c.title(),
                    c.metadata(), c.status(), c.createdAt(), c.updatedAt(), c.lastMessageAt(),
                    annotations == null ? Map.of() : annotations, HandoffView.of(c.handoff()));
        }
    }

    /** A conversation's human takeover: who asked, why, who holds it and since when. */
    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    public record HandoffView(@Schema(allowableValues = {"waiting", "human"}) String state,
                              @Schema(description = "visitor, agent, api:<principal> or plugin:<id>") String requestedBy,
                              String reason, String holderId, String holderName, Instant since) {
        public static HandoffView of(Handoff h) {
            return h == null ? null : new HandoffView(h.state(), h.requestedBy(), h.reason(), h.holderId(),
                    h.holderName(), h.since());
        }
    }

    /** A tool call in OpenAI's shape. */
    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    public record ToolCallView(String id, String type, Function function) {
        public record Function(String name, String arguments) {
        }

        static ToolCallView of(ModelMessage.ToolCall c) {
            return new ToolCallView(c.id(), "function", new Function(c.name(), c.arguments()));
        }
    }

    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    public record Usage(long promptTokens, long completionTokens) {
    }

    /** A file attached to a message, as the hub stores it. */
    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record AttachmentView(@Schema(description = "The hub's media id (med_...)") String id,
                                 String contentType, String fileName, long sizeBytes) {
        static AttachmentView of(ConversationRepository.Attachment a) {
            return new AttachmentView(a.id(), a.contentType(), a.fileName(), a.sizeBytes());
        }
    }

    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    @JsonInclude(JsonInclude.Include.NON_EMPTY)
    public record MessageView(String id, String conversationId, String role,
                              @JsonInclude(JsonInclude.Include.ALWAYS)
                              @Schema(description = "What the message is", allowableValues = {"text", "image",
                                      "audio", "video", "document", "sticker", "location", "contacts", "interactive",
                                      "reaction", "template", "other"}) String type,
                              String content,
                              @JsonInclude(JsonInclude.Include.ALWAYS)
                              @Schema(description = "Files attached to the message (media the hub stored)")
                              List<AttachmentView> attachments,
                              List<ToolCallView> toolCalls, String toolCallId, String status, String model,
                              Usage usage,
                              @Schema(description = "Why it failed or was not answered: the hub's code or the "
                                      + "channel's (WhatsApp: Meta's numeric error code)") String errorCode,
                              @Schema(description = "The channel's title of the error, as it gave it")
                              String errorTitle,
                              @Schema(description = "The channel's details of the error (WhatsApp: "
                                      + "error_data.details)") String errorDetails,
                              Instant createdAt,
                              @Schema(description = "The passages of the agent's knowledge the reply was grounded on")
                              List<io.channelhub.hub.knowledge.Citation> citations,
                              @Schema(description = "The person who wrote this reply while they held the "
                                      + "conversation; absent on the agent's replies") String authorName) {
        public static MessageView of(Message m) {
            return m == null ? null : of(m, List.of());
        }

        public static MessageView of(Message m, List<ConversationRepository.Attachment> files) {
            Usage u = m.promptTokens() == null ? null : new Usage(m.promptTokens(),
                    m.completionTokens() == null ? 0 : m.completionTokens());
            return new MessageView(m.id(), m.conversationId(), m.role(), m.kind() == null ? Message.TEXT : m.kind(),
                    m.content(), files.stream().map(AttachmentView::of).toList(),
                    m.toolCalls().stream().map(ToolCallView::of).toList(), m.toolCallId(), m.status(), m.model(), u,
                    m.errorCode(), m.errorTitle(), m.errorDetails(), m.createdAt(),
                    m.citations().isEmpty() ? null : m.citations(), m.authorName());
        }
    }

    /** The answer to a posted message; {@code reply} is null while a person holds the conversation. */
    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    public record TurnView(MessageView message, MessageView reply, Usage usage) {
        public static TurnView of(TurnService.Result r) {
            return new TurnView(MessageView.of(r.user()), MessageView.of(r.reply()),
                    new Usage(r.promptTokens(), r.completionTokens()));
        }
    }

    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    public record CreateConversation(String agentId, String agent, String endUserId, String title,
                                     Map<String, Object> metadata) {
    }

    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    public record PostMessage(String content, String role, String toolCallId, Boolean stream, String externalId) {
    }
}
