package io.channelhub.hub.llm;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.databind.JsonNode;
import io.channelhub.hub.concurrency.PlatformStarts;
import io.channelhub.hub.observability.Tracing;
import io.channelhub.plugin.Settings;
import io.channelhub.plugin.SettingsSchema;
import io.channelhub.plugin.model.ModelException;
import io.channelhub.plugin.model.ModelProvider;
import io.channelhub.plugin.model.ModelReply;
import io.channelhub.plugin.model.ModelRequest;
import io.channelhub.plugin.model.ModelStream;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Flow;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * OpenAI-compatible models over the JDK's HTTP client: Chat Completions or the Responses API, plain or streamed.
 * One client for every endpoint keeps connections open and reused; bodies are written and read with Jackson's
 * streaming API ({@link OpenAiWire}), and a stream is read as bytes, one server-sent event at a time. It sends what
 * the official openai-java SDK sends for the same request and classifies failures the same way;
 * {@code OpenAiWireCompatibilityTest} holds the two side by side. The SDK ({@link OpenAiProvider}) stays the
 * client for Azure OpenAI (its own authentication and paths) and for operators who choose it ({@code models.client}).
 * No retries here: the gateway retries and breaks circuits.
 */
public class OpenAiHttpProvider implements ModelProvider {

    private static final Duration CONNECT = Duration.ofSeconds(10);
    private static final Duration STREAM_LIMIT = Duration.ofMinutes(10);
    /** An error body beyond this is cut: it is only read for its message. */
    private static final int ERROR_BODY_LIMIT = 64 * 1024;

    private final HttpClient http;
    private final OpenAiProvider sdk;
    private final String userAgent;

    public OpenAiHttpProvider(OpenAiProvider sdk) {
        this.sdk = sdk;
        this.http = HttpClient.newBuilder().connectTimeout(CONNECT).followRedirects(HttpClient.Redirect.NEVER)
                .build();
        String version = OpenAiHttpProvider.class.getPackage().getImplementationVersion();
        this.userAgent = "ChannelHub/" + (version == null ? "dev" : version);
    }

    @Override
    public String id() {
        return ModelGateway.OPENAI;
    }

    @Override
    public SettingsSchema settingsSchema() {
        return sdk.settingsSchema();
    }

    /** Azure OpenAI authenticates and routes its own way; the SDK knows it. */
    static boolean azure(String baseUrl) {
        String host = URI.create(baseUrl).getHost();
        host = host == null ? "" : host.toLowerCase(Locale.ROOT);
        return host.endsWith(".openai.azure.com") || host.endsWith(".cognitiveservices.azure.com")
                || host.endsWith(".services.ai.azure.com");
    }

    /** The endpoint's base URL without a trailing slash (OpenAI's own when none is set); also the embeddings'. */
    public static String baseUrl(Settings s) {
        String base = s.get("base_url").orElse("https://api.openai.com/v1");
        return base.endsWith("/") ? base.substring(0, base.length() - 1) : base;
    }

    private static Duration timeout(Settings s) {
        return Duration.ofMillis(s.getLong("timeout_ms").orElse(60_000L));
    }

    /**
     * The request, without a timeout of its own: the caller bounds the wait for the answer itself (and cancels the
     * exchange when it passes). The client keeps a request's timeout in a list under its own monitor, which its one
     * selector thread takes on every turn of its loop; with thousands of virtual threads adding and removing theirs,
     * the selector queued on that monitor behind them (docs/benchmarks.md, 10,000 streams).
     */
    private HttpRequest request(Settings s, ModelRequest r, boolean stream) {
        String base = baseUrl(s);
        boolean responses = r.api() == ModelRequest.Api.RESPONSES;
        byte[] body = responses ? OpenAiWire.responsesBody(r, stream)
                : OpenAiWire.chatBody(r, s.getBoolean("legacy_max_tokens").orElse(false), stream);
        URI uri = URI.create(base + (responses ? "/responses" : "/chat/completions"));
        HttpRequest.Builder b = HttpRequest.newBuilder(uri)
                // Plain HTTP (Ollama, vLLM, a sidecar) stays HTTP/1.1: no h2c upgrade offer on every request.
                .version("https".equalsIgnoreCase(uri.getScheme()) ? HttpClient.Version.HTTP_2
                        : HttpClient.Version.HTTP_1_1)
                .header("Authorization", "Bearer " + s.get("api_key").orElse("none"))
                .header("Content-Type", "application/json")
                .header("Accept", stream ? "text/event-stream" : "application/json")
                .header("User-Agent", userAgent)
                .POST(HttpRequest.BodyPublishers.ofByteArray(body));
        s.get("organization").filter(o -> !o.isEmpty()).ifPresent(o -> b.header("OpenAI-Organization", o));
        // W3C trace context of the current (model call) span: the call joins the request's trace.
        for (Map.Entry<String, String> h : Tracing.headers(io.opentelemetry.context.Context.current()).entrySet()) {
            b.header(h.getKey(), h.getValue());
        }
        return b.build();
    }

