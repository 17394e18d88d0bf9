package io.channelhub.plugin.testing;

import io.channelhub.plugin.Contacts;
import io.channelhub.plugin.Conversations;
import io.channelhub.plugin.DocumentStore;
import io.channelhub.plugin.MediaStore;
import io.channelhub.plugin.Metering;
import io.channelhub.plugin.OutboundHttp;
import io.channelhub.plugin.PluginContext;
import io.channelhub.plugin.QuotaExceededException;
import io.channelhub.plugin.Settings;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.helpers.NOPLogger;

/**
 * A {@link PluginContext} for a plugin's unit tests, with no hub behind it: the instance's settings as given, HTTP
 * answered by a {@link ScriptedHttp} script, and in memory what the hub would keep (documents, media, metered usage,
 * contacts' consent, conversations' messages), so a test can both prepare it and assert on it. The clock is fixed
 * unless set. What it does follows the API's contracts where a test could notice: a metering key counts once, a
 * hard quota refuses with {@link QuotaExceededException} and records nothing, documents and media are the tenant's.
 *
 * <pre>{@code
 * FakePluginContext ctx = FakePluginContext.forInstance("channel-acme", Map.of("api_token", "t-1"))
 *         .answer(200, "{\"id\":\"msg-1\"}");
 * connector.send(message, ctx);
 * assertThat(ctx.requests()).hasSize(1);
 * assertThat(ctx.metered()).containsExactly(new FakePluginContext.Metered("acme.message", 1, "message", "m-1"));
 * }</pre>
 */
public class FakePluginContext implements PluginContext {

    /** 2026-01-05 12:00 UTC, unless a test sets another instant. */
    public static final Instant DEFAULT_NOW = Instant.parse("2026-01-05T12:00:00Z");

    /** A unit of usage as {@link Metering#record} received it. */
    public record Metered(String usageType, long quantity, String unit, String idempotencyKey) {
    }

    private final String tenantId;
    private final String pluginId;
    private final String instanceId;
    private final String instanceName;
    private Settings settings;
    private Clock clock = Clock.fixed(DEFAULT_NOW, ZoneOffset.UTC);
    private Logger logger = NOPLogger.NOP_LOGGER;
    private final ScriptedHttp http = new ScriptedHttp();
    private final Map<String, DocumentStore.Document> documents = Collections.synchronizedMap(new LinkedHashMap<>());
    private final Map<String, MediaStore.StoredMedia> media = Collections.synchronizedMap(new LinkedHashMap<>());
    private final Map<String, byte[]> mediaContent = Collections.synchronizedMap(new HashMap<>());
    private final List<Metered> metered = Collections.synchronizedList(new ArrayList<>());
    private final Set<String> meteredKeys = Collections.synchronizedSet(new HashSet<>());
    private final Set<String> refusedUsage = Collections.synchronizedSet(new HashSet<>());
    private final Map<String, Contacts.ContactView> contacts = Collections.synchronizedMap(new LinkedHashMap<>());
    private final Map<String, Contacts.ConsentStatus> consent = Collections.synchronizedMap(new HashMap<>());
    private final List<Contacts.ConsentRecord> consentRecorded = Collections.synchronizedList(new ArrayList<>());
    private final List<Conversations.MessageView> messages = Collections.synchronizedList(new ArrayList<>());
    private final Map<String, String> currentConversation = Collections.synchronizedMap(new HashMap<>());
    private final Set<String> conversationIds = Collections.synchronizedSet(new HashSet<>());
    private final Map<String, Conversations.Handoff> handoffs = new java.util.concurrent.ConcurrentHashMap<>();
    private final Map<String, io.channelhub.plugin.Leads.Report> leads = new java.util.concurrent.ConcurrentHashMap<>();
    private final Map<String, Integer> leadReports = new java.util.concurrent.ConcurrentHashMap<>();
    private volatile int qualifyAt = 60;
    private volatile String leadModelProvider;
    private volatile String leadModel;
    private final Map<String, Optional<ModelAnswer>> modelProviders = new java.util.concurrent.ConcurrentHashMap<>();
    private final List<ModelCall> modelCalls = Collections.synchronizedList(new ArrayList<>());
    private final Map<String, Map<String, String>> annotations = Collections.synchronizedMap(new HashMap<>());
    private int mediaSeq;

