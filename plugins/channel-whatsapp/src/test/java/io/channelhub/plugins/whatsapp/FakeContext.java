package io.channelhub.plugins.whatsapp;

import io.channelhub.plugin.Contacts;
import io.channelhub.plugin.Conversations;
import io.channelhub.plugin.DocumentStore;
import io.channelhub.plugin.MediaStore;
import io.channelhub.plugin.Metering;
import io.channelhub.plugin.OutboundHttp;
import io.channelhub.plugin.PluginContext;
import io.channelhub.plugin.Settings;
import io.channelhub.plugin.testing.ScriptedHttp;
import io.channelhub.plugin.testing.ScriptedHttp.Sent;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
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
    final ScriptedHttp http = new ScriptedHttp();
    final List<Sent> requests = http.requests();

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
        http.answer(status, body, headers);
        return this;
    }

    FakeContext answer(int status, String body) {
        return answer(status, body, Map.of());
    }

    FakeContext answerBytes(int status, byte[] body) {
        http.answer(status, body, Map.of());
        return this;
    }

    /** A request's JSON body. */
    static Map<String, Object> json(Sent sent) {
        return Json.object(sent.text());
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
        return http;
    }

    @Override
    public Clock clock() {
        return Clock.fixed(NOW, ZoneOffset.UTC);
    }

    @Override
    public Logger logger() {
        return NOPLogger.NOP_LOGGER;
    }


}
