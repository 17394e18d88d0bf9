package io.channelhub.plugin.model;

import java.util.List;

/**
 * A model's complete reply.
 *
 * <pre>{@code
 * new ModelReply("Hello!", List.of(), "stop", new Usage(12, 3), "gpt-4o-mini")
 * }</pre>
 *
 * @param content      the text, may be empty when the model only called tools
 * @param toolCalls    the tools it called
 * @param finishReason {@code stop}, {@code length}, {@code tool_calls} or {@code content_filter}
 * @param usage        tokens counted by the provider
 * @param model        the model that answered, as the provider reports it
 */
public record ModelReply(String content, List<ModelMessage.ToolCall> toolCalls, String finishReason, Usage usage,
                         String model) {

    /** Copies the list. */
    public ModelReply {
        toolCalls = toolCalls == null ? List.of() : List.copyOf(toolCalls);
        content = content == null ? "" : content;
    }

    /**
     * Token counts.
     *
     * @param promptTokens     input tokens
     * @param completionTokens output tokens
     */
    public record Usage(long promptTokens, long completionTokens) {
    }
}