    protected FakePluginContext(String tenantId, String pluginId, String instanceId, String instanceName,
                                Map<String, String> settings) {
        this.tenantId = tenantId;
        this.pluginId = pluginId;
        this.instanceId = instanceId;
        this.instanceName = instanceName;
        this.settings = settings(settings);
    }

    /** A context of instance {@code inst_test} of {@code pluginId}, tenant {@code ten_test}, with these settings. */
    public static FakePluginContext forInstance(String pluginId, Map<String, String> settings) {
        return forInstance("ten_test", pluginId, "inst_test", settings);
    }

    /** A context of one instance of {@code pluginId} in one tenant. */
    public static FakePluginContext forInstance(String tenantId, String pluginId, String instanceId,
                                                Map<String, String> settings) {
        return new FakePluginContext(tenantId, pluginId, instanceId, instanceId, settings);
    }

    /**
     * A tenant-wide context of {@code pluginId}, without a channel instance: what a turn observer or a tool handler
     * gets. Its conversations are every conversation the test adds.
     *
     * @since 1.4.0
     */
    public static FakePluginContext forTenant(String tenantId, String pluginId) {
        return new FakePluginContext(tenantId, pluginId, null, null, Map.of());
    }

    /**
     * A plugin's complete default settings with a test's overrides on top (a null override removes the default): for
     * subclasses that hold one plugin's defaults.
     */
    protected static Map<String, String> overlay(Map<String, String> defaults, Map<String, String> overrides) {
        Map<String, String> s = new HashMap<>(defaults);
        s.putAll(overrides);
        return s;
    }

    /** Null values mean "not set" (a test removing a default); the API's Settings refuses nulls. */
    private static Settings settings(Map<String, String> values) {
        Map<String, String> s = new HashMap<>(values);
        s.values().removeIf(v -> v == null);
        return new Settings(s);
    }

    // What a test prepares ------------------------------------------------------------------------------------------

    /** Replaces the instance's settings (as an operator's update would). */
    public FakePluginContext withSettings(Map<String, String> values) {
        this.settings = settings(values);
        return this;
    }

    /** Fixes the clock at {@code now}. */
    public FakePluginContext at(Instant now) {
        this.clock = Clock.fixed(now, ZoneOffset.UTC);
        return this;
    }

    /** Uses {@code clock}. */
    public FakePluginContext withClock(Clock clock) {
        this.clock = clock;
        return this;
    }

    /** Logs to {@code logger} (none by default). */
    public FakePluginContext withLogger(Logger logger) {
        this.logger = logger;
        return this;
    }

    /** Queues an answer for the next HTTP request. */
    public FakePluginContext answer(int status, String body, Map<String, String> headers) {
        http.answer(status, body, headers);
        return this;
    }

    /** Queues an answer with no headers. */
    public FakePluginContext answer(int status, String body) {
        return answer(status, body, Map.of());
    }

    /** Queues an answer with a binary body. */
    public FakePluginContext answerBytes(int status, byte[] body, Map<String, String> headers) {
        http.answer(status, body, headers);
        return this;
    }

    /** Queues an answer with a binary body and no headers. */
    public FakePluginContext answerBytes(int status, byte[] body) {
        return answerBytes(status, body, Map.of());
    }

    /** The next HTTP request fails with an {@link java.io.IOException}, as a network failure would. */
    public FakePluginContext networkFailure() {
        http.networkFailure();
        return this;
    }

    /** From now on a hard quota on {@code usageType} is used up: recording it throws and records nothing. */
    public FakePluginContext quotaUsedUp(String usageType) {
        refusedUsage.add(usageType);
        return this;
    }

    /** A contact the hub knows. */
    public FakePluginContext contact(String externalId, String displayName) {
        contacts.put(externalId, new Contacts.ContactView("ct_" + externalId, externalId, displayName));
        return this;
    }

    /** A contact's current consent for a purpose (as the ledger would answer). */
    public FakePluginContext consent(String externalId, String purpose, Contacts.ConsentStatus status) {
        consent.put(externalId + "\n" + purpose, status);
        return this;
    }

    /** A stored file, as if the hub had it already. */
    public MediaStore.StoredMedia storeMedia(String id, String contentType, String fileName, byte[] content,
                                             String contactExternalId) {
        MediaStore.StoredMedia m = new MediaStore.StoredMedia(id, contentType, fileName, content.length,
                sha256(content), contactExternalId, clock.instant());
        media.put(id, m);
        mediaContent.put(id, content.clone());
        return m;
    }

