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
 * channel's own words on a failure. {@code authorName}: the person who wrote an assistant message while they held the
 * conversation (human takeover); null for the agent's replies and for every other role.
 */
public record Message(long seq, String id, String tenantId, String conversationId, String role, String content,
                      List<ModelMessage.ToolCall> toolCalls, String toolCallId, String status, String externalId,
                      String model, Long promptTokens, Long completionTokens, String errorCode, Instant createdAt,
                      Instant completedAt, String kind, String errorTitle, String errorDetails,
                      List<io.channelhub.hub.knowledge.Citation> citations, String authorName) {

    /** No citations: an empty list, never null. */
    public Message {
        citations = citations == null ? List.of() : List.copyOf(citations);
    }

    public static final String TEXT = "text";

    /**
     * What the hub writes in {@code status}. The field stays text: a row written by a newer replica during a rolling
     * upgrade may carry a status this one does not know, and reading it must not fail.
     */
    public enum Status {
        RECEIVED, UNANSWERED, COMPLETED, REQUIRES_ACTION, QUEUED, SENT, DELIVERED, READ, FAILED;

        /**
         * How an outbound message moves once a channel has it: only forward, whatever order the channel's reports
         * arrive in (a late "sent" after "read" changes nothing); failed ends it.
         */
        private static final List<Status> ON_CHANNEL = List.of(QUEUED, SENT, DELIVERED, READ, FAILED);

        public String wire() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }

        /**
         * The statuses a channel report of this status may replace: a stored reply ({@code completed}) and the
         * statuses before this one on the channel. Empty for a status a channel does not report.
         */
        public List<Status> movesFrom() {
            int at = ON_CHANNEL.indexOf(this);
            if (at < 0) {
                return List.of();
            }
            List<Status> from = new java.util.ArrayList<>(List.of(COMPLETED));
            from.addAll(ON_CHANNEL.subList(0, at));
            return List.copyOf(from);
        }
    }

    /** Whether the message is in {@code s}. */
    public boolean is(Status s) {
        return s.wire().equals(status);
    }

    /** A new message of {@code role} in {@code c} (a fresh id unless one is set); set what it carries, then build. */
    public static Draft draft(Conversation c, String role) {
        return new Draft(c.tenantId(), c.id(), role);
    }

    /** A message being made: named fields instead of nineteen positional ones. */
    public static final class Draft {
        private final String tenantId;
        private final String conversationId;
        private final String role;
        private String id;
        private String content;
        private List<ModelMessage.ToolCall> toolCalls = List.of();
        private String toolCallId;
        private Status status;
        private String externalId;
        private String model;
        private Long promptTokens;
        private Long completionTokens;
        private String errorCode;
        private Instant at;
        private String kind = TEXT;
        private List<io.channelhub.hub.knowledge.Citation> citations = List.of();
        private String authorName;

        private Draft(String tenantId, String conversationId, String role) {
            this.tenantId = tenantId;
            this.conversationId = conversationId;
            this.role = role;
        }

        /** An id made before the message (a streamed reply announces it first). */
        public Draft id(String id) {
            this.id = id;
            return this;
        }

        public Draft content(String content) {
            this.content = content;
            return this;
        }

        public Draft toolCalls(List<ModelMessage.ToolCall> calls) {
            this.toolCalls = calls == null ? List.of() : calls;
            return this;
        }

        /** The call a tool result answers. */
        public Draft answering(String toolCallId) {
            this.toolCallId = toolCallId;
            return this;
        }

        public Draft status(Status status) {
            this.status = status;
            return this;
        }

        /** The id the channel or the integrator gave the message. */
        public Draft externalId(String externalId) {
            this.externalId = externalId;
            return this;
        }

        public Draft model(String model) {
            this.model = model;
            return this;
        }

        public Draft tokens(long prompt, long completion) {
            this.promptTokens = prompt;
            this.completionTokens = completion;
            return this;
        }

        public Draft errorCode(String errorCode) {
            this.errorCode = errorCode;
            return this;
        }

        /** Created and completed at {@code at}. */
        public Draft at(Instant at) {
            this.at = at;
            return this;
        }

        public Draft kind(String kind) {
            this.kind = kind == null ? TEXT : kind;
            return this;
        }

        /** The passages retrieval grounded the reply on. */
        public Draft citations(List<io.channelhub.hub.knowledge.Citation> citations) {
            this.citations = citations == null ? List.of() : citations;
            return this;
        }

        /** The person who wrote it (a human reply). */
        public Draft author(String name) {
            this.authorName = name;
            return this;
        }

        public Message build() {
            if (status == null || at == null) {
                throw new IllegalStateException("a message needs a status and a time");
            }
            String messageId = id != null ? id : io.channelhub.hub.persistence.Ids.newId("msg");
            return new Message(0, messageId, tenantId, conversationId, role, content, toolCalls, toolCallId,
                    status.wire(), externalId, model, promptTokens, completionTokens, errorCode, at, at, kind, null,
                    null, citations, authorName);
        }
    }

    /** The same message with the sequence number the database gave it. */
    public Message withSeq(long s) {
        return new Message(s, id, tenantId, conversationId, role, content, toolCalls, toolCallId, status, externalId,
                model, promptTokens, completionTokens, errorCode, createdAt, completedAt, kind == null ? TEXT : kind,
                errorTitle, errorDetails, citations, authorName);
    }
}
