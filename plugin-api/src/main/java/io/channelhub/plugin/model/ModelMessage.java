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
 */
public record ModelMessage(String role, String content, List<ToolCall> toolCalls, String toolCallId) {

    /** Copies the list. */
    public ModelMessage {
        toolCalls = toolCalls == null ? List.of() : List.copyOf(toolCalls);
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
     * A function call requested by the model.
     *
     * @param id        the call id, echoed by the tool result
     * @param name      the function name
     * @param arguments the arguments as JSON text
     */
    public record ToolCall(String id, String name, String arguments) {
    }
}
