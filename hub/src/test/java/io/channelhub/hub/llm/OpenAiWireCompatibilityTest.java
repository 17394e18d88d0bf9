package io.channelhub.hub.llm;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import com.fasterxml.jackson.databind.JsonNode;
import io.channelhub.hub.support.FakeOpenAi;
import io.channelhub.plugin.Settings;
import io.channelhub.plugin.model.ModelException;
import io.channelhub.plugin.model.ModelMessage;
import io.channelhub.plugin.model.ModelProvider;
import io.channelhub.plugin.model.ModelReply;
import io.channelhub.plugin.model.ModelRequest;
import io.channelhub.plugin.model.ModelStream;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The lean client ({@link OpenAiHttpProvider}) against the official openai-java SDK ({@link OpenAiProvider}) as the
 * reference: for the same request both send the same JSON, read the same reply from the same answer, classify the
 * same failures the same way, time out alike, and stop the upstream call when a stream is closed. Both talk to the
 * same local fake server, which also checks each body against OpenAI's documented shapes.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class OpenAiWireCompatibilityTest {

    private final FakeOpenAi fake;
    private final OpenAiProvider sdk = new OpenAiProvider();
    private final OpenAiHttpProvider lean = new OpenAiHttpProvider(sdk);

    OpenAiWireCompatibilityTest() throws Exception {
        fake = new FakeOpenAi();
    }

    @AfterAll
    void stop() {
        sdk.stop();
        fake.close();
    }

    @BeforeEach
    void reset() {
        fake.reset();
    }

    private Settings settings(Map<String, String> extra) {
        Map<String, String> m = new java.util.HashMap<>(Map.of("base_url", fake.baseUrl(), "api_key", "sk-test",
                "timeout_ms", "3000"));
        m.putAll(extra);
        return new Settings(m);
    }

    private static final String SCHEMA = "{\"type\":\"object\",\"properties\":{\"city\":{\"type\":\"string\"}},"
            + "\"required\":[\"city\"]}";

    static Stream<Arguments> requests() {
        byte[] png = {(byte) 0x89, 'P', 'N', 'G'};
        List<ModelMessage> history = List.of(
                new ModelMessage("system", "Be brief.", List.of(), null),
                ModelMessage.user("What is the weather in Recife?"),
                ModelMessage.assistant("", List.of(new ModelMessage.ToolCall("call_1", "weather",
                        "{\"city\":\"Recife\"}"))),
                ModelMessage.tool("call_1", "{\"celsius\":29}"),
                ModelMessage.assistant("It is 29 °C.", List.of()),
                ModelMessage.user("Ótimo, obrigado! \"quoted\" \\ and \u2028 line separator"));
        ModelMessage withFiles = new ModelMessage("user", "Read these", List.of(), null,
                List.of(new ModelMessage.Attachment("image/png", "p.png", png),
                        new ModelMessage.Attachment("application/pdf", "a.pdf", "%PDF-1.4".getBytes(
                                StandardCharsets.UTF_8)),
                        new ModelMessage.Attachment("text/plain", null, "price list".getBytes(StandardCharsets.UTF_8)),
                        new ModelMessage.Attachment("audio/ogg", "voice.ogg", new byte[] {1, 2})));
        List<ModelRequest.Tool> tools = List.of(new ModelRequest.Tool("weather", "Weather now", SCHEMA),
                new ModelRequest.Tool("ping", null, null));
        List<Arguments> out = new ArrayList<>();
        for (ModelRequest.Api api : ModelRequest.Api.values()) {
            out.add(Arguments.of("plain " + api, new ModelRequest("gpt-4o-mini", api, null,
                    List.of(ModelMessage.user("Oi")), null, null, null, null, null, null), Map.of()));
            out.add(Arguments.of("everything " + api, new ModelRequest("gpt-4o-mini", api, "You help.", history,
                    0.2, 0.9, 300, tools, new ModelRequest.ResponseFormat("json_schema", "answer", SCHEMA, true),
                    api == ModelRequest.Api.RESPONSES ? List.of("vs_1", "vs_2") : null), Map.of()));
            out.add(Arguments.of("files " + api, new ModelRequest("gpt-4o", api, "   ", List.of(withFiles), null,
                    null, null, null, null, null), Map.of()));
        }
        out.add(Arguments.of("json_object, legacy max_tokens", new ModelRequest("llama3", ModelRequest.Api
                .CHAT_COMPLETIONS, null, List.of(ModelMessage.user("Oi")), 1.0, null, 50, null,
                new ModelRequest.ResponseFormat("json_object", null, null, false), null),
                Map.of("legacy_max_tokens", "true")));
        out.add(Arguments.of("organization", new ModelRequest("gpt-4o-mini", ModelRequest.Api.CHAT_COMPLETIONS,
                null, List.of(ModelMessage.user("Oi")), null, null, null, null, null, null),
                Map.of("organization", "org-1")));
        return out.stream();
    }

    /** One call through each client; the two request bodies the fake received, SDK's first. */
    private List<JsonNode> bodies(ModelRequest r, Settings s, boolean stream) throws Exception {
        boolean responses = r.api() == ModelRequest.Api.RESPONSES;
        for (ModelProvider p : List.of(sdk, lean)) {
            fake.then(stream ? (responses ? FakeOpenAi.responsesStream("a", "b") : FakeOpenAi.chatStream(0, "a"))
                    : (responses ? FakeOpenAi.responsesReply("ok") : FakeOpenAi.chatReply("ok", 1, 1)));
            if (stream) {
                try (ModelStream st = p.stream(r, s)) {
                    while (st.nextDelta() != null) {
                        // read to the end
                    }
                }
            } else {
                p.complete(r, s);
            }
        }
        assertThat(fake.problems()).isEmpty();
        return fake.requests();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("requests")
    void sendsTheSdksRequestBody(String name, ModelRequest r, Map<String, String> extra) throws Exception {
        List<JsonNode> plain = bodies(r, settings(extra), false);
        assertThat(plain).hasSize(2);
        assertThat(plain.get(1)).as("the lean client's body").isEqualTo(plain.get(0));
        fake.reset();
        List<JsonNode> streamed = bodies(r, settings(extra), true);
        assertThat(streamed.get(1)).as("the lean client's streamed body").isEqualTo(streamed.get(0));
        assertThat(streamed.get(1).path("stream").asBoolean()).isTrue();
        if (extra.containsKey("organization")) {
            assertThat(fake.headers()).allSatisfy(h -> assertThat(h.get("Openai-organization"))
                    .containsExactly("org-1"));
        }
        assertThat(fake.headers()).allSatisfy(h -> assertThat(h.get("Authorization"))
                .containsExactly("Bearer sk-test"));
    }

    private static ModelRequest request(ModelRequest.Api api) {
        return new ModelRequest("gpt-4o-mini", api, null, List.of(ModelMessage.user("Oi")), null, null, null, null,
                null, null);
    }

    static Stream<Arguments> answers() {
        return Stream.of(
                Arguments.of(ModelRequest.Api.CHAT_COMPLETIONS, FakeOpenAi.chatReply("Olá! Como posso ajudar?", 12, 7)),
                Arguments.of(ModelRequest.Api.CHAT_COMPLETIONS, FakeOpenAi.chatToolCall("call_9", "weather",
                        "{\"city\":\"Natal\"}")),
                Arguments.of(ModelRequest.Api.CHAT_COMPLETIONS, new FakeOpenAi.Json(200, "{\"id\":\"x\",\"object\":"
                        + "\"chat.completion\",\"created\":1,\"model\":\"m\",\"choices\":[{\"index\":0,\"message\":"
                        + "{\"role\":\"assistant\",\"content\":null,\"tool_calls\":[{\"id\":\"c1\",\"type\":"
                        + "\"function\",\"function\":{\"name\":\"a\",\"arguments\":\"{}\"}},{\"id\":\"c2\",\"type\":"
                        + "\"function\",\"function\":{\"name\":\"b\",\"arguments\":\"{\\\"x\\\":1}\"}}]},"
                        + "\"finish_reason\":\"tool_calls\",\"extra\":{\"nested\":[1,2]}}],\"usage\":{\"prompt_tokens\""
                        + ":5,\"completion_tokens\":2,\"total_tokens\":7,\"completion_tokens_details\":{\"a\":1}},"
                        + "\"system_fingerprint\":\"fp\"}", Map.of())),
                Arguments.of(ModelRequest.Api.RESPONSES, FakeOpenAi.responsesReply("Hello")));
    }

    @ParameterizedTest
    @MethodSource("answers")
    void readsTheSameReply(ModelRequest.Api api, FakeOpenAi.Json answer) throws Exception {
        fake.then(answer).then(answer);
        ModelReply bySdk = sdk.complete(request(api), settings(Map.of()));
        ModelReply byLean = lean.complete(request(api), settings(Map.of()));
        assertThat(byLean).isEqualTo(bySdk);
    }

    static Stream<Arguments> streams() {
        return Stream.of(
                Arguments.of(ModelRequest.Api.CHAT_COMPLETIONS, FakeOpenAi.chatStream(0, "Olá", ", ", "tudo bem?")),
                Arguments.of(ModelRequest.Api.CHAT_COMPLETIONS, FakeOpenAi.chatToolCallStream("call_7", "weather",
                        "{\"city\":\"Olinda\"}")),
                Arguments.of(ModelRequest.Api.RESPONSES, FakeOpenAi.responsesStream("Hel", "lo")),
                // CR LF line ends, a comment line and an event split over several data lines are all SSE.
                Arguments.of(ModelRequest.Api.CHAT_COMPLETIONS, new FakeOpenAi.Sse(List.of(
                        ": keep-alive\r\n\r\n",
                        "data: {\"id\":\"c\",\"object\":\"chat.completion.chunk\",\"created\":1,\"model\":\"m\",\r\n"
                                + "data: \"choices\":[{\"index\":0,\"delta\":{\"content\":\"é\"},\"finish_reason\":null}]}"
                                + "\r\n\r\n",
                        "data: {\"id\":\"c\",\"object\":\"chat.completion.chunk\",\"created\":1,\"model\":\"m\","
                                + "\"choices\":[{\"index\":0,\"delta\":{},\"finish_reason\":\"length\"}]}\r\n\r\n",
                        "data: [DONE]\r\n\r\n"), 0)));
    }

    private static List<String> deltas(ModelStream s) throws ModelException {
        List<String> out = new ArrayList<>();
        for (String d = s.nextDelta(); d != null; d = s.nextDelta()) {
            out.add(d);
        }
        return out;
    }

    @ParameterizedTest
    @MethodSource("streams")
    void streamsTheSameDeltasAndReply(ModelRequest.Api api, FakeOpenAi.Sse answer) throws Exception {
        fake.then(answer).then(answer);
        List<String> bySdk;
        ModelReply sdkReply;
        try (ModelStream s = sdk.stream(request(api), settings(Map.of()))) {
            bySdk = deltas(s);
            sdkReply = s.reply();
        }
        try (ModelStream s = lean.stream(request(api), settings(Map.of()))) {
            assertThat(deltas(s)).isEqualTo(bySdk);
            assertThat(s.reply()).isEqualTo(sdkReply);
        }
    }

    static Stream<Arguments> failures() {
        return Stream.of(
                Arguments.of(FakeOpenAi.error(400, "invalid_request_error", Map.of())),
                Arguments.of(FakeOpenAi.error(401, "invalid_api_key", Map.of())),
                Arguments.of(FakeOpenAi.error(403, "permission_denied", Map.of())),
                Arguments.of(FakeOpenAi.error(404, "model_not_found", Map.of())),
                Arguments.of(FakeOpenAi.error(408, "timeout", Map.of())),
                Arguments.of(FakeOpenAi.error(409, "conflict", Map.of())),
                Arguments.of(FakeOpenAi.error(422, "unprocessable", Map.of())),
                Arguments.of(FakeOpenAi.error(429, "rate_limit_exceeded", Map.of("Retry-After", "7"))),
                Arguments.of(FakeOpenAi.error(429, "rate_limit_exceeded", Map.of())),
                Arguments.of(FakeOpenAi.error(500, "server_error", Map.of())),
                Arguments.of(FakeOpenAi.error(503, "overloaded", Map.of("Retry-After", "2"))),
                Arguments.of(new FakeOpenAi.Json(502, "<html>bad gateway</html>", Map.of())));
    }

    private static ModelException failure(ThrowingCall call) {
        return catchThrowableOfType(ModelException.class, call::run);
    }

    interface ThrowingCall {
        void run() throws Exception;
    }

    @ParameterizedTest
    @MethodSource("failures")
    void classifiesFailuresAlike(FakeOpenAi.Json answer) {
        for (ModelRequest.Api api : ModelRequest.Api.values()) {
            for (boolean stream : List.of(false, true)) {
                fake.reset();
                fake.then(answer).then(answer);
                String as = api + (stream ? ", streamed" : "");
                ModelException bySdk = failure(() -> call(sdk, api, stream, settings(Map.of())));
                ModelException byLean = failure(() -> call(lean, api, stream, settings(Map.of())));
                assertThat(bySdk).as("the SDK's failure (%s)", as).isNotNull();
                assertThat(byLean).as("the lean client's failure (%s)", as).isNotNull();
                assertThat(byLean.kind()).as(as + ": " + byLean.getMessage()).isEqualTo(bySdk.kind());
                assertThat(byLean.retryAfter()).as(as).isEqualTo(bySdk.retryAfter());
                if (answer.status() == 400) {
                    assertThat(byLean.getMessage()).as(as).contains("invalid_request_error");
                }
            }
        }
    }

    /** One call to the end: a reply, or a stream read until it ends. */
    private static void call(ModelProvider p, ModelRequest.Api api, boolean stream, Settings settings)
            throws Exception {
        if (!stream) {
            p.complete(request(api), settings);
            return;
        }
        try (ModelStream s = p.stream(request(api), settings)) {
            deltas(s);
        }
    }

    /** Where the SDK reads a cut-off body leniently, the lean client says the upstream failed. */
    @Test
    void aCutOffReplyIsAnUpstreamError() {
        fake.then(new FakeOpenAi.Json(200, "{\"choices\":[{\"message\":{\"content\":\"a", Map.of()));
        ModelException e = failure(() -> lean.complete(request(ModelRequest.Api.CHAT_COMPLETIONS), settings(Map.of())));
        assertThat(e.kind()).isEqualTo(ModelException.Kind.UPSTREAM_ERROR);
        fake.then(new FakeOpenAi.Sse(List.of("data: {\"choices\":[{\"delta\":{\"content\":\"a\"}}]}\n\n",
                "data: {\"choices\":[{\"delta\n\n"), 0));
        ModelException mid = failure(() -> {
            try (ModelStream s = lean.stream(request(ModelRequest.Api.CHAT_COMPLETIONS), settings(Map.of()))) {
                assertThat(s.nextDelta()).isEqualTo("a");
                s.nextDelta();
            }
        });
        assertThat(mid.kind()).isEqualTo(ModelException.Kind.UPSTREAM_ERROR);
    }

    /** What each API streams when the model fails after the response began (OpenAI's documented error events). */
    static Stream<Arguments> errorEvents() {
        return Stream.of(
                Arguments.of(ModelRequest.Api.CHAT_COMPLETIONS, new FakeOpenAi.Sse(List.of("data: {\"error\":"
                        + "{\"message\":\"overloaded\",\"type\":\"server_error\"}}\n\n"), 0)),
                Arguments.of(ModelRequest.Api.RESPONSES, new FakeOpenAi.Sse(List.of("event: error\ndata: {\"type\":"
                        + "\"error\",\"code\":\"server_error\",\"message\":\"overloaded\",\"param\":null,"
                        + "\"sequence_number\":0}\n\n"), 0)),
                Arguments.of(ModelRequest.Api.RESPONSES, new FakeOpenAi.Sse(List.of("event: response.failed\ndata: "
                        + "{\"type\":\"response.failed\",\"sequence_number\":0,\"response\":{\"id\":\"resp_1\","
                        + "\"object\":\"response\",\"created_at\":1700000000,\"status\":\"failed\",\"error\":"
                        + "{\"code\":\"server_error\",\"message\":\"overloaded\"},\"model\":\"gpt-4.1-mini\","
                        + "\"output\":[],\"parallel_tool_calls\":true,\"tool_choice\":\"auto\",\"tools\":[]}}\n\n"),
                        0)));
    }

    @ParameterizedTest
    @MethodSource("errorEvents")
    void anErrorEventInAStreamFailsAlike(ModelRequest.Api api, FakeOpenAi.Sse events) {
        fake.then(events).then(events);
        ModelException bySdk = failure(() -> call(sdk, api, true, settings(Map.of())));
        ModelException byLean = failure(() -> call(lean, api, true, settings(Map.of())));
        assertThat(bySdk).as("the SDK's failure").isNotNull();
        assertThat(byLean).as("the lean client's failure").isNotNull();
        assertThat(byLean.kind()).as(byLean.getMessage()).isEqualTo(bySdk.kind())
                .isEqualTo(ModelException.Kind.UPSTREAM_ERROR);
        if (api == ModelRequest.Api.CHAT_COMPLETIONS) {
            assertThat(byLean.getMessage()).contains("overloaded");
        }
    }

    @ParameterizedTest
    @EnumSource(ModelRequest.Api.class)
    void aServerThatDoesNotAnswerTimesOutAlike(ModelRequest.Api api) {
        fake.then(new FakeOpenAi.Hang(2_000)).then(new FakeOpenAi.Hang(2_000));
        Settings quick = settings(Map.of("timeout_ms", "300"));
        ModelException bySdk = failure(() -> call(sdk, api, false, quick));
        long started = System.nanoTime();
        ModelException byLean = failure(() -> call(lean, api, false, quick));
        assertThat(byLean.kind()).isEqualTo(bySdk.kind()).isEqualTo(ModelException.Kind.TIMEOUT);
        assertThat(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started)).isLessThan(1_900);
    }

    @ParameterizedTest
    @EnumSource(ModelRequest.Api.class)
    void aStreamWhoseAnswerDoesNotStartTimesOutAlike(ModelRequest.Api api) {
        fake.then(new FakeOpenAi.Hang(2_000)).then(new FakeOpenAi.Hang(2_000));
        Settings quick = settings(Map.of("timeout_ms", "300"));
        ModelException bySdk = failure(() -> call(sdk, api, true, quick));
        long started = System.nanoTime();
        ModelException byLean = failure(() -> call(lean, api, true, quick));
        assertThat(byLean.kind()).isEqualTo(bySdk.kind()).isEqualTo(ModelException.Kind.TIMEOUT);
        assertThat(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started)).isLessThan(1_900);
    }

    /** A stream of each API whose events come {@code pauseMillis} apart. */
    private static FakeOpenAi.Sse slowStream(ModelRequest.Api api, long pauseMillis, String... pieces) {
        return api == ModelRequest.Api.CHAT_COMPLETIONS ? FakeOpenAi.chatStream(pauseMillis, pieces)
                : FakeOpenAi.responsesStream(pauseMillis, pieces);
    }

    @ParameterizedTest
    @EnumSource(ModelRequest.Api.class)
    void aStreamThatGoesSilentTimesOutAlike(ModelRequest.Api api) {
        FakeOpenAi.Sse slow = slowStream(api, 1_500, "a", "b");
        Settings quick = settings(Map.of("timeout_ms", "400"));
        fake.then(slow).then(slow);
        ModelException bySdk = failure(() -> call(sdk, api, true, quick));
        ModelException byLean = failure(() -> call(lean, api, true, quick));
        assertThat(byLean.kind()).isEqualTo(bySdk.kind()).isEqualTo(ModelException.Kind.TIMEOUT);
    }

    @Test
    void anUnreachableServerFailsAlike() throws Exception {
        int port;
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
        }
        Settings gone = settings(Map.of("base_url", "http://127.0.0.1:" + port + "/v1"));
        ModelException bySdk = failure(() -> sdk.complete(request(ModelRequest.Api.CHAT_COMPLETIONS), gone));
        ModelException byLean = failure(() -> lean.complete(request(ModelRequest.Api.CHAT_COMPLETIONS), gone));
        assertThat(byLean.kind()).isEqualTo(bySdk.kind()).isEqualTo(ModelException.Kind.UPSTREAM_ERROR);
        assertThat(byLean.kind().retryable()).isTrue();
    }

    @ParameterizedTest
    @EnumSource(ModelRequest.Api.class)
    void closingAStreamFromAnotherThreadStopsTheUpstreamCall(ModelRequest.Api api) throws Exception {
        for (ModelProvider p : List.of(sdk, lean)) {
            fake.reset();
            String[] many = new String[200];
            java.util.Arrays.fill(many, "x");
            fake.then(slowStream(api, 20, many));
            // The thread that opens the stream reads it (as the hub's request thread does); the caller's connection
            // closes on another.
            CompletableFuture<ModelStream> opened = new CompletableFuture<>();
            CompletableFuture<List<String>> reader = CompletableFuture.supplyAsync(() -> {
                try {
                    ModelStream st = p.stream(request(api), settings(Map.of("timeout_ms", "10000")));
                    List<String> first = new ArrayList<>(List.of(st.nextDelta()));
                    opened.complete(st);
                    first.addAll(deltas(st));
                    return first;
                } catch (ModelException e) {
                    opened.completeExceptionally(e);
                    throw new IllegalStateException(e);
                }
            });
            ModelStream s = opened.get(5, TimeUnit.SECONDS);
            Thread.sleep(100);
            s.close();
            assertThat(reader.get(5, TimeUnit.SECONDS)).as(p.getClass().getSimpleName()).hasSizeLessThan(150);
            Awaitility.await().atMost(java.time.Duration.ofSeconds(5)).untilTrue(fake.streamAborted);
        }
    }

    @ParameterizedTest
    @EnumSource(ModelRequest.Api.class)
    void aCompleteStreamLeavesItsConnectionForTheNextCall(ModelRequest.Api api) throws Exception {
        for (int i = 0; i < 3; i++) {
            fake.then(slowStream(api, 0, "a", "b"));
            try (ModelStream s = lean.stream(request(api), settings(Map.of()))) {
                assertThat(deltas(s)).containsExactly("a", "b");
            }
        }
        assertThat(fake.streamAborted).isFalse();
        assertThat(fake.connections()).as("connections opened for three streams").isEqualTo(1);
    }

    @Test
    void repliesShareOneConnection() throws Exception {
        for (int i = 0; i < 3; i++) {
            fake.then(FakeOpenAi.chatReply("a", 1, 1)).then(FakeOpenAi.responsesReply("b"));
            assertThat(lean.complete(request(ModelRequest.Api.CHAT_COMPLETIONS), settings(Map.of())).content())
                    .isEqualTo("a");
            assertThat(lean.complete(request(ModelRequest.Api.RESPONSES), settings(Map.of())).content())
                    .isEqualTo("b");
        }
        assertThat(fake.connections()).as("connections opened for six replies").isEqualTo(1);
    }

    @Test
    void azureEndpointsGoThroughTheSdk() {
        assertThat(OpenAiHttpProvider.azure("https://my.openai.azure.com/openai")).isTrue();
        assertThat(OpenAiHttpProvider.azure("https://x.cognitiveservices.azure.com/")).isTrue();
        assertThat(OpenAiHttpProvider.azure("http://ollama:11434/v1")).isFalse();
        assertThat(OpenAiHttpProvider.azure("https://api.openai.com/v1")).isFalse();
    }
}
