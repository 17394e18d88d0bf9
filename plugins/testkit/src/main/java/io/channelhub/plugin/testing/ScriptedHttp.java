package io.channelhub.plugin.testing;

import io.channelhub.plugin.OutboundHttp;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpHeaders;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Flow;
import javax.net.ssl.SSLSession;

/**
 * An {@link OutboundHttp} for a plugin's unit tests: it answers from a script, in order, and records every request
 * with its body read back. A request with no answer left fails the test rather than hanging or reaching a network.
 * Part of the plugin test kit ({@code io.channelhub:plugin-testkit}), with {@link FakePluginContext}.
 */
public final class ScriptedHttp implements OutboundHttp {

    private final Deque<Answer> answers = new ArrayDeque<>();
    private final List<Sent> requests = new CopyOnWriteArrayList<>();

    /** Queues an answer for the next request. */
    public synchronized ScriptedHttp answer(int status, byte[] body, Map<String, String> headers) {
        answers.add(new Answer(status, body, headers, false));
        return this;
    }

    public ScriptedHttp answer(int status, String body, Map<String, String> headers) {
        return answer(status, body.getBytes(StandardCharsets.UTF_8), headers);
    }

    public ScriptedHttp answer(int status, String body) {
        return answer(status, body, Map.of());
    }

    /** The next request fails with an {@link IOException}, as a reset connection does. */
    public synchronized ScriptedHttp networkFailure() {
        answers.add(new Answer(0, new byte[0], Map.of(), true));
        return this;
    }

    /** Every request sent so far, oldest first (a live view). */
    public List<Sent> requests() {
        return requests;
    }

    /** Method and path of every request, e.g. {@code GET /v3/payments?externalReference=inv_1}. */
    public List<String> lines() {
        return requests.stream().map(Sent::line).toList();
    }

    @Override
    public HttpResponse<byte[]> send(HttpRequest request) throws IOException {
        requests.add(new Sent(request, body(request)));
        Answer a;
        synchronized (this) {
            a = answers.poll();
        }
        if (a == null) {
            throw new AssertionError("no scripted answer for " + request.method() + " " + request.uri());
        }
        if (a.ioFailure()) {
            throw new IOException("connection reset");
        }
        return new Response(request, a);
    }

    private record Answer(int status, byte[] body, Map<String, String> headers, boolean ioFailure) {
    }

    /** A request the plugin sent, with its body read back. */
    public record Sent(HttpRequest request, byte[] body) {
        public String text() {
            return new String(body, StandardCharsets.UTF_8);
        }

        public String header(String name) {
            return request.headers().firstValue(name).orElse(null);
        }

        public String line() {
            String q = request.uri().getRawQuery();
            return request.method() + " " + request.uri().getRawPath() + (q == null ? "" : "?" + q);
        }
    }

    /** Reads a request's body the way a client would send it: the publisher is the only copy of it. */
    static byte[] body(HttpRequest request) {
        if (request.bodyPublisher().isEmpty()) {
            return new byte[0];
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        CompletableFuture<Void> done = new CompletableFuture<>();
        request.bodyPublisher().get().subscribe(new Flow.Subscriber<ByteBuffer>() {
            @Override
            public void onSubscribe(Flow.Subscription subscription) {
                subscription.request(Long.MAX_VALUE);
            }

            @Override
            public void onNext(ByteBuffer item) {
                byte[] b = new byte[item.remaining()];
                item.get(b);
                out.writeBytes(b);
            }

            @Override
            public void onError(Throwable throwable) {
                done.completeExceptionally(throwable);
            }

            @Override
            public void onComplete() {
                done.complete(null);
            }
        });
        done.join();
        return out.toByteArray();
    }

    private record Response(HttpRequest request, Answer answer) implements HttpResponse<byte[]> {
        @Override
        public int statusCode() {
            return answer.status();
        }

        @Override
        public Optional<HttpResponse<byte[]>> previousResponse() {
            return Optional.empty();
        }

        @Override
        public HttpHeaders headers() {
            Map<String, List<String>> h = new HashMap<>();
            answer.headers().forEach((k, v) -> h.put(k, List.of(v)));
            return HttpHeaders.of(h, (k, v) -> true);
        }

        @Override
        public byte[] body() {
            return answer.body();
        }

        @Override
        public Optional<SSLSession> sslSession() {
            return Optional.empty();
        }

        @Override
        public URI uri() {
            return request.uri();
        }

        @Override
        public HttpClient.Version version() {
            return HttpClient.Version.HTTP_1_1;
        }
    }
}
