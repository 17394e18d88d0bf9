package io.channelhub.hub.web.api;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.channelhub.hub.errors.ApiException;
import io.channelhub.plugin.model.ModelMessage;
import io.channelhub.plugin.model.ModelReply;
import io.channelhub.plugin.model.ModelRequest;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * OpenAI's Chat Completions wire format on the hub's side of {@code /v1/chat/completions}: the request read as a JSON
 * tree and checked field by field (a missing or mistyped field is a 400 naming it, as the official SDK's own checks
 * were), the answers written with Jackson's generator. {@code ChatCompletionsWireTest} holds every shape written here
 * to the official SDK's serialisation of the same value, and {@code OpenAiCompatibleContract} talks to the route with
 * the unmodified SDK.
 */
final class ChatCompletionsWire {

    private static final JsonFactory FACTORY =
            io.channelhub.hub.concurrency.SharedJsonBuffers.share(new JsonFactory());
    private static final ObjectMapper TREE = new ObjectMapper(FACTORY);

    private ChatCompletionsWire() {
    }

    /** What a request asks for, before its agent is resolved. */
    record Body(String model, List<ModelMessage> messages, List<ModelRequest.Tool> tools, Double temperature,
                Double topP, Long maxTokens, boolean stream, boolean includeUsage) {
    }

    static Body read(String text) {
        JsonNode root;
        try {
            root = TREE.readTree(text == null ? "" : text);
        } catch (IOException e) {
            throw ApiException.badRequest("invalid_json", "request body is not a valid chat completion request");
        }
        if (root == null || root.isMissingNode() || root.isNull()) {
            throw ApiException.unprocessable("invalid_body", "the request body must be a JSON object", Map.of());
        }
        if (!root.isObject()) {
            throw ApiException.badRequest("invalid_json", "request body is not a valid chat completion request");
        }
        String model = text(root, "model", true);
        JsonNode messagesNode = root.get("messages");
        if (messagesNode == null || !messagesNode.isArray()) {
            throw invalid("messages", "an array of messages");
        }
        List<ModelMessage> messages = new ArrayList<>();
        for (int i = 0; i < messagesNode.size(); i++) {
            messages.add(message(messagesNode.get(i), "messages[" + i + "]"));
        }
        List<ModelRequest.Tool> tools = new ArrayList<>();
        JsonNode toolsNode = root.get("tools");
        if (toolsNode != null && !toolsNode.isNull()) {
            if (!toolsNode.isArray()) {
                throw invalid("tools", "an array of tools");
            }
            for (int i = 0; i < toolsNode.size(); i++) {
                JsonNode t = toolsNode.get(i);
                String where = "tools[" + i + "]";
                if (!t.isObject()) {
                    throw invalid(where, "a tool object");
                }
                if (!"function".equals(t.path("type").asText("function"))) {
                    continue;
                }
                JsonNode fn = t.get("function");
                if (fn == null || !fn.isObject()) {
                    throw invalid(where + ".function", "a function object");
                }
                JsonNode params = fn.get("parameters");
                if (params != null && !params.isNull() && !params.isObject()) {
                    throw invalid(where + ".function.parameters", "a JSON Schema object");
                }
                tools.add(new ModelRequest.Tool(text(fn, "name", true, where + ".function.name"),
                        text(fn, "description", false, where + ".function.description"),
                        params == null || params.isNull() ? null : params.toString()));
            }
        }
        Long maxCompletion = integer(root, "max_completion_tokens");
        Long max = maxCompletion != null ? maxCompletion : integer(root, "max_tokens");
        boolean stream = bool(root, "stream");
        JsonNode options = root.get("stream_options");
        boolean usage = false;
        if (options != null && !options.isNull()) {
            if (!options.isObject()) {
                throw invalid("stream_options", "an object");
            }
            usage = bool(options, "include_usage");
        }
        return new Body(model, messages, tools, number(root, "temperature"), number(root, "top_p"), max, stream, usage);
    }

