package io.channelhub.hub.conversations;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.tuple;

import com.codahale.metrics.MetricRegistry;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.channelhub.hub.agents.Agent;
import io.channelhub.hub.agents.AgentRepository;
import io.channelhub.hub.agents.AgentService;
import io.channelhub.hub.agents.AgentSpec;
import io.channelhub.hub.agents.PromptRepository;
import io.channelhub.hub.audit.AuditLog;
import io.channelhub.hub.conversations.TurnPipeline.Entry;
import io.channelhub.hub.delivery.DeliveryConfig;
import io.channelhub.hub.delivery.Outbox;
import io.channelhub.hub.delivery.WorkSignal;
import io.channelhub.hub.errors.HubFailure;
import io.channelhub.hub.limits.LocalQuotaCounters;
import io.channelhub.hub.limits.LocalRateLimiter;
import io.channelhub.hub.limits.QuotaExceeded;
import io.channelhub.hub.limits.QuotaReservation;
import io.channelhub.hub.limits.Quotas;
import io.channelhub.hub.limits.RateLimits;
import io.channelhub.hub.limits.RateLimitsConfig;
import io.channelhub.hub.llm.ModelGateway;
import io.channelhub.hub.llm.ModelsConfig;
import io.channelhub.hub.llm.ProviderConfigs;
import io.channelhub.hub.media.MediaLibrary;
import io.channelhub.hub.metering.UsageLedger;
import io.channelhub.hub.observability.HubMetrics;
import io.channelhub.hub.observability.Tracing;
import io.channelhub.hub.persistence.Ids;
import io.channelhub.hub.persistence.StoredJson;
import io.channelhub.hub.persistence.TenantCaches;
import io.channelhub.hub.plugins.CorePluginContext;
import io.channelhub.hub.plugins.PluginContexts;
import io.channelhub.hub.plugins.PluginPlatform;
import io.channelhub.hub.plugins.PluginUsage;
import io.channelhub.hub.privacy.ContentRedaction;
import io.channelhub.hub.privacy.PrivacySettings;
import io.channelhub.hub.security.SecretBox;
import io.channelhub.hub.support.TestDatabase;
import io.channelhub.hub.webhooks.Webhooks;
import io.channelhub.plugin.PluginContext;
import io.channelhub.plugin.Settings;
import io.channelhub.plugin.SettingsSchema;
import io.channelhub.plugin.model.ModelException;
import io.channelhub.plugin.model.ModelMessage;
import io.channelhub.plugin.model.ModelProvider;
import io.channelhub.plugin.model.ModelReply;
import io.channelhub.plugin.model.ModelRequest;
import io.channelhub.plugin.model.ModelStream;
import io.channelhub.plugin.model.ToolHandler;
import io.dropwizard.jackson.Jackson;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.nio.file.Path;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.jdbi.v3.core.Jdbi;
import org.jdbi.v3.core.statement.StatementContext;
import org.jdbi.v3.core.statement.StatementCustomizer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The turn pipeline and its policy table on their own, without an HTTP server: the real pipeline, turn service,
 * quotas, ledger and model gateway on an in-memory H2 database, with a scripted model provider behind the gateway
 * and tool handlers handed out by a platform without plugin jars. Each test has a tenant of its own, so the
 * database is migrated once for the class.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class TurnPipelineTest {

    private static final String PROVIDER = "scripted";
    private static final String MODEL = "scripted-small";
    private static final String TOOL_PLUGIN = "order-tools";
    /** Every usage type the pipeline reserves or checks, and one it has nothing to do with. */
    private static final List<String> TYPES = List.of("api.chat_completions", "media.files", "messages.in",
            "messages.out", "model.completion_tokens", "model.prompt_tokens");

    private TestDatabase db;
    private Jdbi jdbi;
    private Handoffs handoffs;
    /** Makes every write of usage rows fail, to see what a turn's commit takes with it. */
    private final AtomicBoolean usageWritesFail = new AtomicBoolean();
    /** Sums over the usage ledger (a quota read from the ledger instead of its counter). */
    private final java.util.concurrent.atomic.AtomicInteger ledgerSums = new java.util.concurrent.atomic.AtomicInteger();

    private final ObjectMapper json = StoredJson.of(Jackson.newObjectMapper());
    private final Clock clock = Clock.tick(Clock.systemUTC(), Duration.ofNanos(1_000));
    private ScriptedModel model;
    private final Map<String, ToolHandler> tools = new HashMap<>();
    private final List<String> toolContexts = new CopyOnWriteArrayList<>();
    private final List<Emitted> emitted = new CopyOnWriteArrayList<>();
    private UsageLedger ledger;
    private Quotas quotas;
    private ConversationRepository repo;
    private AgentService agents;
    private TurnPipeline pipeline;
    private Tracing tracing;
    private String tenant;

    private record Emitted(String tenantId, String type, Map<String, Object> data) {
    }

    /** One usage row as the ledger holds it. */
    private record Usage(String type, long quantity, String model, String agentId, String key) {
    }

    @BeforeAll
    void database() throws Exception {
        db = TestDatabase.create(TestDatabase.Kind.H2);
        jdbi = db.migratedJdbi();
        jdbi.addCustomizer(new StatementCustomizer() {
            @Override
            public void beforeExecution(java.sql.PreparedStatement stmt, StatementContext ctx) throws SQLException {
                if (ctx.getRawSql().contains("SUM(quantity)")) {
                    ledgerSums.incrementAndGet();
                }
                if (usageWritesFail.get() && ctx.getRawSql().startsWith("INSERT INTO usage_events")) {
                    throw new SQLException("usage rows refused (injected)");
                }
            }
        });
    }

    @AfterAll
    void dropDatabase() {
        db.close();
    }

    @BeforeEach
    void wire() {
        usageWritesFail.set(false);
        tools.clear();
        toolContexts.clear();
        emitted.clear();
        tenant = Ids.newId("ten");
        TenantCaches caches = TenantCaches.none();
        SecretBox secrets = new SecretBox(new byte[32], List.of());
        HubMetrics metrics = new HubMetrics(new PrometheusRegistry(), () -> 0);
        tracing = new Tracing(new Tracing.Factory());

        ledger = new UsageLedger(jdbi, clock);
        Webhooks webhooks = new Webhooks(jdbi, json, secrets, new Outbox(jdbi), new DeliveryConfig(), clock,
                new WorkSignal(), caches) {
            @Override
            public void emit(String tenantId, String type, Map<String, Object> data) {
                emitted.add(new Emitted(tenantId, type, data));
            }
        };
        quotas = new Quotas(jdbi, json, webhooks, new AuditLog(jdbi, json, clock), new LocalQuotaCounters(clock),
                new MetricRegistry(), clock, metrics, caches);
        ledger.onRecorded(quotas::recorded);
        ledger.onBatchCommitted(quotas::afterUsage);

        // No plugin jars: the tool handlers a test installs are all the platform has.
        PluginPlatform platform = new PluginPlatform(Path.of("target", "no-plugins")) {
            @Override
            public Map<String, ToolHandler> toolHandlers() {
                return Map.copyOf(tools);
            }

            @Override
            public String pluginOf(Object extension) {
                return TOOL_PLUGIN;
            }
        };
        PluginUsage pluginUsage = new PluginUsage(ledger, quotas);
        PluginContexts contexts = new PluginContexts() {
            @Override
            public CorePluginContext forTenant(String tenantId, String pluginId) {
                toolContexts.add(tenantId + "/" + pluginId);
                return new CorePluginContext(tenantId, pluginId, null, null, null, null, null, pluginUsage, clock);
            }

            @Override
            public CorePluginContext forAccount(String tenantId, String pluginId, PluginContext.InstanceInfo a) {
                throw new AssertionError("no billing in a turn");
            }
        };

        model = new ScriptedModel();
        ModelsConfig modelsConfig = new ModelsConfig();
        // Retries are the gateway's business (ModelCallsTest); here a failure is to reach the pipeline at once.
        modelsConfig.setMaxAttempts(1);
        ModelGateway models = new ModelGateway(Map.of(PROVIDER, model), platform,
                new ProviderConfigs(jdbi, json, secrets, clock, caches), modelsConfig, metrics, tracing);
        agents = new AgentService(jdbi, new AgentRepository(jdbi, json), new PromptRepository(jdbi),
                models::providerIds, clock, caches);
        repo = new ConversationRepository(jdbi, json);
        ContentRedaction redaction = new ContentRedaction(jdbi,
                new PrivacySettings(jdbi, json, platform, clock, "test-salt"), clock);
        TurnService turns = new TurnService(repo, agents, models, platform, ledger, webhooks, clock, quotas,
                contexts, new MediaLibrary(jdbi, ledger, clock), redaction, tracing, null,
                new TurnObservers(platform, null, contexts, repo, new Outbox(jdbi), new WorkSignal(), json, clock),
                handoffs = new Handoffs(jdbi, repo, ledger, webhooks, new io.channelhub.hub.audit.AuditLog(jdbi, json,
                        clock), clock));
        RateLimits limits = new RateLimits(new LocalRateLimiter(System::currentTimeMillis), new RateLimitsConfig(),
                new MetricRegistry(), metrics);
        pipeline = new TurnPipeline(turns, repo, models, ledger, quotas, limits);
    }

    @AfterEach
    void everyScriptedReplyAskedFor() {
        tracing.stop();
        assertThat(model.script).as("scripted model replies no call asked for").isEmpty();
    }

    // The policy table ----------------------------------------------------------------------------------------

    @Test
    void theTableReservesMessagesForConversationTurnsAndOneCallForACompletionAndChecksTokensEverywhere() {
        assertThat(Entry.values()).containsExactly(Entry.API, Entry.CHANNEL_LIVE, Entry.CHANNEL_QUEUED,
                Entry.COMPLETIONS);
        assertThat(Entry.API.reserves()).containsExactly("messages.in", "messages.out");
        assertThat(Entry.CHANNEL_LIVE.reserves()).containsExactly("messages.in", "messages.out");
        // Stored and billed when it arrived: only the reply is still to come.
        assertThat(Entry.CHANNEL_QUEUED.reserves()).containsExactly("messages.out");
        assertThat(Entry.COMPLETIONS.reserves()).containsExactly("api.chat_completions");
        for (Entry e : Entry.values()) {
            assertThat(e.checks()).as(e.name())
                    .containsExactly("model.prompt_tokens", "model.completion_tokens")
                    .doesNotContainAnyElementsOf(e.reserves());
        }
    }

    @ParameterizedTest
    @EnumSource(Entry.class)
    void admitHoldsOneUnitOfEachTypeItsRowReservesAndNothingElse(Entry entry) {
        TYPES.forEach(t -> hardQuota(t, 1));
        try (TurnPipeline.Admitted admitted = pipeline.begin(tenant, entry, List.of())) {
            for (String type : TYPES) {
                assertThat(fits(type, 1)).as("room left on %s while %s is admitted", type, entry)
                        .isEqualTo(!entry.reserves().contains(type));
            }
        }
        for (String type : TYPES) {
            assertThat(fits(type, 1)).as("%s given back by work that recorded nothing", type).isTrue();
        }
    }

    @ParameterizedTest
    @EnumSource(Entry.class)
    void admitRefusesWhenAQuotaItsRowReservesIsUsedUpAndKeepsNoneOfTheOthers(Entry entry) {
        String full = entry.reserves().get(entry.reserves().size() - 1);
        entry.reserves().forEach(t -> hardQuota(t, 1));
        use(full, 1);

        assertThatThrownBy(() -> pipeline.begin(tenant, entry, List.of()))
                .isInstanceOfSatisfying(QuotaExceeded.class, e -> {
                    assertThat(e.usageType()).isEqualTo(full);
                    assertThat(e.limit()).isEqualTo(1);
                    assertThat(e.used()).isEqualTo(1);
                    assertThat(e.code()).isEqualTo("quota_exceeded");
                });
        for (String type : entry.reserves()) {
            if (!type.equals(full)) {
                assertThat(fits(type, 1)).as("%s reserved before the refusal is given back", type).isTrue();
            }
        }
    }

    @ParameterizedTest
    @EnumSource(Entry.class)
    void admitRefusesEveryEntryOnceATokenQuotaIsUsedUp(Entry entry) {
        entry.reserves().forEach(t -> hardQuota(t, 1));
        hardQuota("model.completion_tokens", 100);
        hardQuota("model.prompt_tokens", 1_000);
        use("model.completion_tokens", 100);
        use("model.prompt_tokens", 10);

        assertThatThrownBy(() -> pipeline.begin(tenant, entry, List.of()))
                .isInstanceOfSatisfying(QuotaExceeded.class, e -> {
                    assertThat(e.usageType()).isEqualTo("model.completion_tokens");
                    assertThat(e.used()).isEqualTo(100);
                });
        entry.reserves().forEach(t -> assertThat(fits(t, 1)).as(t).isTrue());
    }

    @ParameterizedTest
    @EnumSource(Entry.class)
    void admitLetsThroughUsedUpHardQuotasOfOtherTypesAndUsedUpSoftQuotas(Entry entry) {
        for (String type : TYPES) {
            if (entry.checks().contains(type)) {
                continue;
            }
            if (entry.reserves().contains(type)) {
                quotas.create(tenant, type, "daily", 1, "soft", List.of(100));
            } else {
                hardQuota(type, 1);
            }
            use(type, 1);
        }
        assertThatCode(() -> pipeline.begin(tenant, entry, List.of()).close()).doesNotThrowAnyException();
    }

    @Test
    void beginTakesTheEntrysRateLimitsAndARefusalHoldsNoQuota() {
        hardQuota("messages.in", 5);
        hardQuota("messages.out", 5);
        RateLimits.Bucket contact = bucket("cv:contact", 1);
        try (TurnPipeline.Admitted first = pipeline.begin(tenant, Entry.CHANNEL_LIVE, List.of(contact))) {
            assertThat(first.rateLimit().limit()).isEqualTo(1);
            assertThat(first.rateLimit().remaining()).isZero();
        }

        assertThatThrownBy(() -> pipeline.begin(tenant, Entry.CHANNEL_LIVE, List.of(contact)))
                .isInstanceOfSatisfying(RateLimits.Refused.class, e -> {
                    assertThat(e.code()).isEqualTo("rate_limited");
                    assertThat(e.details()).containsEntry("limit", "visitor");
                });
        assertThat(fits("messages.in", 5)).as("nothing reserved by the refused turn").isTrue();
        assertThat(fits("messages.out", 5)).isTrue();
    }

    @Test
    void anAdmissionReportsItsTightestBucketAndNoneWithoutBuckets() {
        try (TurnPipeline.Admitted admitted = pipeline.begin(tenant, Entry.CHANNEL_LIVE,
                List.of(bucket("ci:wide", 5), bucket("cv:narrow", 3)))) {
            assertThat(admitted.rateLimit().limit()).isEqualTo(3);
            assertThat(admitted.rateLimit().remaining()).isEqualTo(2);
        }
        try (TurnPipeline.Admitted admitted = pipeline.begin(tenant, Entry.API, List.of())) {
            assertThat(admitted.rateLimit()).as("the API's limits are the HTTP filter's").isNull();
        }
    }

    @Test
    void aStoredMessageARateLimitRefusesIsMarkedUnanswered() {
        Conversation c = conversation(agent(spec(null, null)));
        Message user = pipeline.turns().storeUserMessage(c, "hello", "wamid-1");
        RateLimits.Bucket contact = bucket("cv:contact", 1);
        pipeline.begin(tenant, Entry.CHANNEL_QUEUED, List.of(contact)).close();

        assertThatThrownBy(() -> pipeline.begin(user, Entry.CHANNEL_QUEUED, List.of(contact)))
                .isInstanceOf(RateLimits.Refused.class);
        assertThat(repo.message(tenant, user.id())).hasValueSatisfying(m -> {
            assertThat(m.status()).isEqualTo("unanswered");
            assertThat(m.errorCode()).isEqualTo("rate_limited");
        });
    }

    @Test
    void aStoredMessageAQuotaRefusesIsMarkedUnanswered() {
        Conversation c = conversation(agent(spec(null, null)));
        Message user = pipeline.turns().storeUserMessage(c, "hello", "wamid-1");
        hardQuota("messages.out", 1);
        use("messages.out", 1);

        assertThatThrownBy(() -> pipeline.begin(user, Entry.CHANNEL_QUEUED, List.of()))
                .isInstanceOf(QuotaExceeded.class);
        assertThat(repo.message(tenant, user.id())).hasValueSatisfying(m -> {
            assertThat(m.status()).isEqualTo("unanswered");
            assertThat(m.errorCode()).isEqualTo("quota_exceeded");
        });
    }

    @Test
    void anAdmittedTurnCountsWhatItRecordsOnceAndGivesBackTheReplyItCouldNotMake() {
        hardQuota("messages.in", 2);
        hardQuota("messages.out", 2);
        Agent agent = agent(spec(null, null));
        Conversation c = conversation(agent);

        model.then(reply("one", 3, 2));
        try (TurnPipeline.Admitted admitted = pipeline.begin(tenant, Entry.API, List.of())) {
            admitted.answer(c, pipeline.turns().storeUserMessage(c, "first", null), ReplySink.result());
        }
        // Recorded usage takes the reserved unit instead of counting again: one of two used, not two.
        assertThat(fits("messages.in", 1)).isTrue();
        assertThat(fits("messages.in", 2)).isFalse();
        assertThat(fits("messages.out", 1)).isTrue();
        assertThat(fits("messages.out", 2)).isFalse();

        model.fail(new ModelException(ModelException.Kind.UPSTREAM_ERROR, "503 from upstream", (Duration) null));
        try (TurnPipeline.Admitted admitted = pipeline.begin(tenant, Entry.API, List.of())) {
            Message user = pipeline.turns().storeUserMessage(c, "second", null);
            assertThatThrownBy(() -> admitted.answer(c, user, ReplySink.result())).isInstanceOf(HubFailure.class);
        }
        assertThat(fits("messages.in", 1)).as("the stored message is used").isFalse();
        assertThat(fits("messages.out", 1)).as("the reply that never came is given back").isTrue();
        assertThat(fits("messages.out", 2)).isFalse();
    }

    // answer(): the turn itself --------------------------------------------------------------------------------

    @Test
    void anAnswerAsksTheModelWithTheHistoryWindowAndStoresTheReplyWithItsUsage() {
        Agent agent = agent(spec(new AgentSpec.History(4, null), null));
        Conversation c = conversation(agent);
        pipeline.turns().storeUserMessage(c, "first", null);
        repo.insertMessage(Message.draft(c, "assistant").content("reply one").status(Message.Status.COMPLETED)
                .at(clock.instant()).build());
        pipeline.turns().storeUserMessage(c, "second", null);
        repo.insertMessage(Message.draft(c, "assistant").status(Message.Status.FAILED).errorCode("model_error")
                .at(clock.instant()).build());
        Message user = pipeline.turns().storeUserMessage(c, "third", "ext-3");

        model.then(new ModelReply("Hello back", List.of(), "stop", new ModelReply.Usage(11, 7), "scripted-2024"));
        Replies replies = new Replies(false, Integer.MAX_VALUE);
        TurnService.Result result = answer(c, user, replies);

        assertThat(replies.answered).containsExactly(result);
        assertThat(replies.started).as("a sink that does not stream sees only the result").isEmpty();

        ModelRequest asked = model.requests.get(0);
        assertThat(asked.model()).isEqualTo(MODEL);
        assertThat(asked.api()).isEqualTo(ModelRequest.Api.CHAT_COMPLETIONS);
        assertThat(asked.instructions()).isEqualTo("Be brief.");
        // The last four messages, oldest first, without the failed reply; "first" is outside the window.
        assertThat(asked.messages()).extracting(ModelMessage::role, ModelMessage::content).containsExactly(
                tuple("assistant", "reply one"), tuple("user", "second"), tuple("user", "third"));

        Message stored = repo.message(tenant, user.id()).orElseThrow();
        assertThat(stored.role()).isEqualTo("user");
        assertThat(stored.content()).isEqualTo("third");
        assertThat(stored.externalId()).isEqualTo("ext-3");
        assertThat(stored.status()).isEqualTo("received");

        Message reply = result.reply();
        assertThat(result.user().id()).isEqualTo(user.id());
        assertThat(result.promptTokens()).isEqualTo(11);
        assertThat(result.completionTokens()).isEqualTo(7);
        assertThat(repo.message(tenant, reply.id())).hasValueSatisfying(m -> {
            assertThat(m.role()).isEqualTo("assistant");
            assertThat(m.content()).isEqualTo("Hello back");
            assertThat(m.status()).isEqualTo("completed");
            assertThat(m.model()).isEqualTo("scripted-2024");
            assertThat(m.promptTokens()).isEqualTo(11);
            assertThat(m.completionTokens()).isEqualTo(7);
            assertThat(m.seq()).isGreaterThan(user.seq());
        });
        assertThat(usageOf("in:" + user.id(), "out:" + reply.id(), "pt:" + reply.id() + ":0",
                "ct:" + reply.id() + ":0")).containsExactlyInAnyOrder(
                new Usage("messages.in", 1, null, agent.id(), "in:" + user.id()),
                new Usage("messages.out", 1, "scripted-2024", agent.id(), "out:" + reply.id()),
                new Usage("model.prompt_tokens", 11, "scripted-2024", agent.id(), "pt:" + reply.id() + ":0"),
                new Usage("model.completion_tokens", 7, "scripted-2024", agent.id(), "ct:" + reply.id() + ":0"));
        assertThat(repo.find(tenant, c.id()).orElseThrow().lastMessageAt()).isEqualTo(reply.createdAt());
        assertThat(emitted).extracting(Emitted::type).containsExactly("message.received", "message.received",
                "message.received", "message.sent");
    }

    @Test
    void aFallbackModelAnswersWhenTheAgentsOwnFailsAndTheTurnIsStoredAndMeteredAsItsAnswer() {
        AgentSpec own = spec(null, null);
        Agent agent = agent(new AgentSpec(own.provider(), own.model(), AgentSpec.RESPONSES, own.instructions(), null,
                null, null, null, null, null, null, null, List.of(new AgentSpec.Fallback(PROVIDER, "scripted-backup",
                AgentSpec.CHAT_COMPLETIONS)), null));
        Conversation c = conversation(agent);
        Message user = pipeline.turns().storeUserMessage(c, "hello", null);
        model.fail(new ModelException(ModelException.Kind.TIMEOUT, "no answer in time", (Duration) null));
        model.then(new ModelReply("from the backup", List.of(), "stop", new ModelReply.Usage(7, 3),
                "scripted-backup-2024"));

        TurnService.Result result = answer(c, user);

        assertThat(model.requests).extracting(ModelRequest::model).containsExactly(MODEL, "scripted-backup");
        assertThat(model.requests.get(1).api()).isEqualTo(ModelRequest.Api.CHAT_COMPLETIONS);
        assertThat(model.requests.get(1).messages()).isEqualTo(model.requests.get(0).messages());
        Message reply = messages(c).stream().filter(m -> "assistant".equals(m.role())).findFirst().orElseThrow();
        assertThat(reply.content()).isEqualTo("from the backup");
        assertThat(reply.model()).isEqualTo("scripted-backup-2024");
        assertThat(result).isNotNull();
        assertThat(usage()).filteredOn(u -> u.type().startsWith("model.")).extracting(Usage::model)
                .containsOnly("scripted-backup-2024").hasSize(2);
    }

    /**
     * A channel's message is billed when it arrives, so nothing reserves on a hard messages.in quota: its threshold
     * notices seed its counter from the ledger once instead of summing the growing ledger after every turn.
     */
    @Test
    void aHardQuotaNothingReservesIsSummedFromTheLedgerOnceNotAfterEveryTurn() {
        hardQuota("messages.in", 1_000_000);
        Conversation c = conversation(agent(spec(null, null)));
        ledgerSums.set(0);
        for (int i = 0; i < 3; i++) {
            Message user = pipeline.turns().storeUserMessage(c, "hello " + i, null);
            model.then(reply("answer " + i, 3, 2));
            answer(c, user);
        }
        assertThat(ledgerSums.get()).isEqualTo(1);
        assertThat(quotas.list(tenant)).singleElement().satisfies(q -> assertThat(fits("messages.in", 1_000_000 - 3))
                .isTrue());
        assertThat(fits("messages.in", 1_000_000 - 2)).as("the counter counts the three messages").isFalse();
    }

    @Test
    void turnsThatFindAQuotaCounterMissingAtOnceSeedItOnce() throws Exception {
        hardQuota("messages.in", 1_000);
        use("messages.in", 10);
        CountDownLatch seeding = new CountDownLatch(1);
        java.util.concurrent.atomic.AtomicInteger flushes = new java.util.concurrent.atomic.AtomicInteger();
        // The first turn to seed holds the seeding until the others have found the counter missing too.
        quotas.beforeSeeding(() -> {
            flushes.incrementAndGet();
            await(seeding);
        });
        ledgerSums.set(0);
        int turns = 8;
        List<java.util.concurrent.Future<?>> admitted = new ArrayList<>();
        var threads = java.util.concurrent.Executors.newFixedThreadPool(turns);
        try {
            for (int i = 0; i < turns; i++) {
                // Held open: each reservation stays counted.
                admitted.add(threads.submit(() -> quotas.requireAvailable(tenant, List.of("messages.in"), List.of())));
            }
            Thread.sleep(300);
            seeding.countDown();
            for (var f : admitted) {
                f.get(10, TimeUnit.SECONDS);
            }
        } finally {
            threads.shutdownNow();
        }
        assertThat(flushes.get()).as("spool flushes before seeding").isEqualTo(1);
        assertThat(ledgerSums.get()).as("ledger sums").isEqualTo(1);
        assertThat(fits("messages.in", 1_000 - 10 - turns)).as("the seed and every reservation counted").isTrue();
        assertThat(fits("messages.in", 1_000 - 10 - turns + 1)).isFalse();
    }

    private static void await(CountDownLatch latch) {
        try {
            latch.await(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Test
    void aReplyWhoseUsageCannotBeWrittenIsNotStoredEither() {
        Conversation c = conversation(agent(spec(null, null)));
        Message user = pipeline.turns().storeUserMessage(c, "hello", null);
        Instant before = repo.find(tenant, c.id()).orElseThrow().lastMessageAt();

        model.then(reply("an answer nobody pays for", 5, 5));
        Replies replies = new Replies(false, Integer.MAX_VALUE);
        usageWritesFail.set(true);
        try {
            assertThatThrownBy(() -> answer(c, user, replies)).hasStackTraceContaining("injected");
        } finally {
            usageWritesFail.set(false);
        }
        // One commit: the reply, the conversation's time and the usage go together or not at all.
        assertThat(replies.answered).isEmpty();
        assertThat(messages(c)).extracting(Message::role).containsExactly("user");
        assertThat(usage()).extracting(Usage::type).containsExactly("messages.in");
        assertThat(repo.find(tenant, c.id()).orElseThrow().lastMessageAt()).isEqualTo(before);
    }

    @Test
    void aModelFailureLeavesAFailedMarkerAndNoReplyOrUsage() {
        Agent agent = agent(spec(null, null));
        Conversation c = conversation(agent);
        Message user = pipeline.turns().storeUserMessage(c, "hello", null);

        model.fail(new ModelException(ModelException.Kind.UPSTREAM_ERROR, "503 from upstream", (Duration) null));
        Replies replies = new Replies(false, Integer.MAX_VALUE);
        assertThatThrownBy(() -> answer(c, user, replies))
                .isInstanceOfSatisfying(HubFailure.class, e -> assertThat(e.code()).isEqualTo("model_error"));
        assertThat(replies.answered).isEmpty();

        List<Message> stored = messages(c);
        assertThat(stored).extracting(Message::role, Message::status)
                .containsExactly(tuple("user", "received"), tuple("assistant", "failed"));
        Message failed = stored.get(1);
        assertThat(failed.errorCode()).isEqualTo("model_error");
        assertThat(failed.content()).isNull();
        assertThat(failed.promptTokens()).isNull();
        assertThat(failed.completionTokens()).isNull();
        assertThat(failed.model()).isEqualTo(MODEL);
        assertThat(usage()).extracting(Usage::type).containsExactly("messages.in");
        assertThat(emitted).extracting(Emitted::type).containsExactly("message.received");
    }

    @Test
    void aTurnTouchesItsConversationOnceWithTheReplyAndStillDoesWhenNoReplyComes() {
        Conversation c = conversation(agent(spec(null, null)));
        Instant created = repo.find(tenant, c.id()).orElseThrow().lastMessageAt();

        model.then(reply("Hello back", 3, 2));
        TurnService.Result r;
        try (TurnPipeline.Admitted admitted = pipeline.begin(tenant, Entry.API, List.of())) {
            Message user = admitted.storeUserMessage(c, "hello", null, List.of(), Message.TEXT, null);
            assertThat(repo.find(tenant, c.id()).orElseThrow().lastMessageAt())
                    .as("the user's message leaves the time to the reply's commit").isEqualTo(created);
            r = admitted.answer(c, user, ReplySink.result());
        }
        assertThat(repo.find(tenant, c.id()).orElseThrow().lastMessageAt()).isEqualTo(r.reply().createdAt());

        // The model fails: no reply is stored, and closing the admission records the user's message time.
        model.fail(new ModelException(ModelException.Kind.BAD_REQUEST, "unknown model", (Duration) null));
        Message[] asked = new Message[1];
        assertThatThrownBy(() -> {
            try (TurnPipeline.Admitted admitted = pipeline.begin(tenant, Entry.API, List.of())) {
                asked[0] = admitted.storeUserMessage(c, "again", null, List.of(), Message.TEXT, null);
                admitted.answer(c, asked[0], ReplySink.result());
            }
        }).isInstanceOf(HubFailure.class);
        assertThat(repo.find(tenant, c.id()).orElseThrow().lastMessageAt()).isEqualTo(asked[0].createdAt());
    }

    @Test
    void aToolTheHubAnswersIsRunAndTheModelAskedAgainWithItsResult() {
        Agent agent = agent(spec(null, List.of(tool("get_order"))));
        Conversation c = conversation(agent);
        List<String> invoked = new CopyOnWriteArrayList<>();
        tools.put("get_order", handler("get_order", (args, ctx) -> {
            invoked.add(args + " for " + ctx.tenantId());
            return "{\"status\":\"shipped\"}";
        }));
        Message user = pipeline.turns().storeUserMessage(c, "where is order 42?", null);

        ModelMessage.ToolCall call = new ModelMessage.ToolCall("call_1", "get_order", "{\"id\":42}");
        model.then(new ModelReply("", List.of(call), "tool_calls", new ModelReply.Usage(20, 5), "scripted-2024"));
        model.then(new ModelReply("It shipped.", List.of(), "stop", new ModelReply.Usage(30, 6), "scripted-2024"));
        TurnService.Result result = answer(c, user);

        assertThat(invoked).containsExactly("{\"id\":42} for " + tenant);
        assertThat(toolContexts).containsExactly(tenant + "/" + TOOL_PLUGIN);
        assertThat(model.requests).hasSize(2);
        assertThat(model.requests.get(0).tools()).extracting(ModelRequest.Tool::name).containsExactly("get_order");
        assertThat(model.requests.get(1).messages()).extracting(ModelMessage::role, ModelMessage::toolCallId,
                ModelMessage::content).containsExactly(tuple("user", null, "where is order 42?"),
                tuple("assistant", null, ""), tuple("tool", "call_1", "{\"status\":\"shipped\"}"));
        assertThat(model.requests.get(1).messages().get(1).toolCalls()).containsExactly(call);

        List<Message> stored = messages(c);
        assertThat(stored).extracting(Message::role, Message::status, Message::toolCallId, Message::content)
                .containsExactly(tuple("user", "received", null, "where is order 42?"),
                        tuple("assistant", "completed", null, ""),
                        tuple("tool", "completed", "call_1", "{\"status\":\"shipped\"}"),
                        tuple("assistant", "completed", null, "It shipped."));
        assertThat(stored.get(1).toolCalls()).containsExactly(call);
        Message reply = stored.get(3);
        assertThat(reply.id()).isEqualTo(result.reply().id());
        // The reply carries the tokens of the whole turn, both model calls.
        assertThat(reply.promptTokens()).isEqualTo(50);
        assertThat(reply.completionTokens()).isEqualTo(11);
        assertThat(result.promptTokens()).isEqualTo(50);
        assertThat(result.completionTokens()).isEqualTo(11);
        assertThat(usage()).extracting(Usage::type, Usage::quantity, Usage::key).containsExactlyInAnyOrder(
                tuple("messages.in", 1L, "in:" + user.id()),
                tuple("model.prompt_tokens", 20L, "pt:" + reply.id() + ":0"),
                tuple("model.completion_tokens", 5L, "ct:" + reply.id() + ":0"),
                tuple("model.prompt_tokens", 30L, "pt:" + reply.id() + ":1"),
                tuple("model.completion_tokens", 6L, "ct:" + reply.id() + ":1"),
                tuple("messages.out", 1L, "out:" + reply.id()));
    }

    @Test
    void aFailingToolIsReportedToTheModelAndTheTurnGoesOn() {
        Conversation c = conversation(agent(spec(null, List.of(tool("get_order")))));
        tools.put("get_order", handler("get_order", (args, ctx) -> {
            throw new IllegalStateException("order service down");
        }));
        Message user = pipeline.turns().storeUserMessage(c, "where is my order?", null);

        model.then(new ModelReply("", List.of(new ModelMessage.ToolCall("call_1", "get_order", "{}")), "tool_calls",
                null, "scripted-2024"));
        model.then(reply("I cannot look it up right now.", 4, 4));
        TurnService.Result result = answer(c, user);

        assertThat(model.requests.get(1).messages()).last().satisfies(m -> {
            assertThat(m.role()).isEqualTo("tool");
            assertThat(m.content()).isEqualTo("{\"error\":\"tool failed\"}");
        });
        assertThat(result.reply().content()).isEqualTo("I cannot look it up right now.");
        assertThat(result.reply().status()).isEqualTo("completed");
    }

    @Test
    void toolCallsTheHubCannotAnswerEndTheTurnAsRequiresAction() {
        Conversation c = conversation(agent(spec(null, List.of(tool("get_order"), tool("refund")))));
        tools.put("get_order", handler("get_order", (args, ctx) -> {
            throw new AssertionError("not run: the other call has no handler");
        }));
        Message user = pipeline.turns().storeUserMessage(c, "refund order 42", null);

        List<ModelMessage.ToolCall> calls = List.of(new ModelMessage.ToolCall("call_1", "get_order", "{}"),
                new ModelMessage.ToolCall("call_2", "refund", "{}"));
        model.then(new ModelReply("", calls, "tool_calls", new ModelReply.Usage(8, 2), "scripted-2024"));
        TurnService.Result result = answer(c, user);

        assertThat(model.requests).hasSize(1);
        assertThat(result.reply().status()).isEqualTo("requires_action");
        assertThat(result.reply().toolCalls()).isEqualTo(calls);
        assertThat(messages(c)).extracting(Message::role).containsExactly("user", "assistant");
        assertThat(usage()).extracting(Usage::type).containsExactlyInAnyOrder("messages.in", "messages.out",
                "model.prompt_tokens", "model.completion_tokens");
    }

    @Test
    void noMoreToolRoundsThanTheAgentAllows() {
        AgentSpec s = spec(null, List.of(tool("get_order")));
        s = new AgentSpec(s.provider(), s.model(), s.api(), s.instructions(), null, null, null, s.tools(), null,
                null, null, 1, null, null);
        Conversation c = conversation(agent(s));
        List<String> invoked = new CopyOnWriteArrayList<>();
        tools.put("get_order", handler("get_order", (args, ctx) -> {
            invoked.add(args);
            return "{}";
        }));
        Message user = pipeline.turns().storeUserMessage(c, "loop", null);

        model.then(new ModelReply("", List.of(new ModelMessage.ToolCall("call_1", "get_order", "1")), "tool_calls",
                null, "scripted-2024"));
        model.then(new ModelReply("", List.of(new ModelMessage.ToolCall("call_2", "get_order", "2")), "tool_calls",
                null, "scripted-2024"));
        TurnService.Result result = answer(c, user);

        assertThat(invoked).containsExactly("1");
        assertThat(result.reply().status()).isEqualTo("requires_action");
        assertThat(result.reply().toolCalls()).extracting(ModelMessage.ToolCall::id).containsExactly("call_2");
    }

    @Test
    void anAgentWithTheHandoffToolHandsTheConversationToAPersonAndFallsSilent() {
        AgentSpec s = spec(null, null);
        s = new AgentSpec(s.provider(), s.model(), s.api(), s.instructions(), null, null, null, s.tools(), null,
                null, null, null, null, new AgentSpec.Handoff(null, null, null, true));
        Conversation c = conversation(agent(s));
        Message user = pipeline.turns().storeUserMessage(c, "this is the third time my order is wrong!", null);
        model.then(new ModelReply("", List.of(new ModelMessage.ToolCall("call_h", "request_human",
                "{\"reason\":\"angry customer, repeated wrong orders\"}")), "tool_calls", null, "scripted-2024"));
        model.then(new ModelReply("I am sorry. A colleague will answer you here shortly.", List.of(), "stop", null,
                "scripted-2024"));

        TurnService.Result result = answer(c, user);

        // The model was offered the hub's tool, called it, and told the user; the conversation waits for a person.
        assertThat(model.requests.get(0).tools()).extracting(ModelRequest.Tool::name).contains("request_human");
        assertThat(result.reply().content()).isEqualTo("I am sorry. A colleague will answer you here shortly.");
        assertThat(result.handoff().state()).isEqualTo(Handoff.WAITING);
        Conversation after = repo.find(tenant, c.id()).orElseThrow();
        assertThat(after.handoff().requestedBy()).isEqualTo("agent");
        assertThat(after.handoff().reason()).isEqualTo("angry customer, repeated wrong orders");

        // The next message gets no model call and no reply: a person answers it.
        Message next = pipeline.turns().storeUserMessage(after, "hello?", null);
        TurnService.Result silent = answer(after, next);
        assertThat(silent.reply()).isNull();
        assertThat(model.requests).hasSize(2);
    }

    @Test
    void aPersonWhoTakesTheConversationWhileTheModelAnswersKeepsItAndTheAgentsReplyIsDropped() {
        Conversation c = conversation(agent(spec(null, null)));
        Message user = pipeline.turns().storeUserMessage(c, "hello?", null);
        // The turn read the conversation before a person took it: as when the take lands during the model call.
        handoffs.take(tenant, c.id(), "usr_ana", "Ana");
        model.then(new ModelReply("the agent's late answer", List.of(), "stop", new ModelReply.Usage(7, 5),
                "scripted-2024"));

        TurnService.Result r = answer(c, user);

        assertThat(r.reply()).isNull();
        assertThat(r.handoff().holderName()).isEqualTo("Ana");
        assertThat(repo.recent(tenant, c.id(), 10)).extracting(Message::role).containsExactly("user");
        // The model was called: its tokens are the tenant's all the same.
        Long completion = jdbi.withHandle(h -> h.createQuery("SELECT COALESCE(SUM(quantity), 0) FROM usage_events "
                + "WHERE tenant_id = :t AND usage_type = 'model.completion_tokens'").bind("t", tenant)
                .mapTo(Long.class).one());
        assertThat(completion).isEqualTo(5L);
    }

    @Test
    void aRequestNobodyTookWithinTheAgentsWaitLetsTheAgentAnswerAgain() {
        AgentSpec s = spec(null, null);
        s = new AgentSpec(s.provider(), s.model(), s.api(), s.instructions(), null, null, null, s.tools(), null,
                null, null, null, null, new AgentSpec.Handoff(true, null, null, false, 30));
        Conversation c = conversation(agent(s));
        Message ask = pipeline.turns().storeUserMessage(c, "talk to a human", null);
        assertThat(answer(c, ask).handoff().state()).isEqualTo(Handoff.WAITING);

        // Still within the wait: nobody answers but a person.
        Conversation waiting = repo.find(tenant, c.id()).orElseThrow();
        assertThat(answer(waiting, pipeline.turns().storeUserMessage(waiting, "hello?", null)).reply()).isNull();

        // Forty minutes on, nobody took it: the next message is the agent's to answer.
        jdbi.useHandle(h -> h.createUpdate("UPDATE conversations SET handoff_at = :at WHERE id = :id")
                .bind("at", Instant.now().minus(Duration.ofMinutes(40))).bind("id", c.id()).execute());
        Conversation stale = repo.find(tenant, c.id()).orElseThrow();
        model.then(new ModelReply("I am here to help.", List.of(), "stop", null, "scripted-2024"));
        TurnService.Result r = answer(stale, pipeline.turns().storeUserMessage(stale, "anyone?", null));
        assertThat(r.reply().content()).isEqualTo("I am here to help.");
        assertThat(repo.find(tenant, c.id()).orElseThrow().handoff()).isNull();
    }

    @Test
    void anAgentWithoutTheHandoffToolIsNotOfferedIt() {
        Conversation c = conversation(agent(spec(null, null)));
        Message user = pipeline.turns().storeUserMessage(c, "hi", null);
        model.then(new ModelReply("hello", List.of(), "stop", null, "scripted-2024"));
        answer(c, user);
        assertThat(model.requests.get(0).tools()).extracting(ModelRequest.Tool::name)
                .doesNotContain("request_human");
    }

    @Test
    void aStreamedTurnAnnouncesTheReplyIdPassesTheTextOnAndStoresTheReply() {
        Agent agent = agent(spec(null, null));
        Conversation c = conversation(agent);
        Message user = pipeline.turns().storeUserMessage(c, "count", null);
        Replies sink = new Replies(true, Integer.MAX_VALUE);

        model.thenStream(new ModelReply("one two", List.of(), "stop", new ModelReply.Usage(6, 2), "scripted-2024"),
                "one", "", " two");
        TurnService.Result result = answer(c, user, sink);

        assertThat(sink.started).containsExactly(user.id() + " -> " + result.reply().id());
        assertThat(sink.deltas).containsExactly("one", " two");
        assertThat(sink.answered).containsExactly(result);
        assertThat(repo.message(tenant, result.reply().id())).hasValueSatisfying(m -> {
            assertThat(m.content()).isEqualTo("one two");
            assertThat(m.promptTokens()).isEqualTo(6);
        });
        assertThat(usage()).extracting(Usage::type).containsExactlyInAnyOrder("messages.in", "messages.out",
                "model.prompt_tokens", "model.completion_tokens");
    }

    @Test
    void aStreamedTurnShowsTheCallerEachToolTheHubRuns() {
        Conversation c = conversation(agent(spec(null, List.of(tool("get_order")))));
        tools.put("get_order", handler("get_order", (args, ctx) -> "{\"status\":\"shipped\"}"));
        Message user = pipeline.turns().storeUserMessage(c, "where is order 42?", null);
        Replies sink = new Replies(true, Integer.MAX_VALUE);

        ModelMessage.ToolCall call = new ModelMessage.ToolCall("call_1", "get_order", "{\"id\":42}");
        model.thenStream(new ModelReply("", List.of(call), "tool_calls", null, "scripted-2024"));
        model.thenStream(reply("It shipped.", 3, 3), "It shipped.");
        TurnService.Result result = answer(c, user, sink);

        assertThat(sink.toolCalls).containsExactly(call);
        assertThat(sink.deltas).containsExactly("It shipped.");
        assertThat(sink.started).hasSize(1);
        assertThat(sink.answered).containsExactly(result);
        assertThat(result.reply().content()).isEqualTo("It shipped.");
    }

    @Test
    void aStreamedTurnTheClientLeavesStoresAndBillsNoReply() {
        Conversation c = conversation(agent(spec(null, null)));
        Message user = pipeline.turns().storeUserMessage(c, "count", null);
        Replies sink = new Replies(true, 1);

        model.thenStream(new ModelReply("one two three", List.of(), "stop", new ModelReply.Usage(6, 3),
                "scripted-2024"), "one", " two", " three");
        assertThatThrownBy(() -> answer(c, user, sink)).isInstanceOf(TurnService.Cancelled.class);

        assertThat(sink.deltas).containsExactly("one");
        assertThat(sink.answered).isEmpty();
        assertThat(model.streamClosed).isTrue();
        assertThat(messages(c)).extracting(Message::role).containsExactly("user");
        assertThat(usage()).extracting(Usage::type).containsExactly("messages.in");
    }

    // unanswered() --------------------------------------------------------------------------------------------

    @Test
    void aRefusedMessageIsMarkedUnansweredWithTheReason() {
        Conversation c = conversation(agent(spec(null, null)));
        Message user = pipeline.turns().storeUserMessage(c, "hello", "wamid-1");

        pipeline.unanswered(user, "quota_exceeded");

        assertThat(repo.message(tenant, user.id())).hasValueSatisfying(m -> {
            assertThat(m.status()).isEqualTo("unanswered");
            assertThat(m.errorCode()).isEqualTo("quota_exceeded");
            assertThat(m.content()).isEqualTo("hello");
        });
        assertThat(model.requests).isEmpty();
    }

    @Test
    void aMessageNoLongerWaitingForAnAnswerKeepsItsStatus() {
        Conversation c = conversation(agent(spec(null, null)));
        Message user = pipeline.turns().storeUserMessage(c, "hello", null);
        pipeline.unanswered(user, "outside_window");
        Message marked = repo.message(tenant, user.id()).orElseThrow();

        pipeline.unanswered(marked, "rate_limited");
        assertThat(repo.message(tenant, user.id())).hasValueSatisfying(m -> {
            assertThat(m.status()).isEqualTo("unanswered");
            assertThat(m.errorCode()).as("the first reason stays").isEqualTo("outside_window");
        });

        Message answer = pipeline.turns().storeAssistantText(c, "an answer");
        pipeline.unanswered(answer, "rate_limited");
        assertThat(repo.message(tenant, answer.id())).hasValueSatisfying(m -> {
            assertThat(m.status()).isEqualTo("completed");
            assertThat(m.errorCode()).isNull();
        });
    }

    @Test
    void aMessageAnsweredBeforeACrashIsNeverMarkedUnanswered() {
        // A redelivered WhatsApp event after the window closed: the message still reads "received", but it has its
        // reply, and that is what must show.
        Conversation c = conversation(agent(spec(null, null)));
        Message user = pipeline.turns().storeUserMessage(c, "hello", "wamid-answered");
        pipeline.turns().storeAssistantText(c, "the answer");

        pipeline.unanswered(user, "outside_service_window");

        assertThat(repo.message(tenant, user.id())).hasValueSatisfying(m -> {
            assertThat(m.status()).isEqualTo("received");
            assertThat(m.errorCode()).isNull();
        });
    }

    @Test
    void aStaleCopyNeverOverwritesTheReasonAlreadyStored() {
        Conversation c = conversation(agent(spec(null, null)));
        Message user = pipeline.turns().storeUserMessage(c, "hello", null);
        pipeline.unanswered(user, "quota_exceeded");

        pipeline.unanswered(user, "rate_limited");

        assertThat(repo.message(tenant, user.id())).hasValueSatisfying(m ->
                assertThat(m.errorCode()).isEqualTo("quota_exceeded"));
    }

    // complete() and meterCall() ------------------------------------------------------------------------------

    @Test
    void aCompletionIsBilledAsOneCallWithTheTokensTheProviderReported() {
        Agent agent = agent(spec(null, null));
        ModelRequest request = request("hi");
        ModelReply answer = new ModelReply("hello", List.of(), "stop", new ModelReply.Usage(9, 4), "scripted-2024");
        model.then(answer);

        assertThat(pipeline.complete(tenant, agent, request, "chatcmpl-1")).isEqualTo(answer);

        assertThat(model.requests).containsExactly(request);
        assertThat(usage()).containsExactlyInAnyOrder(
                new Usage("api.chat_completions", 1, "scripted-2024", agent.id(), "call:chatcmpl-1"),
                new Usage("model.prompt_tokens", 9, "scripted-2024", agent.id(), "pt:chatcmpl-1"),
                new Usage("model.completion_tokens", 4, "scripted-2024", agent.id(), "ct:chatcmpl-1"));
    }

    @Test
    void aCompletionWithoutReportedUsageIsStillBilledAsACall() {
        Agent agent = agent(spec(null, null));
        model.then(new ModelReply("hello", List.of(), "stop", null, "local-model"));

        pipeline.complete(tenant, agent, request("hi"), "chatcmpl-2");

        assertThat(usage()).containsExactly(
                new Usage("api.chat_completions", 1, "local-model", agent.id(), "call:chatcmpl-2"));
    }

    @Test
    void aCompletionTheClientLeftIsBilledAsACallOfTheAgentsModel() {
        Agent agent = agent(spec(null, null));
        model.thenStream(reply("one two", 5, 2), "one", " two");
        try (ModelStream s = pipeline.stream(tenant, agent, request("count"))) {
            assertThat(s.nextDelta()).isEqualTo("one");
        } catch (ModelException e) {
            throw new AssertionError(e);
        }
        assertThat(model.streamClosed).isTrue();

        pipeline.meterCall(tenant, agent, null, "chatcmpl-3");

        assertThat(usage()).containsExactly(
                new Usage("api.chat_completions", 1, MODEL, agent.id(), "call:chatcmpl-3"));
    }

    /** An agent of the scripted provider whose own model may fail over to {@code scripted-backup}. */
    private Agent agentWithBackup() {
        AgentSpec own = spec(null, null);
        return agent(new AgentSpec(own.provider(), own.model(), own.api(), own.instructions(), null, null, null, null,
                null, null, null, null, List.of(new AgentSpec.Fallback(PROVIDER, "scripted-backup",
                AgentSpec.CHAT_COMPLETIONS)), null));
    }

    @Test
    void aCompletionAFallbackAnsweredIsBilledToTheFallback() {
        Agent agent = agentWithBackup();
        model.fail(new ModelException(ModelException.Kind.TIMEOUT, "no answer in time", (Duration) null));
        model.then(new ModelReply("from the backup", List.of(), "stop", new ModelReply.Usage(6, 2),
                "scripted-backup-2024"));

        assertThat(pipeline.complete(tenant, agent, request("hi"), "chatcmpl-fb").content())
                .isEqualTo("from the backup");

        assertThat(model.requests).extracting(ModelRequest::model).containsExactly(MODEL, "scripted-backup");
        assertThat(usage()).containsExactlyInAnyOrder(
                new Usage("api.chat_completions", 1, "scripted-backup-2024", agent.id(), "call:chatcmpl-fb"),
                new Usage("model.prompt_tokens", 6, "scripted-backup-2024", agent.id(), "pt:chatcmpl-fb"),
                new Usage("model.completion_tokens", 2, "scripted-backup-2024", agent.id(), "ct:chatcmpl-fb"));
    }

    @Test
    void aStreamAFallbackAnsweredIsBilledToTheFallbackWhetherItEndsOrItsClientLeaves() throws ModelException {
        Agent agent = agentWithBackup();
        for (String id : List.of("chatcmpl-end", "chatcmpl-left")) {
            model.fail(new ModelException(ModelException.Kind.TIMEOUT, "no answer in time", (Duration) null));
            model.thenStream(new ModelReply("one two", List.of(), "stop", new ModelReply.Usage(5, 2),
                    "scripted-backup-2024"), "one", " two");
            try (ModelStream s = pipeline.stream(tenant, agent, request("count"))) {
                assertThat(s.nextDelta()).isEqualTo("one");
                if (id.equals("chatcmpl-end")) {
                    assertThat(s.nextDelta()).isEqualTo(" two");
                    assertThat(s.nextDelta()).isNull();
                    pipeline.meterCall(tenant, agent, s.reply(), id);
                } else {
                    pipeline.meterCutOff(tenant, agent, s, id);
                }
            }
        }
        assertThat(usage()).containsExactlyInAnyOrder(
                new Usage("api.chat_completions", 1, "scripted-backup-2024", agent.id(), "call:chatcmpl-end"),
                new Usage("model.prompt_tokens", 5, "scripted-backup-2024", agent.id(), "pt:chatcmpl-end"),
                new Usage("model.completion_tokens", 2, "scripted-backup-2024", agent.id(), "ct:chatcmpl-end"),
                new Usage("api.chat_completions", 1, "scripted-backup", agent.id(), "call:chatcmpl-left"));
    }

    @Test
    void aMeteredCallChecksTheTenantsThresholds() {
        Agent agent = agent(spec(null, null));
        quotas.create(tenant, "api.chat_completions", "monthly", 2, "soft", List.of(50, 100));

        pipeline.meterCall(tenant, agent, null, "chatcmpl-4");
        assertThat(emitted).extracting(Emitted::type, e -> e.data().get("threshold_percent"))
                .containsExactly(tuple("quota.threshold", 50));

        pipeline.meterCall(tenant, agent, reply("x", 1, 1), "chatcmpl-5");
        assertThat(emitted).extracting(Emitted::type, e -> e.data().get("threshold_percent"))
                .containsExactly(tuple("quota.threshold", 50), tuple("quota.threshold", 100));
        assertThat(emitted).allSatisfy(e -> assertThat(e.tenantId()).isEqualTo(tenant));
    }

    @Test
    void aCompletionTheModelFailedIsNotBilled() {
        Agent agent = agent(spec(null, null));
        model.fail(new ModelException(ModelException.Kind.AUTHENTICATION, "401", (Duration) null));

        assertThatThrownBy(() -> pipeline.complete(tenant, agent, request("hi"), "chatcmpl-6"))
                .isInstanceOfSatisfying(HubFailure.class, e -> assertThat(e.code()).isEqualTo("model_auth_failed"));
        assertThat(usage()).isEmpty();
    }

    // Helpers -------------------------------------------------------------------------------------------------

    private void hardQuota(String type, long limit) {
        quotas.create(tenant, type, "daily", limit, "hard", List.of(100));
    }

    /** Usage recorded outside any turn, as earlier work would have left it. */
    private void use(String type, long quantity) {
        ledger.record(new UsageLedger.UsageEvent(tenant, type, quantity, "unit", null, null, null, null,
                "earlier:" + type));
    }

    /** Whether {@code units} more of a type fit the tenant's hard quotas now (the probe gives them back). */
    private boolean fits(String type, long units) {
        try (QuotaReservation probe = quotas.reserve(tenant, type, units)) {
            return true;
        } catch (QuotaExceeded e) {
            return false;
        }
    }

    private static RateLimits.Bucket bucket(String key, long capacity) {
        return new RateLimits.Bucket(key, key.startsWith("cv:") ? "visitor" : "channel",
                new RateLimitsConfig.Limit(capacity, io.dropwizard.util.Duration.hours(1)));
    }

    private JsonNode tool(String name) {
        return json.createObjectNode().put("type", "function").set("function",
                json.createObjectNode().put("name", name).put("description", "looks up"));
    }

    private static AgentSpec spec(AgentSpec.History history, List<JsonNode> tools) {
        return new AgentSpec(PROVIDER, MODEL, null, "Be brief.", null, null, null, tools, null, null, history, null,
                null, null);
    }

    private Agent agent(AgentSpec spec) {
        return agents.create(tenant, "helper", "Helper", spec, null, null, true, null);
    }

    private Conversation conversation(Agent agent) {
        Instant now = clock.instant();
        Conversation c = new Conversation(Ids.newId("conv"), tenant, agent.id(), null, "user-1", null, Map.of(),
                "open", null, now, now, null);
        repo.insert(c);
        return c;
    }

    private static ModelRequest request(String text) {
        return new ModelRequest(MODEL, ModelRequest.Api.CHAT_COMPLETIONS, "", List.of(ModelMessage.user(text)), null,
                null, null, List.of(), null, List.of());
    }

    private static ModelReply reply(String content, long promptTokens, long completionTokens) {
        return new ModelReply(content, List.of(), "stop", new ModelReply.Usage(promptTokens, completionTokens),
                "scripted-2024");
    }

    /** Answers a message stored when it arrived, as a channel's queued message is answered. */
    private TurnService.Result answer(Conversation c, Message user, ReplySink sink) {
        try (TurnPipeline.Admitted admitted = pipeline.begin(user, Entry.CHANNEL_QUEUED, List.of())) {
            return admitted.answer(c, user, sink);
        }
    }

    private TurnService.Result answer(Conversation c, Message user) {
        return answer(c, user, ReplySink.result());
    }

    private List<Message> messages(Conversation c) {
        return repo.page(tenant, c.id(), null, 100);
    }

    private List<Usage> usage() {
        return jdbi.withHandle(h -> h.createQuery("SELECT usage_type, quantity, model, agent_id, idempotency_key "
                        + "FROM usage_events WHERE tenant_id = :t ORDER BY id").bind("t", tenant)
                .map((rs, ctx) -> new Usage(rs.getString(1), rs.getLong(2), rs.getString(3), rs.getString(4),
                        rs.getString(5))).list());
    }

    private List<Usage> usageOf(String... keys) {
        List<String> wanted = List.of(keys);
        return usage().stream().filter(u -> wanted.contains(u.key())).toList();
    }

    private interface ToolBody {
        String invoke(String args, PluginContext ctx) throws Exception;
    }

    private static ToolHandler handler(String name, ToolBody body) {
        return new ToolHandler() {
            @Override
            public String toolName() {
                return name;
            }

            @Override
            public String invoke(String argumentsJson, PluginContext context) throws Exception {
                return body.invoke(argumentsJson, context);
            }
        };
    }

    /** A model provider that answers from a script, in order, and keeps what it was asked. */
    private static final class ScriptedModel implements ModelProvider {

        private record Streamed(List<String> deltas, ModelReply reply) {
        }

        final Deque<Object> script = new ArrayDeque<>();
        final List<ModelRequest> requests = new CopyOnWriteArrayList<>();
        volatile boolean streamClosed;

        void then(ModelReply reply) {
            script.add(reply);
        }

        void thenStream(ModelReply reply, String... deltas) {
            script.add(new Streamed(List.of(deltas), reply));
        }

        void fail(ModelException e) {
            script.add(e);
        }

        private Object next(ModelRequest request) throws ModelException {
            requests.add(request);
            Object next = script.poll();
            if (next == null) {
                throw new AssertionError("the model was called more often than scripted");
            }
            if (next instanceof ModelException e) {
                throw e;
            }
            return next;
        }

        @Override
        public String id() {
            return PROVIDER;
        }

        @Override
        public SettingsSchema settingsSchema() {
            return SettingsSchema.empty();
        }

        @Override
        public ModelReply complete(ModelRequest request, Settings settings) throws ModelException {
            if (next(request) instanceof ModelReply r) {
                return r;
            }
            throw new AssertionError("a stream was scripted, a complete reply asked for");
        }

        @Override
        public ModelStream stream(ModelRequest request, Settings settings) throws ModelException {
            if (!(next(request) instanceof Streamed s)) {
                throw new AssertionError("a complete reply was scripted, a stream asked for");
            }
            Iterator<String> deltas = new ArrayList<>(s.deltas()).iterator();
            return new ModelStream() {
                @Override
                public String nextDelta() {
                    return deltas.hasNext() ? deltas.next() : null;
                }

                @Override
                public ModelReply reply() {
                    return s.reply();
                }

                @Override
                public void close() {
                    streamClosed = true;
                }
            };
        }
    }

    /** Where a test's turn goes: what it was shown, and the caller going away after {@code leaveAfter} pieces. */
    private static final class Replies implements ReplySink {

        final List<String> started = new ArrayList<>();
        final List<String> deltas = new ArrayList<>();
        final List<ModelMessage.ToolCall> toolCalls = new ArrayList<>();
        final List<TurnService.Result> answered = new ArrayList<>();
        private final boolean streams;
        private final int leaveAfter;

        Replies(boolean streams, int leaveAfter) {
            this.streams = streams;
            this.leaveAfter = leaveAfter;
        }

        @Override
        public boolean streams() {
            return streams;
        }

        @Override
        public void start(Message user, String replyId) {
            started.add(user.id() + " -> " + replyId);
        }

        @Override
        public void delta(String text) {
            deltas.add(text);
        }

        @Override
        public void toolCall(ModelMessage.ToolCall call) {
            toolCalls.add(call);
        }

        @Override
        public boolean cancelled() {
            return deltas.size() >= leaveAfter;
        }

        @Override
        public void answered(TurnService.Result result) {
            answered.add(result);
        }
    }
}