    /** A message in a conversation (the conversation becomes its contact's current one, if it has a contact). */
    public FakePluginContext message(Conversations.MessageView message, String contactExternalId) {
        messages.add(message);
        conversationIds.add(message.conversationId());
        if (contactExternalId != null) {
            currentConversation.put(contactExternalId, message.conversationId());
        }
        return this;
    }

    /**
     * A conversation the context can see, without messages (one with messages is known already).
     *
     * @since 1.4.0
     */
    public FakePluginContext conversation(String conversationId) {
        conversationIds.add(conversationId);
        return this;
    }

    /**
     * A person in the conversation instead of its agent, as the hub reports it ({@code null} removes it: the agent
     * answers again).
     *
     * @since 1.5.0
     */
    public FakePluginContext handoff(String conversationId, Conversations.Handoff handoff) {
        if (handoff == null) {
            handoffs.remove(conversationId);
        } else {
            handoffs.put(conversationId, handoff);
        }
        return this;
    }

    /**
     * The tenant's qualification threshold the fake's leads apply (the hub's default, 60, unless set).
     *
     * @since 1.5.0
     */
    public FakePluginContext qualifyLeadsAt(int score) {
        this.qualifyAt = score;
        return this;
    }

    /**
     * The model the tenant chose for finding its leads ({@link io.channelhub.plugin.Leads#settings()}); null, null:
     * none (the default).
     *
     * @since 1.5.0
     */
    public FakePluginContext leadModel(String provider, String model) {
        this.leadModelProvider = provider;
        this.leadModel = model;
        return this;
    }

    /**
     * How a fake model provider answers one request: a reply, or a {@link io.channelhub.plugin.model.ModelException}
     * as the hub's gateway reports a failed call (after its retries).
     *
     * @since 1.5.0
     */
    @FunctionalInterface
    public interface ModelAnswer {
        io.channelhub.plugin.model.ModelReply answer(io.channelhub.plugin.model.ModelRequest request)
                throws io.channelhub.plugin.model.ModelException;
    }

    /**
     * A model call the plugin made through {@link #models()}.
     *
     * @since 1.5.0
     */
    public record ModelCall(String provider, io.channelhub.plugin.model.ModelRequest request) {
    }

    /**
     * A model provider the tenant configured, answering as {@code answer} does; each reply's tokens are metered as the
     * hub meters them ({@code model.prompt_tokens}, {@code model.completion_tokens}), and a test's
     * {@link #quotaUsedUp} on either refuses the call before it is made.
     *
     * @since 1.5.0
     */
    public FakePluginContext model(String provider, ModelAnswer answer) {
        modelProviders.put(provider, Optional.of(answer));
        return this;
    }

    /**
     * A provider this hub has but the tenant did not configure: it answers from the hub's demo
     * ({@link io.channelhub.plugin.Models#isDemo} is true), echoing the last user message.
     *
     * @since 1.5.0
     */
    public FakePluginContext demoModel(String provider) {
        modelProviders.put(provider, Optional.empty());
        return this;
    }

    /**
     * The model calls the plugin made, in order.
     *
     * @since 1.5.0
     */
    public List<ModelCall> modelCalls() {
        synchronized (modelCalls) {
            return List.copyOf(modelCalls);
        }
    }

    @Override
    public io.channelhub.plugin.Models models() {
        return new io.channelhub.plugin.Models() {
            @Override
            public io.channelhub.plugin.model.ModelReply complete(String provider,
                    io.channelhub.plugin.model.ModelRequest request) throws io.channelhub.plugin.model.ModelException {
                Optional<ModelAnswer> answer = known(provider);
                if (request == null || request.model() == null || request.model().isBlank()) {
                    throw new IllegalArgumentException("a request naming its model is required");
                }
                for (String type : List.of("model.prompt_tokens", "model.completion_tokens")) {
                    if (refusedUsage.contains(type)) {
                        throw new QuotaExceededException(type, "monthly", 0, 0, null);
                    }
                }
                modelCalls.add(new ModelCall(provider, request));
                if (answer.isEmpty()) {
                    String last = request.messages().isEmpty() ? ""
                            : String.valueOf(request.messages().get(request.messages().size() - 1).content());
                    return new io.channelhub.plugin.model.ModelReply("You said: " + last, List.of(), "stop",
                            new io.channelhub.plugin.model.ModelReply.Usage(0, 0), "demo");
                }
                io.channelhub.plugin.model.ModelReply reply = answer.get().answer(request);
                if (reply.usage() != null) {
                    String key = "model:" + modelCalls.size();
                    metered.add(new Metered("model.prompt_tokens", reply.usage().promptTokens(), "token", key));
                    metered.add(new Metered("model.completion_tokens", reply.usage().completionTokens(), "token",
                            key));
                }
                return reply;
            }

            @Override
            public boolean isDemo(String provider) {
                return known(provider).isEmpty();
            }

            private Optional<ModelAnswer> known(String provider) {
                Optional<ModelAnswer> answer = provider == null ? null : modelProviders.get(provider);
                if (answer == null) {
                    throw new IllegalArgumentException("no model provider '" + provider + "' on this hub");
                }
                return answer;
            }
        };
    }

