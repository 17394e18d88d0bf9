package io.channelhub.plugins.asaas;

import io.channelhub.plugin.Contacts;
import io.channelhub.plugin.Conversations;
import io.channelhub.plugin.DocumentStore;
import io.channelhub.plugin.Metering;
import io.channelhub.plugin.OutboundHttp;
import io.channelhub.plugin.PluginContext;
import io.channelhub.plugin.Settings;
import java.io.IOException;
import java.net.http.HttpClient;
import java.net.http.HttpHeaders;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Flow;
import javax.net.ssl.SSLSession;
import org.slf4j.Logger;
import org.slf4j.helpers.NOPLogger;

/** A gateway configuration's context for unit tests: scripted HTTP answers, recorded requests, a fixed clock. */
final class FakeContext implements PluginContext {

    /** 2026-11-02 12:00 UTC, 09:00 in Brasília. */
    static final Instant NOW = Instant.parse("2026-11-02T12:00:00Z");
    static final String API_KEY = "$aact_sandbox_key_1";
    static final String WEBHOOK_TOKEN = "whk-token-1";
    static final String BASE_URL = "https://asaas.example.test/v3";

    final Settings settings;
    final List<Sent> requests = new ArrayList<>();
    final Deque<Answer> answers = new ArrayDeque<>();

    FakeContext(Map<String, String> overrides) {
        Map<String, String> s = new HashMap<>(defaults());
        s.putAll(overrides);
        s.values().removeIf(v -> v == null);
        this.settings = new Settings(s);
    }

    FakeContext() {
        this(Map.of());
    }

    static Map<String, String> defaults() {
        Map<String, String> s = new HashMap<>();
        s.put("api_key", API_KEY);
        s.put("webhook_token", WEBHOOK_TOKEN);
        s.put("environment", "sandbox");
        s.put("base_url", BASE_URL);
        s.put("default_method", "PIX");
        s.put("due_days", "3");
        return s;
    }

    /** Queues an answer for the next HTTP request. */
    FakeContext answer(int status, String body, Map<String, String> headers) {
        answers.add(new Answer(status, body.getBytes(StandardCharsets.UTF_8), headers, false));
        return this;
    }

    FakeContext answer(int status, String body) {
        return answer(status, body, Map.of());
    }

    /** The next request fails with an {@link IOException}. */
    FakeContext networkFailure() {
        answers.add(new Answer(0, new byte[0], Map.of(), true));
        return this;
    }

    record Answer(int status, byte[] body, Map<String, String> headers, boolean ioFailure) {
    }

    /** A request the plugin sent, with its body read back. */
    record Sent(HttpRequest request, byte[] body) {
        String text() {
            return new String(body, StandardCharsets.UTF_8);
        }

        Map<String, Object> json() {
            return Json.object(text());
        }

        String header(String name) {
            return request.headers().firstValue(name).orElse(null);
        }

        /** Method and path with query, e.g. {@code GET /v3/payments?externalReference=inv_1}. */
        String line() {
            String q = request.uri().getRawQuery();
            return request.method() + " " + request.uri().getRawPath() + (q == null ? "" : "?" + q);
        }
    }

    List<String> lines() {
        return requests.stream().map(Sent::line).toList();
    }

    @Override
    public String tenantId() {
        return "platform";
    }

    @Override
    public Optional<InstanceInfo> instance() {
        return Optional.of(new InstanceInfo("gw_1", "billing-asaas", "Asaas", settings));
    }

    @Override
    public Conversations conversations() {
        throw new UnsupportedOperationException();
    }

    @Override
    public Contacts contacts() {
        throw new UnsupportedOperationException();
    }

    @Override
    public Metering metering() {
        throw new UnsupportedOperationException("a gateway reports no usage");
    }

    @Override
    public DocumentStore store() {
        throw new UnsupportedOperationException();
    }

    @Override
    public OutboundHttp http() {
        return request -> {
            requests.add(new Sent(request, body(request)));
            Answer a = answers.poll();
            if (a == null) {
                throw new AssertionError("no scripted answer for " + request.method() + " " + request.uri());
            }
            if (a.ioFailure()) {
                throw new IOException("connection reset");
            }
            return new Response(request, a);
        };
    }

    @Override
    public Clock clock() {
        return Clock.fixed(NOW, ZoneOffset.UTC);
    }

    @Override
    public Logger logger() {
        return NOPLogger.NOP_LOGGER;
    }

    static byte[] body(HttpRequest request) {
        if (request.bodyPublisher().isEmpty()) {
            return new byte[0];
        }
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
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
        public java.net.URI uri() {
            return request.uri();
        }

        @Override
        public HttpClient.Version version() {
            return HttpClient.Version.HTTP_1_1;
        }
    }
}