    @Override
    public ModelReply complete(ModelRequest request, Settings settings) throws ModelException {
        if (azure(baseUrl(settings))) {
            return sdk.complete(request, settings);
        }
        Duration t = timeout(settings);
        HttpRequest req = request(settings, request, false);
        // Started from a platform thread: see PlatformStarts.
        CompletableFuture<HttpResponse<byte[]>> call =
                PlatformStarts.start(() -> http.sendAsync(req, HttpResponse.BodyHandlers.ofByteArray()));
        HttpResponse<byte[]> response;
        try {
            // The whole exchange, body included, within the timeout; past it the exchange is cancelled.
            response = call.get(t.toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            call.cancel(true);
            throw new ModelException(ModelException.Kind.TIMEOUT, "no answer in time", e);
        } catch (InterruptedException e) {
            call.cancel(true);
            Thread.currentThread().interrupt();
            throw new ModelException(ModelException.Kind.TIMEOUT, "interrupted while waiting for the model", e);
        } catch (ExecutionException e) {
            throw failed(e.getCause());
        }
        if (response.statusCode() / 100 != 2) {
            throw refused(response.statusCode(), response.headers(), response.body());
        }
        try {
            if (request.api() == ModelRequest.Api.RESPONSES) {
                return OpenAiWire.responsesReply(OpenAiWire.tree(new ByteArrayInputStream(response.body())));
            }
            return OpenAiWire.chatReply(new ByteArrayInputStream(response.body()));
        } catch (IOException | RuntimeException e) {
            // A malformed answer is the upstream's fault; the gateway logs it.
            throw new ModelException(ModelException.Kind.UPSTREAM_ERROR, "model call failed: the reply could not be"
                    + " read (" + e.getMessage() + ")", e);
        }
    }

    @Override
    public ModelStream stream(ModelRequest request, Settings settings) throws ModelException {
        if (azure(baseUrl(settings))) {
            return sdk.stream(request, settings);
        }
        Duration t = timeout(settings);
        HttpRequest req = request(settings, request, true);
        Events events = new Events();
        CompletableFuture<HttpResponse<Events>> call = PlatformStarts.start(() -> http.sendAsync(req, info -> events));
        HttpResponse<Events> response;
        try {
            response = call.get(t.toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            call.cancel(true);
            events.close();
            throw new ModelException(ModelException.Kind.TIMEOUT, "no answer in time", e);
        } catch (InterruptedException e) {
            call.cancel(true);
            events.close();
            Thread.currentThread().interrupt();
            throw new ModelException(ModelException.Kind.TIMEOUT, "interrupted while waiting for the model", e);
        } catch (ExecutionException e) {
            events.close();
            throw failed(e.getCause());
        }
        if (response.statusCode() / 100 != 2) {
            byte[] body = events.drain(ERROR_BODY_LIMIT, t);
            throw refused(response.statusCode(), response.headers(), body);
        }
        long deadline = System.nanoTime() + STREAM_LIMIT.toNanos();
        return request.api() == ModelRequest.Api.RESPONSES ? new ResponsesStream(events, t, deadline)
                : new ChatStream(events, t, deadline);
    }

    // Failures ---------------------------------------------------------------------------------------------------

    /** The same classes of failure the SDK's exceptions map to (see {@link OpenAiProvider#classify}). */
    static ModelException refused(int status, java.net.http.HttpHeaders headers, byte[] body) {
        String message = status + ": " + upstreamMessage(body);
        if (status == 429) {
            return new ModelException(ModelException.Kind.RATE_LIMITED, "rate limited", retryAfter(headers));
        }
        if (status == 401 || status == 403) {
            return new ModelException(ModelException.Kind.AUTHENTICATION, "credentials refused", (Duration) null);
        }
        if (status == 400 || status == 404 || status == 422) {
            return new ModelException(ModelException.Kind.BAD_REQUEST, message, (Duration) null);
        }
        if (status == 408) {
            return new ModelException(ModelException.Kind.TIMEOUT, "upstream timeout", (Duration) null);
        }
        return new ModelException(status >= 500 || status < 400 ? ModelException.Kind.UPSTREAM_ERROR
                : ModelException.Kind.BAD_REQUEST, message, (Duration) null);
    }

    /** OpenAI's {@code {"error":{"message":...}}}, or the start of whatever else the server said. */
    private static String upstreamMessage(byte[] body) {
        if (body == null || body.length == 0) {
            return "(no body)";
        }
        try {
            JsonNode error = OpenAiWire.tree(new ByteArrayInputStream(body)).path("error");
            if (error.path("message").isTextual()) {
                return error.path("message").asText();
            }
            if (error.isTextual()) {
                return error.asText();
            }
        } catch (IOException | RuntimeException notJson) {
            // fall through to the raw text
        }
        String text = new String(body, StandardCharsets.UTF_8).strip();
        return text.length() > 300 ? text.substring(0, 300) + "…" : text;
    }

    private static Duration retryAfter(java.net.http.HttpHeaders headers) {
        return headers.firstValue("Retry-After").map(v -> {
            try {
                return Duration.ofSeconds(Long.parseLong(v.trim()));
            } catch (NumberFormatException e) {
                return null;
            }
        }).orElse(null);
    }

    static ModelException failed(Throwable e) {
        if (e instanceof HttpConnectTimeoutException || e instanceof HttpTimeoutException) {
            return new ModelException(ModelException.Kind.TIMEOUT, "no answer in time", e);
        }
        if (e instanceof ConnectException) {
            return new ModelException(ModelException.Kind.UPSTREAM_ERROR, "model call failed: cannot connect", e);
        }
        return new ModelException(ModelException.Kind.UPSTREAM_ERROR, "model call failed: " + e, e);
    }

    // Streams ----------------------------------------------------------------------------------------------------

    /**
     * The response body as server-sent events. The HTTP client pushes byte buffers into a queue; the reader cuts
     * lines and events from them. {@link #close} may come from any thread: it cancels the exchange (the connection
     * is dropped, so the server stops) and wakes a reader waiting for the next buffer.
     *
     * <p>Flow control: {@link #WINDOW} buffers are queued, asked for, or taken by the reader and not asked for again,
     * in all. The buffers the reader took are asked for again by the next {@link #onNext}, on the client's own
     * thread; the reader asks itself only after taking half a window with no buffer arriving in between (a burst it
     * reads through). Asking for more takes the client's one selector lock, and the readers are virtual threads:
     * when each of them asked after every buffer, ten thousand streams on two busy carriers made that lock a convoy
     * (every hand-over waited for a carrier), the selector thread queued behind them, and the client neither read
     * replies nor opened connections for half a minute (docs/benchmarks.md).
     */
    static final class Events implements HttpResponse.BodySubscriber<Events> {
        /**
         * Buffers in flight at most: over HTTP/1.1 (the client reads 16 KiB at a time) about 128 KiB a stream whose
         * reader stalls; over HTTP/2 the stream's flow-control window bounds what the client buffers.
         */
        static final int WINDOW = 8;
        private static final Object END = new Object();
        private final LinkedBlockingQueue<Object> queue = new LinkedBlockingQueue<>();
        /** Buffers the reader took that were not asked for again yet. */
        private final AtomicInteger taken = new AtomicInteger();
        private volatile Flow.Subscription subscription;
        private volatile boolean closed;
        private List<ByteBuffer> current = List.of();
        private int currentIndex;
        private boolean ended;
        private final ByteArrayOutputStream line = new ByteArrayOutputStream(256);
        private boolean lastWasCr;

        /** One event: its name (null when none was given) and its data lines joined. */
        record Event(String name, String data) {
        }

        @Override
        public CompletionStage<Events> getBody() {
            // Ready at once: the caller reads as the bytes arrive.
            return CompletableFuture.completedFuture(this);
        }

        @Override
        public void onSubscribe(Flow.Subscription s) {
            subscription = s;
            if (closed) {
                s.cancel();
            } else {
                s.request(WINDOW);
            }
        }

        @Override
        public void onNext(List<ByteBuffer> item) {
            queue.add(item);
            int n = taken.getAndSet(0);
            if (n > 0) {
                subscription.request(n);
            }
        }

        @Override
        public void onError(Throwable t) {
            queue.add(t);
        }

        @Override
        public void onComplete() {
            queue.add(END);
        }

        void close() {
            closed = true;
            Flow.Subscription s = subscription;
            if (s != null) {
                s.cancel();
            }
            queue.add(END);
        }

        boolean closed() {
            return closed;
        }

        /** The next byte, or -1 at the end; waits at most {@code silence} for the server. */
        private int read(Duration silence, long deadline) throws ModelException {
            while (true) {
                if (currentIndex < current.size()) {
                    ByteBuffer b = current.get(currentIndex);
                    if (b.hasRemaining()) {
                        return b.get() & 0xff;
                    }
                    currentIndex++;
                    continue;
                }
                if (ended || closed) {
                    return -1;
                }
                Object next;
                try {
                    long wait = Math.min(silence.toNanos(), deadline - System.nanoTime());
                    next = queue.poll(Math.max(0, wait), TimeUnit.NANOSECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    close();
                    throw new ModelException(ModelException.Kind.TIMEOUT, "interrupted while streaming", e);
                }
                if (next == null) {
                    close();
                    throw new ModelException(ModelException.Kind.TIMEOUT, "the model stream went silent", (Duration) null);
                }
                if (next == END) {
                    ended = true;
                    return -1;
                }
                if (next instanceof Throwable t) {
                    ended = true;
                    if (closed) {
                        return -1;
                    }
                    throw failed(t);
                }
                @SuppressWarnings("unchecked")
                List<ByteBuffer> buffers = (List<ByteBuffer>) next;
                current = buffers;
                currentIndex = 0;
                if (taken.incrementAndGet() >= WINDOW / 2) {
                    int n = taken.getAndSet(0);
                    Flow.Subscription s = subscription;
                    if (n > 0 && s != null) {
                        s.request(n);
                    }
                }
            }
        }

        /** The next line without its terminator (LF, CR LF or CR), or null at the end. */
        private String readLine(Duration silence, long deadline) throws ModelException {
            line.reset();
            while (true) {
                int c = read(silence, deadline);
                if (c == -1) {
                    return line.size() == 0 ? null : line.toString(StandardCharsets.UTF_8);
                }
                if (c == '\n' && lastWasCr) {
                    lastWasCr = false;
                    continue;
                }
                lastWasCr = c == '\r';
                if (c == '\n' || c == '\r') {
                    return line.toString(StandardCharsets.UTF_8);
                }
                line.write(c);
            }
        }

        /** The next event with data, or null at the end of the body. */
        Event next(Duration silence, long deadline) throws ModelException {
            String name = null;
            StringBuilder data = null;
            while (true) {
                String l = readLine(silence, deadline);
                if (l == null) {
                    return data == null ? null : new Event(name, data.toString());
                }
                if (l.isEmpty()) {
                    if (data != null) {
                        return new Event(name, data.toString());
                    }
                    name = null;
                    continue;
                }
                if (l.startsWith(":")) {
                    continue;
                }
                int colon = l.indexOf(':');
                String field = colon < 0 ? l : l.substring(0, colon);
                String value = colon < 0 ? "" : l.substring(colon + 1);
                if (value.startsWith(" ")) {
                    value = value.substring(1);
                }
                if ("data".equals(field)) {
                    data = data == null ? new StringBuilder(value) : data.append('\n').append(value);
                } else if ("event".equals(field)) {
                    name = value;
                }
            }
        }

        /** An error answer's body, up to {@code limit} bytes. */
        byte[] drain(int limit, Duration silence) {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            long deadline = System.nanoTime() + silence.toNanos();
            try {
                for (int c = read(silence, deadline); c != -1 && out.size() < limit; c = read(silence, deadline)) {
                    out.write(c);
                }
            } catch (ModelException e) {
                // what arrived is enough for a message
            } finally {
                close();
            }
            return out.toByteArray();
        }
    }

    private abstract static class BaseStream implements ModelStream {
        protected final Events events;
        private final Duration silence;
        private final long deadline;

        BaseStream(Events events, Duration silence, long deadline) {
            this.events = events;
            this.silence = silence;
            this.deadline = deadline;
        }

        protected Events.Event event() throws ModelException {
            if (events.closed()) {
                return null;
            }
            if (System.nanoTime() > deadline) {
                events.close();
                throw new ModelException(ModelException.Kind.TIMEOUT, "the model stream ran too long", (Duration) null);
            }
            try {
                return events.next(silence, deadline);
            } catch (ModelException e) {
                if (events.closed() && e.kind() != ModelException.Kind.TIMEOUT) {
                    return null;
                }
                throw e;
            }
        }

        protected static ModelException unreadable(Exception e) {
            return new ModelException(ModelException.Kind.UPSTREAM_ERROR, "model call failed: a stream event could"
                    + " not be read (" + e.getMessage() + ")", e);
        }

        @Override
        public void close() {
            events.close();
        }
    }

    private static final class ChatStream extends BaseStream {
        private final StringBuilder text = new StringBuilder();
        private final OpenAiWire.ToolCalls tools = new OpenAiWire.ToolCalls();
        private String finish = "stop";
        private String model = "";
        private ModelReply.Usage usage = new ModelReply.Usage(0, 0);

        ChatStream(Events events, Duration silence, long deadline) {
            super(events, silence, deadline);
        }

        @Override
        public String nextDelta() throws ModelException {
            for (Events.Event e = event(); e != null; e = event()) {
                if ("[DONE]".equals(e.data())) {
                    // Read to the end of the body rather than cancel: the connection goes back to the pool.
                    while (event() != null) {
                        // nothing follows [DONE] on a well-behaved server
                    }
                    return null;
                }
                OpenAiWire.ChatPiece piece;
                try (JsonParser p = OpenAiWire.JSON.createParser(e.data())) {
                    piece = OpenAiWire.readChat(p, tools);
                } catch (IOException | RuntimeException ex) {
                    events.close();
                    throw unreadable(ex);
                }
                if (piece.error != null) {
                    events.close();
                    throw new ModelException(ModelException.Kind.UPSTREAM_ERROR, "the model failed mid-stream: "
                            + piece.error, (Duration) null);
                }
                if (piece.model != null) {
                    model = piece.model;
                }
                if (piece.usage != null) {
                    usage = piece.usage;
                }
                if (piece.finishReason != null) {
                    finish = piece.finishReason;
                }
                if (piece.content.length() > 0) {
                    text.append(piece.content);
                    return piece.content.toString();
                }
            }
            return null;
        }

        @Override
        public ModelReply reply() {
            return new ModelReply(text.toString(), tools.calls(), finish, usage, model);
        }
    }

    private static final class ResponsesStream extends BaseStream {
        private final StringBuilder text = new StringBuilder();
        private ModelReply completed;

        ResponsesStream(Events events, Duration silence, long deadline) {
            super(events, silence, deadline);
        }

        @Override
        public String nextDelta() throws ModelException {
            for (Events.Event e = event(); e != null; e = event()) {
                JsonNode node;
                try {
                    node = OpenAiWire.tree(e.data());
                } catch (IOException | RuntimeException ex) {
                    events.close();
                    throw unreadable(ex);
                }
                String type = node.path("type").asText(e.name() == null ? "" : e.name());
                switch (type) {
                    case "response.output_text.delta" -> {
                        String d = node.path("delta").asText("");
                        if (!d.isEmpty()) {
                            text.append(d);
                            return d;
                        }
                    }
                    case "response.completed" -> completed = OpenAiWire.responsesReply(node.path("response"));
                    case "response.failed", "error" -> {
                        events.close();
                        throw new ModelException(ModelException.Kind.UPSTREAM_ERROR, "the response failed",
                                (Duration) null);
                    }
                    default -> {
                        // created, in_progress, output_item.added, ...: nothing the hub needs
                    }
                }
            }
            return null;
        }

        @Override
        public ModelReply reply() {
            if (completed != null) {
                return new ModelReply(text.length() > 0 ? text.toString() : completed.content(),
                        completed.toolCalls(), completed.finishReason(), completed.usage(), completed.model());
            }
            return new ModelReply(text.toString(), List.of(), "stop", new ModelReply.Usage(0, 0), "");
        }
    }
}
