package io.channelhub.plugin.model;

import java.util.List;

/**
 * One message of the conversation sent to a model.
 *
 * <pre>{@code
 * ModelMessage.user("Where is my order?")
 * }</pre>
 *
 * @param role       {@code system}, {@code user}, {@code assistant} or {@code tool}
 * @param content    the text; may be null for an assistant message that only calls tools
 * @param toolCalls  the tools an assistant message called
 * @param toolCallId for a {@code tool} message, the call it answers
 * @param attachments files the user sent with a {@code user} message (since 1.1.0); a provider passes on what its
 *                    model reads and may describe the rest in text
 */
public record ModelMessage(String role, String content, List<ToolCall> toolCalls, String toolCallId,
                           List<Attachment> attachments) {

    /** Copies the lists. */
    public ModelMessage {
        toolCalls = toolCalls == null ? List.of() : List.copyOf(toolCalls);
        attachments = attachments == null ? List.of() : List.copyOf(attachments);
    }

    /** A message without attachments (the form of plugin API 1.0). */
    public ModelMessage(String role, String content, List<ToolCall> toolCalls, String toolCallId) {
        this(role, content, toolCalls, toolCallId, List.of());
    }

    /** A user message. */
    public static ModelMessage user(String content) {
        return new ModelMessage("user", content, List.of(), null);
    }

    /** An assistant message. */
    public static ModelMessage assistant(String content, List<ToolCall> calls) {
        return new ModelMessage("assistant", content, calls, null);
    }

    /** A tool result. */
    public static ModelMessage tool(String toolCallId, String content) {
        return new ModelMessage("tool", content, List.of(), toolCallId);
    }

    /**
     * A file sent with a user message.
     *
     * @param contentType its media type ({@code image/png}, {@code application/pdf}, {@code text/plain})
     * @param fileName    its name, may be null
     * @param data        its bytes
     * @since 1.1.0
     */
    public record Attachment(String contentType, String fileName, byte[] data) {

        /** Copies the bytes. */
        public Attachment {
            data = data == null ? new byte[0] : data.clone();
        }

        /** The bytes. */
        @Override
        public byte[] data() {
            return data.clone();
        }
    }

    /**
     * A function call requested by the model.
     *
     * @param id        the call id, echoed by the tool result
     * @param name      the function name
     * @param arguments the arguments as JSON text
     */
    public record ToolCall(String id, String name, String arguments) {
    }
}