    private static ModelMessage message(JsonNode m, String where) {
        if (m == null || !m.isObject()) {
            throw invalid(where, "a message object");
        }
        String role = text(m, "role", true, where + ".role");
        JsonNode content = m.get("content");
        switch (role) {
            case "user" -> {
                if (content == null || content.isNull()) {
                    throw invalid(where + ".content", "a string or an array of content parts");
                }
                if (content.isTextual()) {
                    return ModelMessage.user(content.asText());
                }
                if (!content.isArray()) {
                    throw invalid(where + ".content", "a string or an array of content parts");
                }
                StringBuilder sb = new StringBuilder();
                for (JsonNode part : content) {
                    if (!part.isObject()) {
                        throw invalid(where + ".content", "an array of content parts");
                    }
                    if ("text".equals(part.path("type").asText())) {
                        sb.append(text(part, "text", true, where + ".content[].text"));
                    }
                }
                return ModelMessage.user(sb.toString());
            }
            case "system", "developer" -> {
                return new ModelMessage("system", contentText(content, where, true), List.of(), null);
            }
            case "assistant" -> {
                List<ModelMessage.ToolCall> calls = new ArrayList<>();
                JsonNode tc = m.get("tool_calls");
                if (tc != null && !tc.isNull()) {
                    if (!tc.isArray()) {
                        throw invalid(where + ".tool_calls", "an array of tool calls");
                    }
                    for (JsonNode call : tc) {
                        if (!call.isObject()) {
                            throw invalid(where + ".tool_calls", "an array of tool calls");
                        }
                        if (!"function".equals(call.path("type").asText("function"))) {
                            continue;
                        }
                        JsonNode fn = call.get("function");
                        if (fn == null || !fn.isObject()) {
                            throw invalid(where + ".tool_calls[].function", "a function object");
                        }
                        calls.add(new ModelMessage.ToolCall(text(call, "id", true, where + ".tool_calls[].id"),
                                text(fn, "name", true, where + ".tool_calls[].function.name"),
                                text(fn, "arguments", true, where + ".tool_calls[].function.arguments")));
                    }
                }
                return ModelMessage.assistant(contentText(content, where, false), calls);
            }
            case "tool" -> {
                return ModelMessage.tool(text(m, "tool_call_id", true, where + ".tool_call_id"),
                        contentText(content, where, true));
            }
            default -> throw ApiException.badRequest("invalid_request", "unsupported message role");
        }
    }

    /** Text content as it is; an array of parts as its JSON (what the model gets to read). */
    private static String contentText(JsonNode content, String where, boolean required) {
        if (content == null || content.isNull()) {
            if (required) {
                throw invalid(where + ".content", "a string or an array of content parts");
            }
            return null;
        }
        if (content.isTextual()) {
            return content.asText();
        }
        if (content.isArray()) {
            return content.toString();
        }
        throw invalid(where + ".content", "a string or an array of content parts");
    }

    private static String text(JsonNode o, String field, boolean required) {
        return text(o, field, required, field);
    }

    private static String text(JsonNode o, String field, boolean required, String where) {
        JsonNode v = o.get(field);
        if (v == null || v.isNull()) {
            if (required) {
                throw invalid(where, "a string");
            }
            return null;
        }
        if (!v.isTextual()) {
            throw invalid(where, "a string");
        }
        return v.asText();
    }

    private static Double number(JsonNode o, String field) {
        JsonNode v = o.get(field);
        if (v == null || v.isNull()) {
            return null;
        }
        if (!v.isNumber()) {
            throw invalid(field, "a number");
        }
        return v.asDouble();
    }

    private static Long integer(JsonNode o, String field) {
        JsonNode v = o.get(field);
        if (v == null || v.isNull()) {
            return null;
        }
        if (!v.isIntegralNumber()) {
            throw invalid(field, "an integer");
        }
        return v.asLong();
    }

    private static boolean bool(JsonNode o, String field) {
        JsonNode v = o.get(field);
        if (v == null || v.isNull()) {
            return false;
        }
        if (!v.isBoolean()) {
            throw invalid(field, "true or false");
        }
        return v.asBoolean();
    }

    private static ApiException invalid(String field, String expected) {
        return ApiException.badRequest("invalid_request", "`" + field + "` must be " + expected);
    }

    // Answers ------------------------------------------------------------------------------------------------------

    private interface Writer {
        void write(JsonGenerator g) throws IOException;
    }

