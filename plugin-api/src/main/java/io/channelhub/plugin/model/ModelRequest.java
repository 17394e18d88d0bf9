package io.channelhub.plugin.model;

import java.util.List;

/**
 * What the hub asks of a model for one turn.
 *
 * <pre>{@code
 * new ModelRequest("gpt-4o-mini", Api.CHAT_COMPLETIONS, "Be brief.", List.of(ModelMessage.user("Hi")),
 *         0.2, null, 512, List.of(), null, List.of())
 * }</pre>
 *
 * @param model           the provider's model name
 * @param api             which API of the provider, where it has several
 * @param instructions    system instructions, may be empty
 * @param messages        the history window and the new message, oldest first
 * @param temperature     sampling temperature, or null for the provider's default
 * @param topP            nucleus sampling, or null
 * @param maxOutputTokens a cap on the reply, or null
 * @param tools           function tools the model may call
 * @param responseFormat  a structured-output format, or null for free text
 * @param vectorStoreIds  vector stores for file search, where the provider has it
 */
public record ModelRequest(String model, Api api, String instructions, List<ModelMessage> messages, Double temperature,
                           Double topP, Integer maxOutputTokens, List<Tool> tools, ResponseFormat responseFormat,
                           List<String> vectorStoreIds) {

    /** Copies the lists. */
    public ModelRequest {
        messages = List.copyOf(messages);
        tools = tools == null ? List.of() : List.copyOf(tools);
        vectorStoreIds = vectorStoreIds == null ? List.of() : List.copyOf(vectorStoreIds);
    }

    /** The API style of OpenAI-compatible providers. */
    public enum Api { CHAT_COMPLETIONS, RESPONSES }

    /**
     * A function tool.
     *
     * @param name           the function name
     * @param description    what it does, for the model
     * @param parametersJson its JSON Schema as text, or null
     */
    public record Tool(String name, String description, String parametersJson) {
    }

    /**
     * Structured output.
     *
     * @param type       {@code json_schema}, {@code json_object} or {@code text}
     * @param name       the schema's name (json_schema only)
     * @param schemaJson the JSON Schema as text (json_schema only)
     * @param strict     whether the provider must follow the schema exactly
     */
    public record ResponseFormat(String type, String name, String schemaJson, boolean strict) {
    }
}
