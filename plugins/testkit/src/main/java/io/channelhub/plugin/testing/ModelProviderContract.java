package io.channelhub.plugin.testing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.net.httpserver.HttpServer;
import io.channelhub.plugin.Settings;
import io.channelhub.plugin.model.ModelException;
import io.channelhub.plugin.model.ModelMessage;
import io.channelhub.plugin.model.ModelProvider;
import io.channelhub.plugin.model.ModelReply;
import io.channelhub.plugin.model.ModelRequest;
import io.channelhub.plugin.model.ModelStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * What the hub relies on from every model provider, as tests a provider's plugin inherits. A provider only translates:
 * the hub retries by the kind of {@link ModelException} (rate limited, timeout and upstream errors; never
 * authentication or a bad request), meters the reply's usage, and closes a stream when its caller goes away. The
 * contract runs the provider against a local server that answers with what the subclass says its provider's API
 * answers, so nothing leaves the machine.
 *
 * <pre>{@code
 * class AcmeModelsContractTest extends ModelProviderContract {
 *     protected ModelProvider provider() { return new AcmeModels(); }
 *     protected Settings settings(String baseUrl) { return new Settings(Map.of("base_url", baseUrl, "api_key", "k")); }
 *     protected ProviderAnswer completion(String text, long prompt, long completion) { ... Acme's JSON ... }
 *     protected String streamed(List<String> pieces, long prompt, long completion) { ... Acme's SSE body ... }
 * }
 * }</pre>
 *
 * @since 1.4.0
 */
public abstract class ModelProviderContract {

    /** The provider under test. */
    protected abstract ModelProvider provider();

    /** Complete settings that point the provider at {@code baseUrl}, the contract's server (no trailing slash). */
    protected abstract Settings settings(String baseUrl);

    /** The provider API's answer to a completion whose reply is {@code text}, with these token counts. */
    protected abstract ProviderAnswer completion(String text, long promptTokens, long completionTokens);

    /** The provider API's streamed answer (the whole body) that sends {@code pieces} in order, with token counts. */
    protected abstract String streamed(List<String> pieces, long promptTokens, long completionTokens);

    /** The content type of a streamed answer. */
    protected String streamContentType() {
        return "text/event-stream";
    }

    /** The answer past the rate limit. */
    protected ProviderAnswer rateLimited() {
        return new ProviderAnswer(429, "{\"error\":{\"message\":\"Rate limit reached\"}}");
    }

    /** The answer of a failing server. */
    protected ProviderAnswer serverError() {
        return new ProviderAnswer(500, "{\"error\":{\"message\":\"internal error\"}}");
    }

    /** The answer to credentials it refuses. */
    protected ProviderAnswer authenticationFailed() {
        return new ProviderAnswer(401, "{\"error\":{\"message\":\"Incorrect API key provided\"}}");
    }

    /** The answer to a request it refuses (an unknown model). */
    protected ProviderAnswer badRequest() {
        return new ProviderAnswer(400, "{\"error\":{\"message\":\"The model does not exist\"}}");
    }

    /** The request the contract sends: one user message, the model {@code contract-model}. */
    protected ModelRequest request() {
        return new ModelRequest("contract-model", ModelRequest.Api.CHAT_COMPLETIONS, "Answer briefly.",
                List.of(ModelMessage.user("Say hello")), null, null, 100, List.of(), null, List.of());
    }

    private record Scripted(int status, String contentType, byte[] body, boolean trickle) {
    }

    private HttpServer server;
    private final BlockingQueue<Scripted> answers = new LinkedBlockingQueue<>();
    private final BlockingQueue<String> received = new LinkedBlockingQueue<>();
    private final CountDownLatch streamAbandoned = new CountDownLatch(1);

    @BeforeEach
    void startServer() throws IOException {
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/", exchange -> {
            received.add(exchange.getRequestMethod() + " " + exchange.getRequestURI() + "\n"
                    + new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8));
            Scripted a = answers.poll();
            if (a == null) {
                a = new Scripted(500, "text/plain", "nothing scripted".getBytes(StandardCharsets.UTF_8), false);
            }
            exchange.getResponseHeaders().add("Content-Type", a.contentType());
            if (!a.trickle()) {
                exchange.sendResponseHeaders(a.status(), a.body().length == 0 ? -1 : a.body().length);
                try (OutputStream out = exchange.getResponseBody()) {
                    out.write(a.body());
                }
                return;
            }
            // The first piece at once, then one more every 100 ms until the client goes away (or 20 s pass).
            exchange.sendResponseHeaders(a.status(), 0);
            OutputStream out = exchange.getResponseBody();
            try {
                out.write(a.body());
                out.flush();
                for (int i = 0; i < 200; i++) {
                    Thread.sleep(100);
                    out.write(":\n\n".getBytes(StandardCharsets.UTF_8));
                    out.flush();
                }
            } catch (IOException gone) {
                streamAbandoned.countDown();
            } catch (InterruptedException stopping) {
                Thread.currentThread().interrupt();
            } finally {
                exchange.close();
            }
        });
        server.setExecutor(java.util.concurrent.Executors.newCachedThreadPool(r -> {
            Thread t = new Thread(r, "model-provider-contract");
            t.setDaemon(true);
            return t;
        }));
        server.start();
    }

    @AfterEach
    void stopServer() {
        server.stop(0);
    }

    private String baseUrl() {
        return "http://127.0.0.1:" + server.getAddress().getPort();
    }

    private void answer(ProviderAnswer a) {
        answers.add(new Scripted(a.status(), "application/json", a.body().getBytes(StandardCharsets.UTF_8), false));
    }

    @Test
    void itHasAnIdAndASettingsSchema() {
        ModelProvider p = provider();
        assertTrue(p.id() != null && p.id().matches("[a-z0-9][a-z0-9_-]*"), "an id agents can name: " + p.id());
        assertNotNull(p.settingsSchema(), "a settings schema (its credentials)");
    }

    @Test
    void aCompletionCarriesTheTextAndTheUsage() throws Exception {
        answer(completion("Hello there", 12, 3));
        ModelReply reply = provider().complete(request(), settings(baseUrl()));
        assertEquals("Hello there", reply.content());
        assertNotNull(reply.usage(), "the usage the hub meters");
        assertEquals(12, reply.usage().promptTokens());
        assertEquals(3, reply.usage().completionTokens());
        String sent = received.poll(5, TimeUnit.SECONDS);
        assertNotNull(sent, "the provider called the server");
        assertTrue(sent.contains("contract-model"), "the request names the model: " + sent);
        assertTrue(sent.contains("Say hello"), "the request carries the user's message: " + sent);
    }

    @Test
    void aStreamDeliversThePiecesInOrderAndThenTheWholeReply() throws Exception {
        List<String> pieces = List.of("Hel", "lo", " there");
        answers.add(new Scripted(200, streamContentType(), streamed(pieces, 12, 3).getBytes(StandardCharsets.UTF_8),
                false));
        StringBuilder text = new StringBuilder();
        try (ModelStream s = provider().stream(request(), settings(baseUrl()))) {
            for (String d = s.nextDelta(); d != null; d = s.nextDelta()) {
                text.append(d);
            }
            assertEquals("Hello there", text.toString(), "the pieces, in order");
            assertEquals("Hello there", s.reply().content(), "the whole reply once the stream ended");
        }
    }

    @Test
    void closingAStreamStopsTheUpstreamCall() throws Exception {
        // The body up to the end of the event (or line) that carries the first piece; then the connection stays open.
        String first = streamed(List.of("Hel"), 12, 1);
        int at = first.indexOf("Hel");
        int events = first.indexOf("\n\n", at);
        String opening = events >= 0 ? first.substring(0, events + 2) : first.substring(0, first.indexOf('\n', at) + 1);
        answers.add(new Scripted(200, streamContentType(), opening.getBytes(StandardCharsets.UTF_8), true));
        ModelStream s = provider().stream(request(), settings(baseUrl()));
        assertEquals("Hel", s.nextDelta(), "the first piece arrives before the stream ends");
        s.close();
        assertTrue(streamAbandoned.await(15, TimeUnit.SECONDS), "the server saw the connection go away");
    }

    @Test
    void failuresAreClassifiedSoTheHubRetriesOnlyWhatMayPass() {
        assertKind(rateLimited(), ModelException.Kind.RATE_LIMITED);
        assertKind(serverError(), ModelException.Kind.UPSTREAM_ERROR);
        assertKind(authenticationFailed(), ModelException.Kind.AUTHENTICATION);
        assertKind(badRequest(), ModelException.Kind.BAD_REQUEST);
    }

    private void assertKind(ProviderAnswer a, ModelException.Kind kind) {
        answer(a);
        ModelException e = assertThrows(ModelException.class, () -> provider().complete(request(),
                settings(baseUrl())), "status " + a.status() + " is a ModelException");
        assertEquals(kind, e.kind(), "status " + a.status());
    }

    @Test
    void anUnreachableServerIsARetryableError() throws IOException {
        int closed;
        try (ServerSocket s = new ServerSocket(0)) {
            closed = s.getLocalPort();
        }
        ModelException e = assertThrows(ModelException.class, () -> provider().complete(request(),
                settings("http://127.0.0.1:" + closed)));
        assertTrue(e.kind().retryable(), "a connection refused may pass later: " + e.kind());
        assertFalse(e.getMessage() == null || e.getMessage().isBlank(), "a message for the log");
    }
}
