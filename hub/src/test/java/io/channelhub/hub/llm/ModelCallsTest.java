package io.channelhub.hub.llm;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.channelhub.hub.support.FakeOpenAi;
import io.channelhub.hub.support.HubIntegrationTest;
import io.channelhub.hub.support.TestDatabase;
import io.channelhub.hub.support.TestHub;
import io.dropwizard.testing.ConfigOverride;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Agent turns against a local fake of an OpenAI-compatible server: both APIs, streaming, tool calls, retries on
 * 429, the circuit breaker on 5xx, timeouts and a client that goes away mid-stream.
 */
class ModelCallsTest extends HubIntegrationTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static FakeOpenAi fake;
    private String admin;

    @Override
    protected TestDatabase.Kind database() {
        return TestDatabase.Kind.H2;
    }

    @Override
    protected ConfigOverride[] overrides() {
        try {
            fake = new FakeOpenAi();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return new ConfigOverride[] {
            ConfigOverride.config("models.openaiBaseUrl", fake.baseUrl()),
            ConfigOverride.config("models.openaiApiKey", "sk-test-global"),
            ConfigOverride.config("models.timeout", "1s"),
            ConfigOverride.config("models.maxAttempts", "3"),
            ConfigOverride.config("models.initialBackoff", "10ms"),
            ConfigOverride.config("models.maxBackoff", "50ms"),
            ConfigOverride.config("models.breakerWindow", "4"),
            ConfigOverride.config("models.breakerMinimumCalls", "3"),
            ConfigOverride.config("models.breakerOpenFor", "60s"),
            ConfigOverride.config("sseHeartbeat", "200ms")};
    }

    @Override
    protected void morePlugins(java.nio.file.Path dir) {
        io.channelhub.hub.support.TestPlugins.toolPlugin(dir);
    }

    @BeforeAll
    void tenant() {
        String t = hub.createTenant(slug("models"));
        admin = hub.createKey(t, "admin").get("key").asText();
    }

    @AfterAll
    static void stopFake() {
        fake.close();
    }

    @BeforeEach
    void resetFake() {
        fake.reset();
    }

    private String conversation(Map<String, Object> agent) {
        Map<String, Object> body = new java.util.HashMap<>(agent);
        body.putIfAbsent("slug", slug("a"));
        body.putIfAbsent("name", "Agent");
        JsonNode a = TestHub.check(hub.post(admin, "/v1/agents", body), 201).json();
        return TestHub.check(hub.post(admin, "/v1/conversations", Map.of("agent_id", a.get("id").asText())), 201)
                .json().get("id").asText();
    }

    /** A tenant whose own provider endpoint is {@code own}: its failures cannot trip the shared endpoint's breaker. */
    private String[] tenantOn(FakeOpenAi own) {
        String t = hub.createTenant(slug("own"));
        String key = hub.createKey(t, "admin").get("key").asText();
        TestHub.check(hub.send(key, "PUT", "/v1/model-providers/openai", Map.of("settings",
                Map.of("base_url", own.baseUrl(), "api_key", "sk-tenant"))), 200);
        TestHub.check(hub.post(key, "/v1/agents", Map.of("slug", "own-agent", "name", "Own")), 201);
        String c = TestHub.check(hub.post(key, "/v1/conversations", Map.of()), 201).json().get("id").asText();
        return new String[] {key, c};
    }

    private TestHub.Reply say(String conversation, Object body) {
        return hub.post(admin, "/v1/conversations/" + conversation + "/messages", body);
    }

    @Test
    void chatCompletionsReplyIsStoredAndMetered() {
        String c = conversation(Map.of("instructions", "Answer in Portuguese.", "temperature", 0.3,
                "max_output_tokens", 100));
        fake.then(FakeOpenAi.chatReply("Olá! Como posso ajudar?", 21, 7));
        TestHub.Reply r = say(c, Map.of("content", "Hi"));
        assertThat(r.status()).as(r.body()).isEqualTo(201);
        assertThat(r.json().get("reply").get("content").asText()).isEqualTo("Olá! Como posso ajudar?");
        assertThat(r.json().get("usage").get("prompt_tokens").asLong()).isEqualTo(21);
        assertThat(fake.problems()).isEmpty();
        JsonNode sent = fake.requests().get(0);
        assertThat(sent.get("model").asText()).isEqualTo("gpt-4o-mini");
        assertThat(sent.get("messages").get(0).get("role").asText()).isEqualTo("system");
        assertThat(sent.get("messages").get(0).get("content").asText()).isEqualTo("Answer in Portuguese.");
        assertThat(sent.get("messages").get(1).get("content").asText()).isEqualTo("Hi");
        assertThat(sent.get("temperature").asDouble()).isEqualTo(0.3);
        assertThat(sent.get("max_completion_tokens").asInt()).isEqualTo(100);

        long metered = hub.app().jdbi().withHandle(h -> h.createQuery("SELECT SUM(quantity) FROM usage_events WHERE "
                + "usage_type = 'model.prompt_tokens' AND idempotency_key LIKE :k").bind("k", "pt:"
                + r.json().get("reply").get("id").asText() + "%").mapTo(Long.class).one());
        assertThat(metered).isEqualTo(21);

        fake.then(FakeOpenAi.chatReply("Tudo bem.", 30, 3));
        TestHub.check(say(c, Map.of("content", "Second")), 201);
        JsonNode second = fake.requests().get(1).get("messages");
        assertThat(second).hasSize(4);
        assertThat(second.get(2).get("role").asText()).isEqualTo("assistant");
        assertThat(second.get(3).get("content").asText()).isEqualTo("Second");
    }

    @Test
    void theResponsesApiIsUsedWhenTheAgentAsksForIt() {
        String c = conversation(Map.of("api", "responses", "model", "gpt-4.1-mini", "instructions", "Be short.",
                "knowledge", Map.of("vector_store_ids", List.of("vs_abc"), "mode", "file_search")));
        fake.then(FakeOpenAi.responsesReply("Short answer."));
        TestHub.Reply r = say(c, Map.of("content", "Explain"));
        assertThat(r.status()).as(r.body()).isEqualTo(201);
        assertThat(r.json().get("reply").get("content").asText()).isEqualTo("Short answer.");
        assertThat(r.json().get("usage").get("completion_tokens").asLong()).isEqualTo(4);
        JsonNode sent = fake.requests().get(0);
        assertThat(sent.get("instructions").asText()).isEqualTo("Be short.");
        assertThat(sent.get("input").get(0).get("content").asText()).isEqualTo("Explain");
        assertThat(sent.get("tools").get(0).get("type").asText()).isEqualTo("file_search");
        assertThat(fake.problems()).isEmpty();
    }

    @Test
    void aToolCallIsReturnedThenItsResultContinuesTheTurn() {
        Map<String, Object> tool = Map.of("type", "function", "function", Map.of("name", "get_order",
                "description", "Order status", "parameters", Map.of("type", "object", "properties",
                        Map.of("id", Map.of("type", "string")), "required", List.of("id"))));
        String c = conversation(Map.of("tools", List.of(tool)));
        fake.then(FakeOpenAi.chatToolCall("call_42", "get_order", "{\"id\":\"A1\"}"));
        JsonNode first = TestHub.check(say(c, Map.of("content", "Where is A1?")), 201).json();
        JsonNode reply = first.get("reply");
        assertThat(reply.get("status").asText()).isEqualTo("requires_action");
        assertThat(reply.get("tool_calls").get(0).get("function").get("name").asText()).isEqualTo("get_order");
        assertThat(fake.requests().get(0).get("tools").get(0).get("function").get("name").asText())
                .isEqualTo("get_order");

        fake.then(FakeOpenAi.chatReply("A1 shipped yesterday.", 40, 6));
        JsonNode second = TestHub.check(say(c, Map.of("role", "tool", "tool_call_id", "call_42",
                "content", "{\"status\":\"shipped\"}")), 201).json();
        assertThat(second.get("reply").get("content").asText()).isEqualTo("A1 shipped yesterday.");
        JsonNode messages = fake.requests().get(1).get("messages");
        JsonNode assistant = messages.get(messages.size() - 2);
        assertThat(assistant.get("tool_calls").get(0).get("id").asText()).isEqualTo("call_42");
        assertThat(messages.get(messages.size() - 1).get("role").asText()).isEqualTo("tool");
        assertThat(messages.get(messages.size() - 1).get("tool_call_id").asText()).isEqualTo("call_42");
        assertThat(fake.problems()).isEmpty();
    }

    private static Map<String, Object> lookupTool() {
        return Map.of("type", "function", "function", Map.of("name", "lookup_order", "description", "Order status",
                "parameters", Map.of("type", "object", "properties", Map.of("id", Map.of("type", "string")))));
    }

    @Test
    void aToolThatAPluginHandlesRunsInsideTheTurn() {
        String c = conversation(Map.of("tools", List.of(lookupTool())));
        fake.then(FakeOpenAi.chatToolCall("call_7", "lookup_order", "{\"id\":\"A1\"}"))
                .then(FakeOpenAi.chatReply("A1 is shipped.", 50, 5));
        JsonNode r = TestHub.check(say(c, Map.of("content", "Status of A1?")), 201).json();
        assertThat(r.get("reply").get("content").asText()).isEqualTo("A1 is shipped.");
        assertThat(r.get("reply").get("status").asText()).isEqualTo("completed");
        assertThat(r.get("usage").get("prompt_tokens").asLong()).isEqualTo(70);
        JsonNode second = fake.requests().get(1).get("messages");
        JsonNode toolResult = second.get(second.size() - 1);
        assertThat(toolResult.get("role").asText()).isEqualTo("tool");
        assertThat(toolResult.get("tool_call_id").asText()).isEqualTo("call_7");
        assertThat(toolResult.get("content").asText()).isEqualTo("{\"id\":\"A1\",\"status\":\"shipped\"}");
        List<String> roles = new ArrayList<>();
        hub.get(admin, "/v1/conversations/" + c + "/messages").json().get("data")
                .forEach(m -> roles.add(m.get("role").asText()));
        assertThat(roles).containsExactly("user", "assistant", "tool", "assistant");
        long metered = hub.app().jdbi().withHandle(h -> h.createQuery("SELECT COUNT(*) FROM usage_events WHERE "
                + "usage_type = 'tools.lookup_order' AND plugin_id = 'test-tools'").mapTo(Long.class).one());
        assertThat(metered).isPositive();
        assertThat(fake.problems()).isEmpty();
    }

    @Test
    void toolRoundsAreBounded() {
        String c = conversation(Map.of("tools", List.of(lookupTool()), "max_tool_rounds", 1));
        fake.then(FakeOpenAi.chatToolCall("call_1", "lookup_order", "{\"id\":\"B1\"}"))
                .then(FakeOpenAi.chatToolCall("call_2", "lookup_order", "{\"id\":\"B2\"}"));
        JsonNode r = TestHub.check(say(c, Map.of("content", "Loop")), 201).json();
        assertThat(r.get("reply").get("status").asText()).isEqualTo("requires_action");
        assertThat(r.get("reply").get("tool_calls").get(0).get("id").asText()).isEqualTo("call_2");
        assertThat(fake.requests()).hasSize(2);
    }

    @Test
    void aStreamedTurnReportsTheToolsItRuns() throws Exception {
        String c = conversation(Map.of("tools", List.of(lookupTool())));
        fake.then(FakeOpenAi.chatToolCallStream("call_9", "lookup_order", "{\"id\":\"C3\"}"))
                .then(FakeOpenAi.chatStream(0, "C3 ", "shipped."));
        List<String> names = new ArrayList<>();
        try (InputStream in = openStream(c, "C3?")) {
            readEvents(in, (name, data) -> {
                names.add(name);
                if (name.equals("tool_call")) {
                    assertThat(JSON.readTree(data).get("name").asText()).isEqualTo("lookup_order");
                }
                return true;
            });
        }
        assertThat(names).contains("tool_call", "delta").last().isEqualTo("done");
        assertThat(names.indexOf("tool_call")).isLessThan(names.indexOf("delta"));
        JsonNode toolResult = fake.requests().get(1).get("messages");
        assertThat(toolResult.get(toolResult.size() - 1).get("content").asText()).contains("\"C3\"");
    }

    @Test
    void aRequestsTraceIdIsInItsLogLinesTheModelCallAndTheErrorBody() {
        ch.qos.logback.classic.Logger root = (ch.qos.logback.classic.Logger) org.slf4j.LoggerFactory
                .getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
        ch.qos.logback.core.read.ListAppender<ch.qos.logback.classic.spi.ILoggingEvent> logs =
                new ch.qos.logback.core.read.ListAppender<>();
        logs.start();
        root.addAppender(logs);
        try {
            String c = conversation(Map.of());
            fake.then(FakeOpenAi.error(400, "invalid_request_error", Map.of()));
            TestHub.Reply r = say(c, Map.of("content", "trace me"));
            String trace = r.headers().firstValue("X-Trace-Id").orElseThrow();
            assertThat(r.json().get("error").get("trace_id").asText()).isEqualTo(trace);
            String traceparent = fake.headers().get(0).entrySet().stream()
                    .filter(e -> e.getKey().equalsIgnoreCase("traceparent")).map(e -> e.getValue().get(0))
                    .findFirst().orElseThrow();
            assertThat(traceparent).matches("00-" + trace + "-[0-9a-f]{16}-[0-9a-f]{2}");
            assertThat(logs.list).anySatisfy(e -> {
                assertThat(e.getFormattedMessage()).contains("Model call failed");
                assertThat(e.getMDCPropertyMap()).containsEntry("trace_id", trace);
            });
        } finally {
            root.detachAppender(logs);
        }
    }

    @Test
    void a429IsRetriedAfterItsDelay() {
        String c = conversation(Map.of());
        fake.then(FakeOpenAi.error(429, "rate_limit_exceeded", Map.of("Retry-After", "0")))
                .then(FakeOpenAi.chatReply("Fine now.", 5, 2));
        TestHub.Reply r = say(c, Map.of("content", "Hi"));
        assertThat(r.status()).as(r.body()).isEqualTo(201);
        assertThat(fake.requests()).hasSize(2);
    }

    /** A 5xx the retry then gets past still counts against the circuit, so the log says so (throttled). */
    @Test
    void anAttemptTheRetryGetsPastIsLoggedAsCountingAgainstTheCircuit() throws Exception {
        ch.qos.logback.classic.Logger gateway = (ch.qos.logback.classic.Logger) org.slf4j.LoggerFactory
                .getLogger(ModelGateway.class);
        ch.qos.logback.core.read.ListAppender<ch.qos.logback.classic.spi.ILoggingEvent> logs =
                new ch.qos.logback.core.read.ListAppender<>();
        logs.start();
        gateway.addAppender(logs);
        // An endpoint of its own: the log is throttled per endpoint, and other tests fail the shared one.
        try (FakeOpenAi own = new FakeOpenAi()) {
            String[] t = tenantOn(own);
            own.then(FakeOpenAi.error(503, "server_error", Map.of())).then(FakeOpenAi.chatReply("Back.", 5, 2));
            TestHub.Reply r = hub.post(t[0], "/v1/conversations/" + t[1] + "/messages", Map.of("content", "Hi"));
            assertThat(r.status()).as(r.body()).isEqualTo(201);
            assertThat(own.requests()).hasSize(2);
            assertThat(logs.list).anySatisfy(e -> assertThat(e.getFormattedMessage())
                    .contains("an attempt failed and counts against its circuit").contains("UPSTREAM_ERROR")
                    .contains("openai at " + java.net.URI.create(own.baseUrl()).getHost() + ":"
                            + java.net.URI.create(own.baseUrl()).getPort()).doesNotContain("sk-tenant"));
        } finally {
            gateway.detachAppender(logs);
        }
    }

    @Test
    void aRateLimitThatOutlastsTheRetriesIsA429WithTheProvidersDelay() throws Exception {
        try (FakeOpenAi own = new FakeOpenAi()) {
            String[] t = tenantOn(own);
            for (int i = 0; i < 3; i++) {
                own.then(FakeOpenAi.error(429, "rate_limit_exceeded", Map.of("Retry-After", "7")));
            }
            TestHub.Reply r = hub.post(t[0], "/v1/conversations/" + t[1] + "/messages", Map.of("content", "Hi"));
            assertThat(r.status()).as(r.body()).isEqualTo(429);
            assertThat(r.code()).isEqualTo("model_rate_limited");
            assertThat(r.json().get("error").get("details").get("retry_after_seconds").asLong()).isEqualTo(7);
            assertThat(own.requests()).as("retried").hasSize(3);
            JsonNode history = hub.get(t[0], "/v1/conversations/" + t[1] + "/messages").json().get("data");
            assertThat(history.get(1).get("status").asText()).isEqualTo("failed");
        }
    }

    @Test
    void badCredentialsAreNotRetried() throws Exception {
        try (FakeOpenAi own = new FakeOpenAi()) {
            String[] t = tenantOn(own);
            own.then(FakeOpenAi.error(401, "invalid_api_key", Map.of()));
            TestHub.Reply r = hub.post(t[0], "/v1/conversations/" + t[1] + "/messages", Map.of("content", "Hi"));
            assertThat(r.status()).isEqualTo(502);
            assertThat(r.code()).isEqualTo("model_auth_failed");
            assertThat(own.requests()).hasSize(1);
            assertThat(own.requests().get(0).toString()).doesNotContain("sk-test-global");
            // The user's message was stored although the model failed.
            JsonNode history = hub.get(t[0], "/v1/conversations/" + t[1] + "/messages").json().get("data");
        assertThat(history.get(0).get("content").asText()).isEqualTo("Hi");
            assertThat(history.get(1).get("status").asText()).isEqualTo("failed");
        }
    }

    @Test
    void aModelThatDoesNotAnswerTimesOut() throws Exception {
        try (FakeOpenAi own = new FakeOpenAi()) {
            String[] t = tenantOn(own);
            for (int i = 0; i < 3; i++) {
                own.then(new FakeOpenAi.Hang(2500));
            }
            TestHub.Reply r = hub.post(t[0], "/v1/conversations/" + t[1] + "/messages", Map.of("content", "Hello?"));
            assertThat(r.status()).isEqualTo(504);
            assertThat(r.code()).isEqualTo("model_timeout");
            assertThat(own.requests()).as("retried").hasSize(3);
        }
    }

    @Test
    void repeated5xxOpenTheCircuitForThatEndpoint() throws Exception {
        try (FakeOpenAi broken = new FakeOpenAi()) {
            String t = hub.createTenant(slug("broken"));
            String key = hub.createKey(t, "admin").get("key").asText();
            TestHub.check(hub.send(key, "PUT", "/v1/model-providers/openai", Map.of("settings",
                    Map.of("base_url", broken.baseUrl(), "api_key", "sk-tenant"))), 200);
            for (int i = 0; i < 20; i++) {
                broken.then(FakeOpenAi.error(500, "server_error", Map.of()));
            }
            TestHub.check(hub.post(key, "/v1/agents", Map.of("slug", "broken-agent", "name", "X")), 201);
            String c = TestHub.check(hub.post(key, "/v1/conversations", Map.of()), 201).json().get("id").asText();
            List<String> codes = new ArrayList<>();
            for (int i = 0; i < 4; i++) {
                codes.add(hub.post(key, "/v1/conversations/" + c + "/messages", Map.of("content", "hi " + i)).code());
            }
            assertThat(codes.get(0)).isEqualTo("model_error");
            assertThat(codes).last().isEqualTo("model_unavailable");
            int seen = broken.requests().size();
            assertThat(hub.post(key, "/v1/conversations/" + c + "/messages", Map.of("content", "again")).code())
                    .isEqualTo("model_unavailable");
            assertThat(broken.requests()).hasSize(seen);
            // The global endpoint (other tenants) is not affected by this tenant's broken one.
            String mine = conversation(Map.of());
            fake.then(FakeOpenAi.chatReply("ok", 1, 1));
            assertThat(say(mine, Map.of("content", "hi")).status()).isEqualTo(201);
            JsonNode view = hub.get(key, "/v1/model-providers/openai").json();
            assertThat(view.get("settings").get("api_key").asText()).isEqualTo("********");
            assertThat(view.toString()).doesNotContain("sk-tenant");
        }
    }

    @Test
    void streamsDeltasAsTheyArrive() throws Exception {
        String c = conversation(Map.of());
        fake.then(FakeOpenAi.chatStream(150, "Olá", ", ", "mundo", "!"));
        List<String[]> events = new ArrayList<>();
        List<Long> arrivals = new ArrayList<>();
        try (InputStream in = openStream(c, "Oi")) {
            readEvents(in, (name, data) -> {
                events.add(new String[] {name, data});
                arrivals.add(System.nanoTime());
                return true;
            });
        }
        List<String> names = events.stream().map(e -> e[0]).toList();
        assertThat(names.get(0)).isEqualTo("start");
        assertThat(names).contains("delta").last().isEqualTo("done");
        StringBuilder text = new StringBuilder();
        for (String[] e : events) {
            if (e[0].equals("delta")) {
                text.append(JSON.readTree(e[1]).get("text").asText());
            }
        }
        assertThat(text.toString()).isEqualTo("Olá, mundo!");
        // Deltas reached us while the model was still writing: the first and last delta are far apart.
        int first = names.indexOf("delta");
        int last = names.lastIndexOf("delta");
        assertThat(Duration.ofNanos(arrivals.get(last) - arrivals.get(first))).isGreaterThan(Duration.ofMillis(300));
        JsonNode done = JSON.readTree(events.get(events.size() - 1)[1]);
        assertThat(done.get("reply").get("content").asText()).isEqualTo("Olá, mundo!");
        assertThat(done.get("usage").get("completion_tokens").asLong()).isEqualTo(4);
        assertThat(fake.requests().get(0).get("stream").asBoolean()).isTrue();
        assertThat(fake.requests().get(0).get("stream_options").get("include_usage").asBoolean()).isTrue();
    }

    @Test
    void streamsTheResponsesApiToo() throws Exception {
        String c = conversation(Map.of("api", "responses"));
        fake.then(FakeOpenAi.responsesStream("One ", "two."));
        StringBuilder text = new StringBuilder();
        List<String> names = new ArrayList<>();
        try (InputStream in = openStream(c, "Count")) {
            readEvents(in, (name, data) -> {
                names.add(name);
                if (name.equals("delta")) {
                    text.append(JSON.readTree(data).get("text").asText());
                }
                return true;
            });
        }
        assertThat(text.toString()).isEqualTo("One two.");
        assertThat(names).last().isEqualTo("done");
    }

    @Test
    void aSlowStreamGetsHeartbeats() throws Exception {
        String c = conversation(Map.of());
        fake.then(FakeOpenAi.chatStream(700, "slow", " reply"));
        int heartbeats = 0;
        try (InputStream in = openStream(c, "take your time")) {
            BufferedReader r = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8));
            for (String line = r.readLine(); line != null; line = r.readLine()) {
                if (line.startsWith(": heartbeat")) {
                    heartbeats++;
                }
            }
        }
        assertThat(heartbeats).isPositive();
    }

    @Test
    void aClientThatGoesAwayStopsTheModelCall() throws Exception {
        String c = conversation(Map.of());
        String[] pieces = new String[60];
        java.util.Arrays.fill(pieces, "word ");
        fake.then(FakeOpenAi.chatStream(100, pieces));
        try (InputStream in = openStream(c, "Talk a lot")) {
            readEvents(in, (name, data) -> !name.equals("delta"));
        }
        await().atMost(Duration.ofSeconds(10)).untilTrue(fake.streamAborted);
    }

    @Test
    void anErrorDuringAStreamIsAnErrorEvent() throws Exception {
        String c = conversation(Map.of());
        fake.then(FakeOpenAi.error(400, "invalid_request_error", Map.of()));
        List<String[]> events = new ArrayList<>();
        try (InputStream in = openStream(c, "Hi")) {
            readEvents(in, (name, data) -> {
                events.add(new String[] {name, data});
                return true;
            });
        }
        assertThat(events.get(events.size() - 1)[0]).isEqualTo("error");
        assertThat(JSON.readTree(events.get(events.size() - 1)[1]).get("error").get("code").asText())
                .isEqualTo("model_rejected_request");
    }

    private InputStream openStream(String conversation, String content) throws Exception {
        HttpRequest req = HttpRequest.newBuilder(URI.create(hub.url("/v1/conversations/" + conversation
                        + "/messages")))
                .header("Authorization", "Bearer " + admin).header("Content-Type", "application/json")
                .header("Accept", "text/event-stream")
                .POST(HttpRequest.BodyPublishers.ofString(JSON.writeValueAsString(Map.of("content", content))))
                .build();
        HttpResponse<InputStream> res = HttpClient.newHttpClient().send(req, HttpResponse.BodyHandlers.ofInputStream());
        assertThat(res.statusCode()).isEqualTo(200);
        assertThat(res.headers().firstValue("Content-Type").orElse("")).startsWith("text/event-stream");
        return res.body();
    }

    /** Reads SSE events until the stream ends or {@code handler} returns false. */
    interface EventHandler {
        boolean on(String name, String data) throws Exception;
    }

    static void readEvents(InputStream in, EventHandler handler) throws Exception {
        BufferedReader r = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8));
        String name = null;
        StringBuilder data = new StringBuilder();
        for (String line = r.readLine(); line != null; line = r.readLine()) {
            if (line.startsWith("event: ")) {
                name = line.substring(7);
            } else if (line.startsWith("data: ")) {
                data.append(line.substring(6));
            } else if (line.isEmpty() && name != null) {
                if (!handler.on(name, data.toString())) {
                    return;
                }
                name = null;
                data.setLength(0);
            }
        }
    }
}
