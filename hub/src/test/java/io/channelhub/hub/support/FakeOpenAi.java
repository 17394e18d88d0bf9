package io.channelhub.hub.support;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * A local stand-in for an OpenAI-compatible server. It checks each request against the documented shape of
 * {@code POST /v1/chat/completions} and {@code POST /v1/responses} (model, messages or input, auth header) and
 * answers with scripted replies in OpenAI's documented JSON and SSE chunk shapes.
 */
public final class FakeOpenAi implements AutoCloseable {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final HttpServer server;
    private final ConcurrentLinkedQueue<Reply> script = new ConcurrentLinkedQueue<>();
    private final List<JsonNode> requests = new CopyOnWriteArrayList<>();
    private final List<Map<String, List<String>>> headers = new CopyOnWriteArrayList<>();
    private final List<String> problems = new CopyOnWriteArrayList<>();
    private volatile Reply fallback;
    private volatile java.util.function.Function<JsonNode, Reply> answering;
    private final java.util.concurrent.atomic.AtomicInteger inFlight = new java.util.concurrent.atomic.AtomicInteger();
    private final java.util.concurrent.atomic.AtomicInteger peakInFlight =
            new java.util.concurrent.atomic.AtomicInteger();
    private final java.util.Set<java.net.InetSocketAddress> peers = java.util.concurrent.ConcurrentHashMap.newKeySet();
    /** Set when a client went away while a stream was being written. */
    public final AtomicBoolean streamAborted = new AtomicBoolean();

    /** One scripted answer. */
    public sealed interface Reply {
    }

    /** A plain JSON answer. */
    public record Json(int status, String body, Map<String, String> headers) implements Reply {
    }

    /** An SSE answer: each event written and flushed, then a pause. */
    public record Sse(List<String> events, long pauseMillis) implements Reply {
    }

    /** No answer for this long. */
    public record Hang(long millis) implements Reply {
    }

    /** {@code then} answered once {@code release} is counted down (at most a minute later). */
    public record Held(java.util.concurrent.CountDownLatch release, Reply then) implements Reply {
    }

