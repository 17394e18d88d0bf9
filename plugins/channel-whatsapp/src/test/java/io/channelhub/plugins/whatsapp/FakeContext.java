package io.channelhub.plugins.whatsapp;

import io.channelhub.plugin.Contacts;
import io.channelhub.plugin.Conversations;
import io.channelhub.plugin.DocumentStore;
import io.channelhub.plugin.MediaStore;
import io.channelhub.plugin.Metering;
import io.channelhub.plugin.OutboundHttp;
import io.channelhub.plugin.PluginContext;
import io.channelhub.plugin.Settings;
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
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Flow;
import javax.net.ssl.SSLSession;
import org.slf4j.Logger;
import org.slf4j.helpers.NOPLogger;

/** A tenant-bound context for unit tests: in-memory store, media and metering, and scripted HTTP answers. */
final class FakeContext implements PluginContext {

    static final Instant NOW = Instant.parse("2025-06-09T12:00:00Z");
    static final String PHONE_NUMBER_ID = "106540352242922";
    static final String APP_SECRET = "app-secret-1";
    static final String TOKEN = "EAAJB-token";

    final String instanceId;
    final Settings settings;
    final Map<String, DocumentStore.Document> documents = new LinkedHashMap<>();
    final Map<String, MediaStore.StoredMedia> media = new HashMap<>();
    final Map<String, byte[]> mediaBytes = new HashMap<>();
    final List<String> metered = new ArrayList<>();
    final List<Sent> requests = new ArrayList<>();
    final Deque<Answer> answers = new ArrayDeque<>();

    FakeContext(String instanceId, Map<String, String> overrides) {
        this.instanceId = instanceId;
        Map<String, String> s = new HashMap<>(defaults());
        s.putAll(overrides);
        s.values().removeIf(v -> v == null);
        this.settings = new Settings(s);
    }

    FakeContext() {
        this("inst_1", Map.of());
    }

    static Map<String, String> defaults() {
        Map<String, String> s = new HashMap<>();
        s.put("phone_number_id", PHONE_NUMBER_ID);
        s.put("waba_id", "102290129340398");
        s.put("access_token", TOKEN);
        s.put("app_secret", APP_SECRET);
        s.put("verify_token", "verify-1");
        s.put("graph_api_version", "v23.0");
        s.put("graph_base_url", "https://graph.example.test");
        s.put("messages_per_second", "80");
        s.put("opt_out_keywords", "STOP\nPARAR\nSAIR\nCANCELAR\nUNSUBSCRIBE");
        s.put("opt_in_keywords", "START\nVOLTAR\nSIM");
        s.put("opt_out_reply", "Você não receberá mais promoções.");
        s.put("opt_in_reply", "");
        return s;
    }

    /** Queues an answer for the next HTTP request. */
    FakeContext answer(int status, String body, Map<String, String> headers) {
        answers.add(new Answer(status, body.getBytes(StandardCharsets.UTF_8), headers));
        return this;
    }

    FakeContext answer(int status, String body) {
        return answer(status, body, Map.of());
    }

    FakeContext answerBytes(int status, byte[] body) {
        answers.add(new Answer(status, body, Map.of()));
        return this;
    }

    record Answer(int status, byte[] body, Map<String, String> headers) {
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
    }

    @Override
    public String tenantId() {
        return "ten_1";
    }

    @Override
    public Optional<InstanceInfo> instance() {
        return Optional.of(new InstanceInfo(instanceId, "channel-whatsapp", "Main number", settings));
    }

    @Override
    public Conversations conversations() {
        throw new UnsupportedOperationException();
    }

    /** wa_ids whose marketing consent is withdrawn. */
    final java.util.Set<String> optedOut = new java.util.HashSet<>();

    @Override
    public Contacts contacts() {
        return new Contacts() {
            @Override
            public java.util.Optional<ContactView> find(String externalId) {
                return java.util.Optional.empty();
            }

            @Override
            public ConsentStatus consent(String externalId, String purpose) {
                return optedOut.contains(externalId) ? ConsentStatus.WITHDRAWN : ConsentStatus.UNKNOWN;
            }

            @Override
            public void recordConsent(ConsentRecord record) {
                throw new UnsupportedOperationException("channels report consent as events");
            }
        };
    }

    @Override
    public Metering metering() {
        return (type, quantity, unit, key) -> metered.add(type + "|" + quantity + "|" + unit + "|" + key);
    }

    @Override
    public DocumentStore store() {
        return new DocumentStore() {
            @Override
            public void put(String collection, String key, String json, Map<String, String> attributes,
                            String contact) {
                documents.put(collection + "/" + key, new Document(collection, key, json, Map.copyOf(attributes),
                        contact));
            }

            @Override
            public Optional<Document> get(String collection, String key) {
                return Optional.ofNullable(documents.get(collection + "/" + key));
            }

            @Override
            public List<Document> find(String collection, String attribute, String value) {
                return documents.values().stream().filter(d -> d.collection().equals(collection)
                        && value.equals(d.attributes().get(attribute))).toList();
            }

            @Override
            public boolean delete(String collection, String key) {
                return documents.remove(collection + "/" + key) != null;
            }
        };
    }

    @Override
    public MediaStore media() {
        return new MediaStore() {
            @Override
            public StoredMedia put(String contentType, String fileName, byte[] content, String contact) {
                throw new UnsupportedOperationException();
            }

            @Override
            public Optional<StoredMedia> find(String mediaId) {
                return Optional.ofNullable(media.get(mediaId));
            }

            @Override
            public Optional<byte[]> content(String mediaId) {
                return Optional.ofNullable(mediaBytes.get(mediaId));
            }
        };
    }

    void storeMedia(String id, String contentType, String fileName, byte[] bytes) {
        media.put(id, new MediaStore.StoredMedia(id, contentType, fileName, bytes.length, "00", "16505551234", NOW));
        mediaBytes.put(id, bytes);
    }

    @Override
    public OutboundHttp http() {
        return request -> {
            requests.add(new Sent(request, body(request)));
            Answer a = answers.poll();
            if (a == null) {
                throw new AssertionError("no scripted answer for " + request.method() + " " + request.uri());
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