    /**
     * The lead the plugin reported for a conversation, merged as the hub merges reports (null fields keep earlier
     * values); empty when it reported none.
     *
     * @since 1.5.0
     */
    public Optional<io.channelhub.plugin.Leads.Report> leadOf(String conversationId) {
        return Optional.ofNullable(leads.get(conversationId));
    }

    /**
     * How many reports the plugin made for a conversation (a redelivered turn that reports again counts again).
     *
     * @since 1.5.0
     */
    public int leadReportsOf(String conversationId) {
        return leadReports.getOrDefault(conversationId, 0);
    }

    @Override
    public io.channelhub.plugin.Leads leads() {
        return new io.channelhub.plugin.Leads() {
            @Override
            public Lead report(String conversationId, Report r) {
                if (!conversationIds.contains(conversationId)) {
                    throw new IllegalArgumentException("no conversation " + conversationId + " in this context");
                }
                if (r.score() < 0 || r.score() > 100) {
                    throw new IllegalArgumentException("a lead's score is 0 to 100: " + r.score());
                }
                Report merged = leads.merge(conversationId, r, (a, b) -> new Report(or(b.intent(), a.intent()),
                        b.score(), or(b.name(), a.name()), or(b.email(), a.email()), or(b.phone(), a.phone()),
                        or(b.company(), a.company()), or(b.role(), a.role()), or(b.summary(), a.summary())));
                leadReports.merge(conversationId, 1, Integer::sum);
                return view(conversationId, merged);
            }

            @Override
            public Optional<Lead> ofConversation(String conversationId) {
                return Optional.ofNullable(leads.get(conversationId)).map(r -> view(conversationId, r));
            }

            @Override
            public LeadSettings settings() {
                return new LeadSettings(qualifyAt, leadModelProvider, leadModel);
            }

            private Lead view(String conversationId, Report r) {
                boolean qualified = r.score() >= qualifyAt;
                return new Lead("lead_" + conversationId, conversationId, qualified ? "qualified" : "new", r.score(),
                        qualified);
            }

            private static String or(String a, String b) {
                return a != null ? a : b;
            }
        };
    }

    // What a test asserts on ----------------------------------------------------------------------------------------

    /**
     * The plugin's annotations on a conversation, by name.
     *
     * @since 1.4.0
     */
    public Map<String, String> annotationsOf(String conversationId) {
        synchronized (annotations) {
            return Map.copyOf(annotations.getOrDefault(conversationId, Map.of()));
        }
    }

    /** The scripted HTTP client, for its own assertions. */
    public ScriptedHttp scriptedHttp() {
        return http;
    }

    /** Every HTTP request the plugin sent, in order. */
    public List<ScriptedHttp.Sent> requests() {
        return http.requests();
    }

    /** Usage recorded, in order; a repeated idempotency key is not recorded again. */
    public List<Metered> metered() {
        synchronized (metered) {
            return List.copyOf(metered);
        }
    }

    /** Documents by {@code collection/key}. */
    public Map<String, DocumentStore.Document> documents() {
        synchronized (documents) {
            return Map.copyOf(documents);
        }
    }

    /** Files by id. */
    public Map<String, MediaStore.StoredMedia> storedMedia() {
        synchronized (media) {
            return Map.copyOf(media);
        }
    }

    /** Consent the plugin recorded, in order. */
    public List<Contacts.ConsentRecord> consentRecorded() {
        synchronized (consentRecorded) {
            return List.copyOf(consentRecorded);
        }
    }