    public FakeOpenAi() throws IOException {
        // A deep accept queue: a hub under load opens hundreds of connections at once.
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 4096);
        server.setExecutor(Executors.newCachedThreadPool(r -> {
            Thread t = new Thread(r, "fake-openai");
            t.setDaemon(true);
            return t;
        }));
        server.createContext("/v1/chat/completions", ex -> handle(ex, "chat"));
        server.createContext("/v1/responses", ex -> handle(ex, "responses"));
        server.start();
    }

    /** The hub's operator model credentials pointing at this fake. */
    public io.dropwizard.testing.ConfigOverride[] asOperatorModel() {
        return new io.dropwizard.testing.ConfigOverride[] {
            io.dropwizard.testing.ConfigOverride.config("models.openaiBaseUrl", baseUrl()),
            io.dropwizard.testing.ConfigOverride.config("models.openaiApiKey", "sk-test-global")};
    }

    public String baseUrl() {
        return "http://127.0.0.1:" + server.getAddress().getPort() + "/v1";
    }

    /** The answer when nothing is scripted (by default a 500). */
    public FakeOpenAi always(Reply r) {
        fallback = r;
        return this;
    }

    /**
     * Answers each request by what it asks (before the script and {@link #always}): for callers whose requests
     * interleave, such as an agent's turn and a plugin's model call about it.
     */
    public FakeOpenAi answering(java.util.function.Function<JsonNode, Reply> answer) {
        answering = answer;
        return this;
    }

    /** Requests being answered right now, and the most there were at once since the last reset. */
    public int peakInFlight() {
        return peakInFlight.get();
    }

    public FakeOpenAi then(Reply r) {
        script.add(r);
        return this;
    }

    /** The headers of each request, in order. */
    public List<Map<String, List<String>>> headers() {
        return headers;
    }

    public List<JsonNode> requests() {
        return requests;
    }

    /** Requests that did not follow the documented shape. */
    public List<String> problems() {
        return problems;
    }

    /** Connections the requests since the last reset came on (a client that reuses them opens few). */
    public int connections() {
        return peers.size();
    }

    public void reset() {
        peers.clear();
        fallback = null;
        answering = null;
        peakInFlight.set(0);
        script.clear();
        requests.clear();
        headers.clear();
        problems.clear();
        streamAborted.set(false);
    }

    private void handle(HttpExchange ex, String api) throws IOException {
        peakInFlight.accumulateAndGet(inFlight.incrementAndGet(), Math::max);
        try {
            JsonNode body = JSON.readTree(ex.getRequestBody());
            requests.add(body);
            peers.add(ex.getRemoteAddress());
            headers.add(Map.copyOf(ex.getRequestHeaders()));
            check(ex, api, body);
            java.util.function.Function<JsonNode, Reply> byRequest = answering;
            Reply r = byRequest != null ? byRequest.apply(body) : script.poll();
            if (r == null) {
                r = fallback;
            }
            if (r == null) {
                r = new Json(500, "{\"error\":{\"message\":\"no scripted reply\",\"type\":\"server_error\"}}", Map.of());
            }
            if (r instanceof Held held) {
                held.release().await(1, java.util.concurrent.TimeUnit.MINUTES);
                r = held.then();
            }
            if (r instanceof Hang h) {
                Thread.sleep(h.millis());
                ex.sendResponseHeaders(504, -1);
                return;
            }
            if (r instanceof Json j) {
                j.headers().forEach((k, v) -> ex.getResponseHeaders().add(k, v));
                ex.getResponseHeaders().add("Content-Type", "application/json");
                byte[] b = j.body().getBytes(StandardCharsets.UTF_8);
                ex.sendResponseHeaders(j.status(), b.length);
                ex.getResponseBody().write(b);
                return;
            }
            Sse s = (Sse) r;
            ex.getResponseHeaders().add("Content-Type", "text/event-stream");
            ex.sendResponseHeaders(200, 0);
            OutputStream out = ex.getResponseBody();
            try {
                for (String e : s.events()) {
                    out.write(e.getBytes(StandardCharsets.UTF_8));
                    out.flush();
                    if (s.pauseMillis() > 0) {
                        Thread.sleep(s.pauseMillis());
                    }
                }
            } catch (IOException gone) {
                streamAborted.set(true);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            inFlight.decrementAndGet();
            ex.close();
        }
    }

    private void check(HttpExchange ex, String api, JsonNode body) {
        String auth = ex.getRequestHeaders().getFirst("Authorization");
        if (auth == null || !auth.startsWith("Bearer ")) {
            problems.add("no bearer token");
        }
        if (!body.path("model").isTextual()) {
            problems.add("model missing");
        }
        if ("chat".equals(api)) {
            if (!body.path("messages").isArray() || body.path("messages").isEmpty()) {
                problems.add("messages missing");
            }
            for (JsonNode m : body.path("messages")) {
                String role = m.path("role").asText();
                if (!List.of("system", "developer", "user", "assistant", "tool").contains(role)) {
                    problems.add("bad role " + role);
                }
                if ("tool".equals(role) && !m.path("tool_call_id").isTextual()) {
                    problems.add("tool message without tool_call_id");
                }
                for (JsonNode part : m.path("content").isArray() ? m.path("content") : JSON.createArrayNode()) {
                    checkPart(part, Map.of("text", "text", "image_url", "image_url", "file", "file"));
                }
            }
        } else if (!body.has("input")) {
            problems.add("input missing");
        } else {
            for (JsonNode item : body.path("input")) {
                for (JsonNode part : item.path("content").isArray() ? item.path("content") : JSON.createArrayNode()) {
                    checkPart(part, Map.of("input_text", "text", "input_image", "image_url", "input_file",
                            "file_data"));
                }
            }
        }
    }

    /** A content part: a documented type and the field that type requires (image URLs http(s) or data:). */
    private void checkPart(JsonNode part, Map<String, String> requiredByType) {
        String type = part.path("type").asText();
        String field = requiredByType.get(type);
        if (field == null || part.path(field).isMissingNode()) {
            problems.add("bad content part " + part);
            return;
        }
        JsonNode url = part.path(field).isObject() ? part.path(field).path("url") : part.path(field);
        if (field.equals("image_url") && !url.asText().matches("(https?:|data:image/).*")) {
            problems.add("bad image url");
        }
        if (type.equals("file") && part.path("file").path("file_data").isMissingNode()
                && part.path("file").path("file_id").isMissingNode()) {
            problems.add("file part without file_data or file_id");
        }
    }

    // Documented shapes ----------------------------------------------------------------------------------------

    public static Json chatReply(String content, int promptTokens, int completionTokens) {
        return new Json(200, "{\"id\":\"chatcmpl-1\",\"object\":\"chat.completion\",\"created\":1700000000,"
                + "\"model\":\"gpt-4o-mini-2024-07-18\",\"choices\":[{\"index\":0,\"message\":{\"role\":\"assistant\","
                + "\"content\":" + quote(content) + ",\"refusal\":null},\"logprobs\":null,\"finish_reason\":\"stop\"}],"
                + "\"usage\":{\"prompt_tokens\":" + promptTokens + ",\"completion_tokens\":" + completionTokens
                + ",\"total_tokens\":" + (promptTokens + completionTokens) + "}}", Map.of());
    }

    public static Json chatToolCall(String callId, String name, String arguments) {
        return new Json(200, "{\"id\":\"chatcmpl-2\",\"object\":\"chat.completion\",\"created\":1700000000,"
                + "\"model\":\"gpt-4o-mini\",\"choices\":[{\"index\":0,\"message\":{\"role\":\"assistant\","
                + "\"content\":null,\"refusal\":null,\"tool_calls\":[{\"id\":" + quote(callId) + ",\"type\":\"function\","
                + "\"function\":{\"name\":" + quote(name) + ",\"arguments\":" + quote(arguments) + "}}]},"
                + "\"logprobs\":null,\"finish_reason\":\"tool_calls\"}],\"usage\":{\"prompt_tokens\":20,"
                + "\"completion_tokens\":10,\"total_tokens\":30}}", Map.of());
    }

    public static Sse chatStream(long pauseMillis, String... pieces) {
        List<String> events = new java.util.ArrayList<>();
        String head = "{\"id\":\"chatcmpl-3\",\"object\":\"chat.completion.chunk\",\"created\":1700000000,"
                + "\"model\":\"gpt-4o-mini\",";
        events.add("data: " + head + "\"choices\":[{\"index\":0,\"delta\":{\"role\":\"assistant\",\"content\":\"\"},"
                + "\"logprobs\":null,\"finish_reason\":null}]}\n\n");
        for (String p : pieces) {
            events.add("data: " + head + "\"choices\":[{\"index\":0,\"delta\":{\"content\":" + quote(p) + "},"
                    + "\"logprobs\":null,\"finish_reason\":null}]}\n\n");
        }
        events.add("data: " + head + "\"choices\":[{\"index\":0,\"delta\":{},\"logprobs\":null,"
                + "\"finish_reason\":\"stop\"}]}\n\n");
        events.add("data: " + head + "\"choices\":[],\"usage\":{\"prompt_tokens\":9,\"completion_tokens\":"
                + pieces.length + ",\"total_tokens\":" + (9 + pieces.length) + "}}\n\n");
        events.add("data: [DONE]\n\n");
        return new Sse(events, pauseMillis);
    }

    /** A streamed tool call, split the way OpenAI splits it: id and name first, then argument pieces. */
    public static Sse chatToolCallStream(String callId, String name, String arguments) {
        String head = "{\"id\":\"chatcmpl-4\",\"object\":\"chat.completion.chunk\",\"created\":1700000000,"
                + "\"model\":\"gpt-4o-mini\",";
        int half = arguments.length() / 2;
        List<String> events = new java.util.ArrayList<>();
        events.add("data: " + head + "\"choices\":[{\"index\":0,\"delta\":{\"role\":\"assistant\",\"content\":null,"
                + "\"tool_calls\":[{\"index\":0,\"id\":" + quote(callId) + ",\"type\":\"function\",\"function\":"
                + "{\"name\":" + quote(name) + ",\"arguments\":\"\"}}]},\"logprobs\":null,\"finish_reason\":null}]}\n\n");
        for (String piece : List.of(arguments.substring(0, half), arguments.substring(half))) {
            events.add("data: " + head + "\"choices\":[{\"index\":0,\"delta\":{\"tool_calls\":[{\"index\":0,"
                    + "\"function\":{\"arguments\":" + quote(piece) + "}}]},\"logprobs\":null,\"finish_reason\":null}]}\n\n");
        }
        events.add("data: " + head + "\"choices\":[{\"index\":0,\"delta\":{},\"logprobs\":null,"
                + "\"finish_reason\":\"tool_calls\"}]}\n\n");
        events.add("data: " + head + "\"choices\":[],\"usage\":{\"prompt_tokens\":20,\"completion_tokens\":8,"
                + "\"total_tokens\":28}}\n\n");
        events.add("data: [DONE]\n\n");
        return new Sse(events, 0);
    }

    public static Json responsesReply(String text) {
        return new Json(200, "{\"id\":\"resp_1\",\"object\":\"response\",\"created_at\":1700000000,"
                + "\"status\":\"completed\",\"model\":\"gpt-4.1-mini\",\"output\":[{\"type\":\"message\","
                + "\"id\":\"msg_1\",\"status\":\"completed\",\"role\":\"assistant\",\"content\":[{\"type\":"
                + "\"output_text\",\"text\":" + quote(text) + ",\"annotations\":[]}]}],\"parallel_tool_calls\":true,"
                + "\"tool_choice\":\"auto\",\"tools\":[],\"usage\":{\"input_tokens\":11,\"input_tokens_details\":"
                + "{\"cached_tokens\":0},\"output_tokens\":4,\"output_tokens_details\":{\"reasoning_tokens\":0},"
                + "\"total_tokens\":15}}", Map.of());
    }

    public static Sse responsesStream(String... pieces) {
        return responsesStream(0, pieces);
    }

    /** A Responses API stream whose events come {@code pauseMillis} apart. */
    public static Sse responsesStream(long pauseMillis, String... pieces) {
        List<String> events = new java.util.ArrayList<>();
        StringBuilder all = new StringBuilder();
        int seq = 0;
        for (String p : pieces) {
            all.append(p);
            events.add("event: response.output_text.delta\ndata: {\"type\":\"response.output_text.delta\","
                    + "\"item_id\":\"msg_1\",\"output_index\":0,\"content_index\":0,\"delta\":" + quote(p)
                    + ",\"sequence_number\":" + (seq++) + "}\n\n");
        }
        events.add("event: response.completed\ndata: {\"type\":\"response.completed\",\"sequence_number\":" + seq
                + ",\"response\":" + responsesReply(all.toString()).body() + "}\n\n");
        return new Sse(events, pauseMillis);
    }

    public static Json error(int status, String type, Map<String, String> headers) {
        return new Json(status, "{\"error\":{\"message\":\"" + type + "\",\"type\":\"" + type + "\",\"param\":null,"
                + "\"code\":null}}", headers);
    }

    static String quote(String s) {
        try {
            return JSON.writeValueAsString(s);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