    private static String json(Writer w) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(512);
        try (JsonGenerator g = FACTORY.createGenerator(out)) {
            w.write(g);
        } catch (IOException e) {
            throw new IllegalStateException("writing to memory failed", e);
        }
        return out.toString(java.nio.charset.StandardCharsets.UTF_8);
    }

    private static String finish(String f) {
        return f == null || f.isBlank() ? "stop" : f;
    }

    private static void usage(JsonGenerator g, ModelReply reply) throws IOException {
        long pt = reply.usage() == null ? 0 : reply.usage().promptTokens();
        long ct = reply.usage() == null ? 0 : reply.usage().completionTokens();
        g.writeObjectFieldStart("usage");
        g.writeNumberField("completion_tokens", ct);
        g.writeNumberField("prompt_tokens", pt);
        g.writeNumberField("total_tokens", pt + ct);
        g.writeEndObject();
    }

    private static void head(JsonGenerator g, String id, long created, String model, String object)
            throws IOException {
        g.writeStringField("id", id);
        g.writeStringField("object", object);
        g.writeNumberField("created", created);
        g.writeStringField("model", model);
    }

    /** A whole {@code chat.completion}. */
    static String completion(String id, long created, String model, ModelReply reply) {
        return completion(id, created, model, reply, List.of());
    }

    /**
     * The same with the passages the agent's knowledge grounded it on, as the extra top-level field
     * {@code citations} (OpenAI's clients keep unknown fields: {@code _additionalProperties()} in openai-java).
     */
    static String completion(String id, long created, String model, ModelReply reply,
                             List<io.channelhub.hub.knowledge.Citation> citations) {
        return json(g -> {
            g.writeStartObject();
            head(g, id, created, model, "chat.completion");
            g.writeArrayFieldStart("choices");
            g.writeStartObject();
            g.writeStringField("finish_reason", reply.toolCalls().isEmpty() ? finish(reply.finishReason())
                    : "tool_calls");
            g.writeNumberField("index", 0);
            g.writeNullField("logprobs");
            g.writeObjectFieldStart("message");
            if (reply.content().isEmpty() && !reply.toolCalls().isEmpty()) {
                g.writeNullField("content");
            } else {
                g.writeStringField("content", reply.content());
            }
            g.writeNullField("refusal");
            g.writeStringField("role", "assistant");
            if (!reply.toolCalls().isEmpty()) {
                toolCalls(g, reply, false);
            }
            g.writeEndObject();
            g.writeEndObject();
            g.writeEndArray();
            usage(g, reply);
            citations(g, citations);
            g.writeEndObject();
        });
    }

    private static void citations(JsonGenerator g, List<io.channelhub.hub.knowledge.Citation> citations)
            throws IOException {
        if (citations == null || citations.isEmpty()) {
            return;
        }
        g.writeArrayFieldStart("citations");
        for (var c : citations) {
            g.writeStartObject();
            g.writeNumberField("index", c.index());
            g.writeStringField("file_id", c.fileId());
            g.writeStringField("filename", c.filename());
            g.writeStringField("vector_store_id", c.vectorStoreId());
            g.writeNumberField("chunk_index", c.chunkIndex());
            g.writeNumberField("score", c.score());
            g.writeEndObject();
        }
        g.writeEndArray();
    }

    /** The reply's function calls; a stream's delta numbers them ({@code index}). */
    private static void toolCalls(JsonGenerator g, ModelReply reply, boolean indexed) throws IOException {
        g.writeArrayFieldStart("tool_calls");
        int index = 0;
        for (ModelMessage.ToolCall call : reply.toolCalls()) {
            g.writeStartObject();
            if (indexed) {
                g.writeNumberField("index", index++);
            }
            g.writeStringField("id", call.id());
            g.writeObjectFieldStart("function");
            g.writeStringField("arguments", call.arguments());
            g.writeStringField("name", call.name());
            g.writeEndObject();
            g.writeStringField("type", "function");
            g.writeEndObject();
        }
        g.writeEndArray();
    }

    /** The first chunk of a stream: the assistant's role and empty content. */
    static String firstChunk(String id, long created, String model) {
        return firstChunk(id, created, model, List.of());
    }

    /** The same, carrying the reply's {@code citations} (top level, before any text arrives). */
    static String firstChunk(String id, long created, String model,
                             List<io.channelhub.hub.knowledge.Citation> citations) {
        return chunk(id, created, model, g -> {
            g.writeStringField("content", "");
            g.writeStringField("role", "assistant");
        }, null, citations);
    }

    /** A chunk with a piece of the reply. */
    static String deltaChunk(String id, long created, String model, String text) {
        return chunk(id, created, model, g -> g.writeStringField("content", text), null);
    }

    /** The last chunk of the choice: the tool calls, if any, and why it finished. */
    static String lastChunk(String id, long created, String model, ModelReply reply) {
        return chunk(id, created, model, g -> {
            if (!reply.toolCalls().isEmpty()) {
                toolCalls(g, reply, true);
            }
        }, reply.toolCalls().isEmpty() ? finish(reply.finishReason()) : "tool_calls");
    }

    /** The usage chunk a client asked for with {@code stream_options.include_usage}: no choices. */
    static String usageChunk(String id, long created, String model, ModelReply reply) {
        return json(g -> {
            g.writeStartObject();
            head(g, id, created, model, "chat.completion.chunk");
            g.writeArrayFieldStart("choices");
            g.writeEndArray();
            usage(g, reply);
            g.writeEndObject();
        });
    }

    private static String chunk(String id, long created, String model, Writer delta, String finish) {
        return chunk(id, created, model, delta, finish, List.of());
    }

    private static String chunk(String id, long created, String model, Writer delta, String finish,
                                List<io.channelhub.hub.knowledge.Citation> citations) {
        return json(g -> {
            g.writeStartObject();
            head(g, id, created, model, "chat.completion.chunk");
            g.writeArrayFieldStart("choices");
            g.writeStartObject();
            g.writeObjectFieldStart("delta");
            delta.write(g);
            g.writeEndObject();
            if (finish == null) {
                g.writeNullField("finish_reason");
            } else {
                g.writeStringField("finish_reason", finish);
            }
            g.writeNumberField("index", 0);
            g.writeEndObject();
            g.writeEndArray();
            citations(g, citations);
            g.writeEndObject();
        });
    }
}
