package io.channelhub.hub.web.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.openai.core.ObjectMappers;
import com.openai.models.chat.completions.ChatCompletion;
import com.openai.models.chat.completions.ChatCompletionChunk;
import com.openai.models.chat.completions.ChatCompletionMessage;
import com.openai.models.chat.completions.ChatCompletionMessageFunctionToolCall;
import com.openai.models.completions.CompletionUsage;
import io.channelhub.hub.errors.ApiException;
import io.channelhub.plugin.model.ModelMessage;
import io.channelhub.plugin.model.ModelReply;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * The answers of {@code /v1/chat/completions} as the hub writes them, held to the official SDK's serialisation of
 * the same values (the SDK wrote them before), and the requests as the hub reads them.
 */
class ChatCompletionsWireTest {

    private static final ObjectMapper SDK = ObjectMappers.jsonMapper();
    private static final ObjectMapper PLAIN = new ObjectMapper();
    private static final String ID = "chatcmpl-abc";
    private static final long CREATED = 1_700_000_000L;
    private static final String MODEL = "support";

    private static final ModelReply TEXT = new ModelReply("Olá! \"Tudo\" bem?\n", List.of(), "length",
            new ModelReply.Usage(12, 5), "gpt-4o-mini");
    private static final ModelReply TOOLS = new ModelReply("", List.of(new ModelMessage.ToolCall("call_1", "lookup",
            "{\"id\":7}"), new ModelMessage.ToolCall("call_2", "ping", "{}")), "tool_calls", null, "m");

    private static JsonNode sdk(Object value) throws Exception {
        return PLAIN.readTree(SDK.writeValueAsString(value));
    }

    private static JsonNode ours(String json) throws Exception {
        return PLAIN.readTree(json);
    }

    /** The SDK's value for a whole completion, built as the resource built it with the SDK. */
    private static ChatCompletion reference(ModelReply reply) {
        ChatCompletionMessage.Builder msg = ChatCompletionMessage.builder()
                .content(reply.content().isEmpty() && !reply.toolCalls().isEmpty() ? null : reply.content())
                .refusal(Optional.empty());
        for (ModelMessage.ToolCall call : reply.toolCalls()) {
            msg.addToolCall(ChatCompletionMessageFunctionToolCall.builder().id(call.id())
                    .function(ChatCompletionMessageFunctionToolCall.Function.builder().name(call.name())
                            .arguments(call.arguments()).build()).build());
        }
        long pt = reply.usage() == null ? 0 : reply.usage().promptTokens();
        long ct = reply.usage() == null ? 0 : reply.usage().completionTokens();
        return ChatCompletion.builder().id(ID).created(CREATED).model(MODEL)
                .addChoice(ChatCompletion.Choice.builder().index(0)
                        .finishReason(ChatCompletion.Choice.FinishReason.of(reply.toolCalls().isEmpty()
                                ? reply.finishReason() : "tool_calls"))
                        .logprobs(Optional.empty()).message(msg.build()).build())
                .usage(CompletionUsage.builder().promptTokens(pt).completionTokens(ct).totalTokens(pt + ct).build())
                .build();
    }

    private static ChatCompletionChunk chunk(ChatCompletionChunk.Choice.Delta delta, String finish) {
        return ChatCompletionChunk.builder().id(ID).created(CREATED).model(MODEL)
                .addChoice(ChatCompletionChunk.Choice.builder().index(0).delta(delta)
                        .finishReason(finish == null ? null : ChatCompletionChunk.Choice.FinishReason.of(finish))
                        .build())
                .build();
    }

    @Test
    void aCompletionIsWhatTheSdkWrites() throws Exception {
        for (ModelReply r : List.of(TEXT, TOOLS)) {
            assertThat(ours(ChatCompletionsWire.completion(ID, CREATED, MODEL, r))).isEqualTo(sdk(reference(r)));
        }
        // And the SDK reads it back as the same completion.
        ChatCompletion read = SDK.readValue(ChatCompletionsWire.completion(ID, CREATED, MODEL, TOOLS),
                ChatCompletion.class);
        assertThat(read.choices().get(0).message().toolCalls().orElseThrow()).hasSize(2);
        assertThat(read.usage().orElseThrow().totalTokens()).isZero();
    }

    @Test
    void streamChunksAreWhatTheSdkWrites() throws Exception {
        assertThat(ours(ChatCompletionsWire.firstChunk(ID, CREATED, MODEL))).isEqualTo(sdk(chunk(
                ChatCompletionChunk.Choice.Delta.builder().role(ChatCompletionChunk.Choice.Delta.Role.ASSISTANT)
                        .content("").build(), null)));
        assertThat(ours(ChatCompletionsWire.deltaChunk(ID, CREATED, MODEL, "piece \u00e9"))).isEqualTo(sdk(chunk(
                ChatCompletionChunk.Choice.Delta.builder().content("piece \u00e9").build(), null)));
        assertThat(ours(ChatCompletionsWire.lastChunk(ID, CREATED, MODEL, TEXT))).isEqualTo(sdk(chunk(
                ChatCompletionChunk.Choice.Delta.builder().build(), "length")));
        ChatCompletionChunk.Choice.Delta.Builder calls = ChatCompletionChunk.Choice.Delta.builder();
        int index = 0;
        for (ModelMessage.ToolCall call : TOOLS.toolCalls()) {
            calls.addToolCall(ChatCompletionChunk.Choice.Delta.ToolCall.builder().index(index++).id(call.id())
                    .type(ChatCompletionChunk.Choice.Delta.ToolCall.Type.FUNCTION)
                    .function(ChatCompletionChunk.Choice.Delta.ToolCall.Function.builder().name(call.name())
                            .arguments(call.arguments()).build()).build());
        }
        assertThat(ours(ChatCompletionsWire.lastChunk(ID, CREATED, MODEL, TOOLS))).isEqualTo(sdk(chunk(calls.build(),
                "tool_calls")));
        assertThat(ours(ChatCompletionsWire.usageChunk(ID, CREATED, MODEL, TEXT))).isEqualTo(sdk(
                ChatCompletionChunk.builder().id(ID).created(CREATED).model(MODEL).choices(List.of())
                        .usage(CompletionUsage.builder().promptTokens(12).completionTokens(5).totalTokens(17).build())
                        .build()));
    }