    // The PluginContext ---------------------------------------------------------------------------------------------

    @Override
    public String tenantId() {
        return tenantId;
    }

    @Override
    public Optional<InstanceInfo> instance() {
        return instanceId == null ? Optional.empty()
                : Optional.of(new InstanceInfo(instanceId, pluginId, instanceName, settings));
    }

    @Override
    public Conversations conversations() {
        return new Conversations() {
            @Override
            public List<MessageView> recentMessages(String conversationId, int limit) {
                List<MessageView> in;
                synchronized (messages) {
                    in = messages.stream().filter(m -> m.conversationId().equals(conversationId)).toList();
                }
                return in.subList(Math.max(0, in.size() - limit), in.size());
            }

            @Override
            public Optional<MessageView> findByExternalMessageId(String externalMessageId) {
                synchronized (messages) {
                    return messages.stream().filter(m -> externalMessageId.equals(m.externalId())).findFirst();
                }
            }

            @Override
            public Optional<String> currentConversation(String contactExternalId) {
                return Optional.ofNullable(currentConversation.get(contactExternalId));
            }

            @Override
            public void annotate(String conversationId, String name, String value) {
                Conversations.checkAnnotation(name, value);
                if (!conversationIds.contains(conversationId)) {
                    throw new IllegalArgumentException("no conversation " + conversationId + " in this context");
                }
                synchronized (annotations) {
                    Map<String, String> mine = annotations.computeIfAbsent(conversationId, k -> new LinkedHashMap<>());
                    if (value == null) {
                        mine.remove(name);
                    } else if (!mine.containsKey(name) && mine.size() >= Conversations.MAX_ANNOTATIONS) {
                        throw new IllegalArgumentException("more than " + Conversations.MAX_ANNOTATIONS
                                + " annotations on conversation " + conversationId);
                    } else {
                        mine.put(name, value);
                    }
                }
            }

            @Override
            public Map<String, String> annotations(String conversationId) {
                return annotationsOf(conversationId);
            }

            @Override
            public Optional<Handoff> handoff(String conversationId) {
                return Optional.ofNullable(handoffs.get(conversationId));
            }
        };
    }

    @Override
    public Contacts contacts() {
        return new Contacts() {
            @Override
            public Optional<ContactView> find(String externalId) {
                return Optional.ofNullable(contacts.get(externalId));
            }

            @Override
            public ConsentStatus consent(String externalId, String purpose) {
                return consent.getOrDefault(externalId + "\n" + purpose, ConsentStatus.UNKNOWN);
            }

            @Override
            public void recordConsent(ConsentRecord record) {
                consentRecorded.add(record);
                consent.put(record.externalId() + "\n" + record.purpose(), record.status());
            }
        };
    }

    @Override
    public Metering metering() {
        return (usageType, quantity, unit, idempotencyKey) -> {
            if (refusedUsage.contains(usageType)) {
                throw new QuotaExceededException(usageType, "monthly", 0, 0, null);
            }
            if (idempotencyKey == null || meteredKeys.add(usageType + "\n" + idempotencyKey)) {
                metered.add(new Metered(usageType, quantity, unit, idempotencyKey));
            }
        };
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
                synchronized (documents) {
                    return documents.values().stream().filter(d -> d.collection().equals(collection)
                            && value.equals(d.attributes().get(attribute))).toList();
                }
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
            public StoredMedia put(String contentType, String fileName, byte[] content, String contactExternalId) {
                String id;
                synchronized (FakePluginContext.this) {
                    id = "med_" + (++mediaSeq);
                }
                return storeMedia(id, contentType, fileName, content, contactExternalId);
            }

            @Override
            public Optional<StoredMedia> find(String mediaId) {
                return Optional.ofNullable(media.get(mediaId));
            }

            @Override
            public Optional<byte[]> content(String mediaId) {
                return Optional.ofNullable(mediaContent.get(mediaId)).map(byte[]::clone);
            }
        };
    }

    @Override
    public OutboundHttp http() {
        return http;
    }

    @Override
    public Clock clock() {
        return clock;
    }

    @Override
    public Logger logger() {
        return logger;
    }

    private static String sha256(byte[] content) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(content));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The UTF-8 text of a body, for assertions. */
    public static String text(byte[] body) {
        return new String(body, StandardCharsets.UTF_8);
    }
}
