package io.channelhub.hub.llm;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.channelhub.plugin.model.ModelMessage;
import io.channelhub.plugin.model.ModelReply;
import io.channelhub.plugin.model.ModelRequest;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.TreeMap;

/**
 * OpenAI's wire format, written and read with Jackson's streaming API: the request bodies of Chat Completions and
 * the Responses API (the same JSON the official SDK sends for the same request; {@code OpenAiWireCompatibilityTest}
 * holds the two side by side), and the replies, chunks and stream events read for the few fields the hub uses.
 * Everything else in a reply is skipped without building objects for it.
 */
final class OpenAiWire {

    static final JsonFactory JSON = io.channelhub.hub.concurrency.SharedJsonBuffers.share(new JsonFactory());
    private static final ObjectMapper TREE = new ObjectMapper(JSON);
    /** What the SDK sends for a tool or schema without parameters. */
    private static final String EMPTY_OBJECT_SCHEMA = "{\"type\":\"object\",\"properties\":{}}";

    private OpenAiWire() {
    }

    // Requests ---------------------------------------------------------------------------------------------------

    /** The body of {@code POST /chat/completions}. */
    static byte[] chatBody(ModelRequest r, boolean legacyMaxTokens, boolean stream) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(1024);
        try (JsonGenerator g = JSON.createGenerator(out)) {
            g.writeStartObject();
            g.writeStringField("model", r.model());
            g.writeArrayFieldStart("messages");
            if (r.instructions() != null && !r.instructions().isBlank()) {
                role(g, "system", r.instructions());
            }
            for (ModelMessage m : r.messages()) {
                chatMessage(g, m);
            }
            g.writeEndArray();
            if (r.temperature() != null) {
                g.writeNumberField("temperature", r.temperature());
            }
            if (r.topP() != null) {
                g.writeNumberField("top_p", r.topP());
            }
            if (r.maxOutputTokens() != null) {
                g.writeNumberField(legacyMaxTokens ? "max_tokens" : "max_completion_tokens",
                        r.maxOutputTokens().longValue());
            }
            if (!r.tools().isEmpty()) {
                g.writeArrayFieldStart("tools");
                for (ModelRequest.Tool t : r.tools()) {
                    g.writeStartObject();
                    g.writeStringField("type", "function");
                    g.writeObjectFieldStart("function");
                    g.writeStringField("name", t.name());
                    if (t.description() != null) {
                        g.writeStringField("description", t.description());
                    }
                    g.writeFieldName("parameters");
                    raw(g, t.parametersJson());
                    g.writeEndObject();
                    g.writeEndObject();
                }
                g.writeEndArray();
            }
            ModelRequest.ResponseFormat f = r.responseFormat();
            if (f != null && "json_schema".equals(f.type())) {
                g.writeObjectFieldStart("response_format");
                g.writeStringField("type", "json_schema");
                g.writeObjectFieldStart("json_schema");
                g.writeStringField("name", f.name());
                g.writeBooleanField("strict", f.strict());
                g.writeFieldName("schema");
                raw(g, f.schemaJson());
                g.writeEndObject();
                g.writeEndObject();
            } else if (f != null && "json_object".equals(f.type())) {
                g.writeObjectFieldStart("response_format");
                g.writeStringField("type", "json_object");
                g.writeEndObject();
            }
            if (stream) {
                g.writeBooleanField("stream", true);
                g.writeObjectFieldStart("stream_options");
                g.writeBooleanField("include_usage", true);
                g.writeEndObject();
            }
            g.writeEndObject();
        } catch (IOException e) {
            throw new IllegalStateException("writing to memory failed", e);
        }
        return out.toByteArray();
    }

    private static void role(JsonGenerator g, String role, String content) throws IOException {
        g.writeStartObject();
        g.writeStringField("role", role);
        g.writeStringField("content", content);
        g.writeEndObject();
    }

    /** A Responses API input message (the SDK's EasyInputMessage names its type). */
    private static void message(JsonGenerator g, String role, String content) throws IOException {
        g.writeStartObject();
        g.writeStringField("type", "message");
        g.writeStringField("role", role);
        g.writeStringField("content", content);
        g.writeEndObject();
    }

    private static void chatMessage(JsonGenerator g, ModelMessage m) throws IOException {
        String content = m.content() == null ? "" : m.content();
        switch (m.role()) {
            case "system" -> role(g, "system", content);
            case "assistant" -> {
                g.writeStartObject();
                g.writeStringField("role", "assistant");
                if (!content.isEmpty()) {
                    g.writeStringField("content", content);
                }
                if (!m.toolCalls().isEmpty()) {
                    g.writeArrayFieldStart("tool_calls");
                    for (ModelMessage.ToolCall c : m.toolCalls()) {
                        g.writeStartObject();
                        g.writeStringField("id", c.id());
                        g.writeStringField("type", "function");
                        g.writeObjectFieldStart("function");
                        g.writeStringField("name", c.name());
                        g.writeStringField("arguments", c.arguments());
                        g.writeEndObject();
                        g.writeEndObject();
                    }
                    g.writeEndArray();
                }
                g.writeEndObject();
            }
            case "tool" -> {
                g.writeStartObject();
                g.writeStringField("role", "tool");
                g.writeStringField("tool_call_id", m.toolCallId());
                g.writeStringField("content", content);
                g.writeEndObject();
            }
            default -> {
                if (m.attachments().isEmpty()) {
                    role(g, "user", content);
                    return;
                }
                // Images as data URLs, PDFs as file parts, text files inline; the text part goes first.
                g.writeStartObject();
                g.writeStringField("role", "user");
                g.writeArrayFieldStart("content");
                g.writeStartObject();
                g.writeStringField("type", "text");
                g.writeStringField("text", content + inlined(m));
                g.writeEndObject();
                for (ModelMessage.Attachment a : m.attachments()) {
                    if (a.contentType().startsWith("image/")) {
                        g.writeStartObject();
                        g.writeStringField("type", "image_url");
                        g.writeObjectFieldStart("image_url");
                        g.writeStringField("url", dataUrl(a));
                        g.writeEndObject();
                        g.writeEndObject();
                    } else if ("application/pdf".equals(a.contentType())) {
                        g.writeStartObject();
                        g.writeStringField("type", "file");
                        g.writeObjectFieldStart("file");
                        g.writeStringField("file_data", dataUrl(a));
                        g.writeStringField("filename", fileName(a));
                        g.writeEndObject();
                        g.writeEndObject();
                    }
                }
                g.writeEndArray();
                g.writeEndObject();
            }
        }
    }

    /** The body of {@code POST /responses}. */
    static byte[] responsesBody(ModelRequest r, boolean stream) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(1024);
        try (JsonGenerator g = JSON.createGenerator(out)) {
            g.writeStartObject();
            g.writeStringField("model", r.model());
            if (r.instructions() != null && !r.instructions().isBlank()) {
                g.writeStringField("instructions", r.instructions());
            }
            g.writeArrayFieldStart("input");
            for (ModelMessage m : r.messages()) {
                responsesInput(g, m);
            }
            g.writeEndArray();
            if (r.temperature() != null) {
                g.writeNumberField("temperature", r.temperature());
            }
            if (r.topP() != null) {
                g.writeNumberField("top_p", r.topP());
            }
            if (r.maxOutputTokens() != null) {
                g.writeNumberField("max_output_tokens", r.maxOutputTokens().longValue());
            }
            if (!r.tools().isEmpty() || !r.vectorStoreIds().isEmpty()) {
                g.writeArrayFieldStart("tools");
                for (ModelRequest.Tool t : r.tools()) {
                    g.writeStartObject();
                    g.writeStringField("type", "function");
                    g.writeStringField("name", t.name());
                    g.writeBooleanField("strict", false);
                    g.writeFieldName("parameters");
                    raw(g, t.parametersJson());
                    if (t.description() != null) {
                        g.writeStringField("description", t.description());
                    }
                    g.writeEndObject();
                }
                if (!r.vectorStoreIds().isEmpty()) {
                    g.writeStartObject();
                    g.writeStringField("type", "file_search");
                    g.writeArrayFieldStart("vector_store_ids");
                    for (String id : r.vectorStoreIds()) {
                        g.writeString(id);
                    }
                    g.writeEndArray();
                    g.writeEndObject();
                }
                g.writeEndArray();
            }
            ModelRequest.ResponseFormat f = r.responseFormat();
            if (f != null && "json_schema".equals(f.type())) {
                g.writeObjectFieldStart("text");
                g.writeObjectFieldStart("format");
                g.writeStringField("type", "json_schema");
                g.writeStringField("name", f.name());
                g.writeBooleanField("strict", f.strict());
                g.writeFieldName("schema");
                raw(g, f.schemaJson());
                g.writeEndObject();
                g.writeEndObject();
            }
            if (stream) {
                g.writeBooleanField("stream", true);
            }
            g.writeEndObject();
        } catch (IOException e) {
            throw new IllegalStateException("writing to memory failed", e);
        }
        return out.toByteArray();
    }

    private static void responsesInput(JsonGenerator g, ModelMessage m) throws IOException {
        String content = m.content() == null ? "" : m.content();
        switch (m.role()) {
            case "assistant" -> {
                if (!content.isEmpty()) {
                    message(g, "assistant", content);
                }
                for (ModelMessage.ToolCall c : m.toolCalls()) {
                    g.writeStartObject();
                    g.writeStringField("type", "function_call");
                    g.writeStringField("call_id", c.id());
                    g.writeStringField("name", c.name());
                    g.writeStringField("arguments", c.arguments());
                    g.writeEndObject();
                }
            }
            case "tool" -> {
                g.writeStartObject();
                g.writeStringField("type", "function_call_output");
                g.writeStringField("call_id", m.toolCallId());
                g.writeStringField("output", content);
                g.writeEndObject();
            }
            case "system" -> message(g, "system", content);
            default -> {
                if (m.attachments().isEmpty()) {
                    message(g, "user", content);
                    return;
                }
                g.writeStartObject();
                g.writeStringField("type", "message");
                g.writeStringField("role", "user");
                g.writeArrayFieldStart("content");
                g.writeStartObject();
                g.writeStringField("type", "input_text");
                g.writeStringField("text", content + inlined(m));
                g.writeEndObject();
                for (ModelMessage.Attachment a : m.attachments()) {
                    if (a.contentType().startsWith("image/")) {
                        g.writeStartObject();
                        g.writeStringField("type", "input_image");
                        g.writeStringField("detail", "auto");
                        g.writeStringField("image_url", dataUrl(a));
                        g.writeEndObject();
                    } else if ("application/pdf".equals(a.contentType())) {
                        g.writeStartObject();
                        g.writeStringField("type", "input_file");
                        g.writeStringField("file_data", dataUrl(a));
                        g.writeStringField("filename", fileName(a));
                        g.writeEndObject();
                    }
                }
                g.writeEndArray();
                g.writeEndObject();
            }
        }
    }

    /** A stored JSON schema, passed through as it is; none is the empty object schema. */
    private static void raw(JsonGenerator g, String json) throws IOException {
        g.writeRawValue(json == null || json.isBlank() ? EMPTY_OBJECT_SCHEMA : json);
    }

    private static String dataUrl(ModelMessage.Attachment a) {
        return "data:" + a.contentType() + ";base64," + Base64.getEncoder().encodeToString(a.data());
    }

    private static String fileName(ModelMessage.Attachment a) {
        return OpenAiProvider.fileName(a);
    }

    /** What the SDK path inlines too: text files, and the names of types the model cannot read. */
    private static String inlined(ModelMessage m) {
        StringBuilder text = new StringBuilder();
        for (ModelMessage.Attachment a : m.attachments()) {
            if (!a.contentType().startsWith("image/") && !"application/pdf".equals(a.contentType())) {
                text.append(OpenAiProvider.inlineText(a));
            }
        }
        return text.toString();
    }

    // Replies ----------------------------------------------------------------------------------------------------

    /** Tool calls of a streamed reply, assembled from their pieces by index. */
    static final class ToolCalls {
        private final TreeMap<Integer, String[]> byIndex = new TreeMap<>();

        void piece(int index, String id, String name, String arguments) {
            String[] acc = byIndex.computeIfAbsent(index, i -> new String[] {null, null, ""});
            if (id != null) {
                acc[0] = id;
            }
            if (name != null) {
                acc[1] = name;
            }
            if (arguments != null) {
                acc[2] = acc[2] + arguments;
            }
        }

        List<ModelMessage.ToolCall> calls() {
            return byIndex.values().stream().map(a -> new ModelMessage.ToolCall(a[0], a[1], a[2])).toList();
        }
    }

    /** What one Chat Completions body or chunk holds for the hub: text, tool call pieces, finish, usage, model. */
    static final class ChatPiece {
        String model;
        final StringBuilder content = new StringBuilder();
        String finishReason;
        ModelReply.Usage usage;
        /** A chunk's {@code error} object: the server failed in the middle of a stream. */
        String error;
    }

    /**
     * Reads a chat completion ({@code message}) or a chunk ({@code delta}) of its first choice; tool call pieces go
     * into {@code tools}. Unknown fields are skipped.
     */
    static ChatPiece readChat(JsonParser p, ToolCalls tools) throws IOException {
        ChatPiece piece = new ChatPiece();
        expect(p.nextToken(), JsonToken.START_OBJECT);
        while (p.nextToken() == JsonToken.FIELD_NAME) {
            String field = p.currentName();
            JsonToken t = p.nextToken();
            switch (field) {
                case "model" -> piece.model = t == JsonToken.VALUE_STRING ? p.getText() : piece.model;
                case "choices" -> {
                    if (t == JsonToken.START_ARRAY) {
                        boolean first = true;
                        while (p.nextToken() == JsonToken.START_OBJECT) {
                            if (first) {
                                readChoice(p, piece, tools);
                                first = false;
                            } else {
                                p.skipChildren();
                            }
                        }
                    } else {
                        p.skipChildren();
                    }
                }
                case "usage" -> {
                    if (t == JsonToken.START_OBJECT) {
                        long prompt = 0;
                        long completion = 0;
                        while (p.nextToken() == JsonToken.FIELD_NAME) {
                            String f = p.currentName();
                            p.nextToken();
                            if ("prompt_tokens".equals(f)) {
                                prompt = p.getValueAsLong();
                            } else if ("completion_tokens".equals(f)) {
                                completion = p.getValueAsLong();
                            } else {
                                p.skipChildren();
                            }
                        }
                        piece.usage = new ModelReply.Usage(prompt, completion);
                    }
                }
                case "error" -> {
                    JsonNode e = TREE.readTree(p);
                    piece.error = e != null && e.path("message").isTextual() ? e.path("message").asText()
                            : String.valueOf(e);
                }
                default -> p.skipChildren();
            }
        }
        return piece;
    }

    private static void readChoice(JsonParser p, ChatPiece piece, ToolCalls tools) throws IOException {
        while (p.nextToken() == JsonToken.FIELD_NAME) {
            String field = p.currentName();
            JsonToken t = p.nextToken();
            if (("message".equals(field) || "delta".equals(field)) && t == JsonToken.START_OBJECT) {
                while (p.nextToken() == JsonToken.FIELD_NAME) {
                    String f = p.currentName();
                    JsonToken v = p.nextToken();
                    if ("content".equals(f) && v == JsonToken.VALUE_STRING) {
                        piece.content.append(p.getText());
                    } else if ("tool_calls".equals(f) && v == JsonToken.START_ARRAY) {
                        int position = 0;
                        while (p.nextToken() == JsonToken.START_OBJECT) {
                            readToolCall(p, position++, tools);
                        }
                    } else {
                        p.skipChildren();
                    }
                }
            } else if ("finish_reason".equals(field) && t == JsonToken.VALUE_STRING) {
                piece.finishReason = p.getText();
            } else {
                p.skipChildren();
            }
        }
    }

    private static void readToolCall(JsonParser p, int position, ToolCalls tools) throws IOException {
        Integer index = null;
        String id = null;
        String name = null;
        String arguments = null;
        boolean function = true;
        while (p.nextToken() == JsonToken.FIELD_NAME) {
            String f = p.currentName();
            JsonToken v = p.nextToken();
            switch (f) {
                case "index" -> index = p.getValueAsInt();
                case "id" -> id = v == JsonToken.VALUE_STRING ? p.getText() : null;
                case "type" -> function = v != JsonToken.VALUE_STRING || "function".equals(p.getText());
                case "function" -> {
                    if (v == JsonToken.START_OBJECT) {
                        while (p.nextToken() == JsonToken.FIELD_NAME) {
                            String ff = p.currentName();
                            JsonToken fv = p.nextToken();
                            if ("name".equals(ff) && fv == JsonToken.VALUE_STRING) {
                                name = p.getText();
                            } else if ("arguments".equals(ff) && fv == JsonToken.VALUE_STRING) {
                                arguments = p.getText();
                            } else {
                                p.skipChildren();
                            }
                        }
                    }
                }
                default -> p.skipChildren();
            }
        }
        if (function) {
            // A complete message's calls have no index: their place in the list is theirs.
            tools.piece(index == null ? position : index, id, name, arguments);
        }
    }

    /** A whole chat completion. */
    static ModelReply chatReply(InputStream body) throws IOException {
        ToolCalls tools = new ToolCalls();
        ChatPiece piece;
        try (JsonParser p = JSON.createParser(body)) {
            piece = readChat(p, tools);
        }
        if (piece.error != null) {
            throw new IOException("the reply is an error: " + piece.error);
        }
        return new ModelReply(piece.content.toString(), tools.calls(),
                piece.finishReason == null ? "stop" : piece.finishReason,
                piece.usage == null ? new ModelReply.Usage(0, 0) : piece.usage, piece.model == null ? "" : piece.model);
    }

    /** A Responses API response object (the JSON reply, or the one a {@code response.completed} event carries). */
    static ModelReply responsesReply(JsonNode r) {
        StringBuilder text = new StringBuilder();
        List<ModelMessage.ToolCall> calls = new ArrayList<>();
        for (JsonNode item : r.path("output")) {
            String type = item.path("type").asText();
            if ("message".equals(type)) {
                for (JsonNode c : item.path("content")) {
                    if ("output_text".equals(c.path("type").asText())) {
                        text.append(c.path("text").asText());
                    }
                }
            } else if ("function_call".equals(type)) {
                calls.add(new ModelMessage.ToolCall(item.path("call_id").asText(), item.path("name").asText(),
                        item.path("arguments").asText()));
            }
        }
        JsonNode u = r.path("usage");
        ModelReply.Usage usage = new ModelReply.Usage(u.path("input_tokens").asLong(), u.path("output_tokens")
                .asLong());
        return new ModelReply(text.toString(), calls, calls.isEmpty() ? "stop" : "tool_calls", usage,
                r.path("model").asText(""));
    }

    static JsonNode tree(InputStream in) throws IOException {
        return TREE.readTree(in);
    }

    static JsonNode tree(String s) throws IOException {
        return TREE.readTree(s);
    }

    private static void expect(JsonToken actual, JsonToken expected) throws IOException {
        if (actual != expected) {
            throw new IOException("expected " + expected + " but the reply has " + actual);
        }
    }
}