    @Test
    void readsEveryMessageKindAndTheOptions() {
        ChatCompletionsWire.Body b = ChatCompletionsWire.read("{\"model\":\"support\",\"messages\":["
                + "{\"role\":\"developer\",\"content\":\"Be brief.\"},"
                + "{\"role\":\"system\",\"content\":[{\"type\":\"text\",\"text\":\"S\"}]},"
                + "{\"role\":\"user\",\"content\":[{\"type\":\"text\",\"text\":\"a\"},{\"type\":\"image_url\","
                + "\"image_url\":{\"url\":\"https://x\"}},{\"type\":\"text\",\"text\":\"b\"}]},"
                + "{\"role\":\"assistant\",\"content\":null,\"tool_calls\":[{\"id\":\"c1\",\"type\":\"function\","
                + "\"function\":{\"name\":\"f\",\"arguments\":\"{}\"}}]},"
                + "{\"role\":\"tool\",\"tool_call_id\":\"c1\",\"content\":\"42\"}],"
                + "\"tools\":[{\"type\":\"function\",\"function\":{\"name\":\"f\",\"parameters\":{\"type\":\"object\"}}}],"
                + "\"temperature\":0.5,\"top_p\":1,\"max_tokens\":10,\"max_completion_tokens\":20,\"stream\":true,"
                + "\"stream_options\":{\"include_usage\":true},\"n\":1,\"user\":\"ignored\"}");
        assertThat(b.model()).isEqualTo("support");
        assertThat(b.messages()).containsExactly(new ModelMessage("system", "Be brief.", List.of(), null),
                new ModelMessage("system", "[{\"type\":\"text\",\"text\":\"S\"}]", List.of(), null),
                ModelMessage.user("ab"),
                ModelMessage.assistant(null, List.of(new ModelMessage.ToolCall("c1", "f", "{}"))),
                ModelMessage.tool("c1", "42"));
        assertThat(b.tools()).singleElement().satisfies(t -> assertThat(t.parametersJson())
                .isEqualTo("{\"type\":\"object\"}"));
        assertThat(b.temperature()).isEqualTo(0.5);
        assertThat(b.topP()).isEqualTo(1.0);
        assertThat(b.maxTokens()).as("max_completion_tokens wins").isEqualTo(20L);
        assertThat(b.stream()).isTrue();
        assertThat(b.includeUsage()).isTrue();
    }

    private static ApiException refused(String body) {
        return catchThrowableOfType(ApiException.class, () -> ChatCompletionsWire.read(body));
    }

    @Test
    void aMissingOrMistypedFieldIsA400NamingIt() {
        assertThat(refused("{\"messages\":[]}").getMessage()).contains("`model`");
        assertThat(refused("{\"model\":7,\"messages\":[]}").getMessage()).contains("`model`");
        assertThat(refused("{\"model\":\"m\"}").getMessage()).contains("`messages`");
        assertThat(refused("{\"model\":\"m\",\"messages\":[{\"content\":\"x\"}]}").getMessage())
                .contains("`messages[0].role`");
        assertThat(refused("{\"model\":\"m\",\"messages\":[{\"role\":\"user\",\"content\":5}]}").getMessage())
                .contains("`messages[0].content`");
        assertThat(refused("{\"model\":\"m\",\"messages\":[],\"temperature\":\"hot\"}").getMessage())
                .contains("`temperature`");
        assertThat(refused("{\"model\":\"m\",\"messages\":[],\"stream\":\"yes\"}").getMessage()).contains("`stream`");
        assertThat(refused("{\"model\":\"m\",\"messages\":[],\"max_tokens\":1.5}").getMessage())
                .contains("`max_tokens`");
        assertThat(refused("{\"model\":\"m\",\"messages\":[{\"role\":\"wizard\",\"content\":\"x\"}]}").getMessage())
                .contains("unsupported message role");
        for (String bad : List.of("{\"model\":7,\"messages\":[]}", "{\"model\":\"m\",\"messages\":[],\"tools\":{}}")) {
            ApiException e = refused(bad);
            assertThat(e.status()).isEqualTo(400);
            assertThat(e.code()).isEqualTo("invalid_request");
        }
        assertThat(refused("not json").code()).isEqualTo("invalid_json");
        assertThat(refused("[1]").code()).isEqualTo("invalid_json");
        assertThat(refused("null").code()).isEqualTo("invalid_body");
    }
}
