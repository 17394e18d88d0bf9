package io.channelhub.hub.conversations;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.channelhub.hub.support.HubIntegrationTest;
import io.channelhub.hub.support.TestHub;
import io.channelhub.hub.support.TestPlugins;
import io.dropwizard.testing.ConfigOverride;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Turn observers (plugin API 1.4.0) in a running hub, through a real plugin jar: each completed turn reaches the
 * observer after its reply is stored, durably and again after a failure; the observer annotates its tenant's
 * conversations (and no other tenant's), meters its own work, and is not called for a tenant that switched its
 * plugin off.
 */
abstract class TurnObserversContract extends HubIntegrationTest {

    private static final String PLUGIN = "test-observer";

    @Override
    protected ConfigOverride[] overrides() {
        // A failed observation comes back within the test's patience.
        return new ConfigOverride[] {
            ConfigOverride.config("delivery.initialBackoff", "100ms"),
            ConfigOverride.config("delivery.maxBackoff", "200ms"),
            ConfigOverride.config("delivery.pollInterval", "100ms")};
    }

    @Override
    protected void morePlugins(Path dir) {
        String observer = """
                package test.observer;
                import io.channelhub.plugin.PluginContext;
                import io.channelhub.plugin.turn.CompletedTurn;
                import io.channelhub.plugin.turn.TurnObserver;
                import java.util.Set;
                import java.util.concurrent.ConcurrentHashMap;
                @org.pf4j.Extension
                public class IntentObserver implements TurnObserver {
                    private static final Set<String> FAILED_ONCE = ConcurrentHashMap.newKeySet();
                    public String id() { return "intent"; }
                    public void observe(CompletedTurn turn, PluginContext context) {
                        String text = turn.userMessage().content();
                        if (text.contains("flaky") && FAILED_ONCE.add(turn.turnId())) {
                            throw new IllegalStateException("the first look fails");
                        }
                        var conversations = context.conversations();
                        if (text.startsWith("foreign ")) {
                            try {
                                conversations.annotate(text.substring(8).trim(), "touched", "yes");
                                conversations.annotate(turn.conversationId(), "foreign", "written");
                            } catch (IllegalArgumentException refused) {
                                conversations.annotate(turn.conversationId(), "foreign", "refused");
                            }
                        }
                        if (text.contains("price")) {
                            conversations.annotate(turn.conversationId(), "intent", "buy");
                        }
                        conversations.annotate(turn.conversationId(), "last-reply", turn.reply().id());
                        conversations.annotate(turn.conversationId(), "reply-says", turn.reply().content()
                                .substring(0, Math.min(20, turn.reply().content().length())));
                        conversations.annotate(turn.conversationId(), "history",
                                String.valueOf(conversations.recentMessages(turn.conversationId(), 50).size()));
                        conversations.annotate(turn.conversationId(), "end-user", turn.endUserId().orElse("-"));
                        context.metering().record("intent.checks", 1, "turn", "intent:" + turn.turnId());
                    }
                }
                """;
        TestPlugins.build(dir, new TestPlugins.Spec(PLUGIN).manifest("Plugin-Requires", ">=1.4.0 & <2.0.0")
                .pluginClass("test.observer.ObserverPlugin")
                .source("test.observer.ObserverPlugin", TestPlugins.plainPlugin("test.observer", "ObserverPlugin"))
                .source("test.observer.IntentObserver", observer));
    }

    /** A tenant's admin key and a conversation of theirs with an agent, for end user {@code endUser}. */
    private String[] conversation(String endUser) {
        String t = hub.createTenant(slug("observed"));
        String key = hub.createKey(t, "admin").get("key").asText();
        TestHub.check(hub.post(key, "/v1/agents", Map.of("slug", "observed-agent", "name", "O")), 201);
        String c = TestHub.check(hub.post(key, "/v1/conversations", Map.of("end_user_id", endUser)), 201).json()
                .get("id").asText();
        return new String[] {t, key, c};
    }

    private JsonNode say(String key, String conversation, String text) {
        return TestHub.check(hub.post(key, "/v1/conversations/" + conversation + "/messages",
                Map.of("content", text)), 201).json();
    }

    private JsonNode annotations(String key, String conversation) {
        return TestHub.check(hub.get(key, "/v1/conversations/" + conversation), 200).json().get("annotations");
    }

    private long count(String sql, Object... args) {
        return hub.count(sql, args);
    }

    @Test
    void anObserverSeesEachTurnAfterItsReplyIsStoredAndAnnotatesTheConversation() {
        String[] t = conversation("ana@example.com");
        JsonNode turn = say(t[1], t[2], "what is the price of the premium plan?");
        String replyId = turn.get("reply").get("id").asText();

        await().atMost(Duration.ofSeconds(20)).untilAsserted(() ->
                assertThat(annotations(t[1], t[2]).path(PLUGIN).path("last-reply").asText()).isEqualTo(replyId));
        JsonNode mine = annotations(t[1], t[2]).get(PLUGIN);
        assertThat(mine.get("intent").asText()).isEqualTo("buy");
        // It saw the reply as stored, and the history with it.
        assertThat(turn.get("reply").get("content").asText()).startsWith(mine.get("reply-says").asText());
        assertThat(mine.get("history").asInt()).isEqualTo(2);
        assertThat(mine.get("end-user").asText()).isEqualTo("ana@example.com");
        // The list shows them too.
        JsonNode listed = TestHub.check(hub.get(t[1], "/v1/conversations"), 200).json().get("data").get(0);
        assertThat(listed.get("annotations").get(PLUGIN).get("intent").asText()).isEqualTo("buy");

        // Its own work is metered for the tenant and attributed to the plugin, once per turn.
        assertThat(count("SELECT COUNT(*) FROM usage_events WHERE tenant_id = ? AND usage_type = 'intent.checks' "
                + "AND plugin_id = ?", t[0], PLUGIN)).isEqualTo(1);

        // A second turn is seen as well; the annotation follows the latest reply.
        String second = say(t[1], t[2], "thanks").get("reply").get("id").asText();
        await().atMost(Duration.ofSeconds(20)).untilAsserted(() ->
                assertThat(annotations(t[1], t[2]).path(PLUGIN).path("last-reply").asText()).isEqualTo(second));
        assertThat(annotations(t[1], t[2]).get(PLUGIN).get("history").asInt()).isEqualTo(4);
        assertThat(count("SELECT COUNT(*) FROM outbox WHERE tenant_id = ? AND kind = 'turn_observer' AND status = "
                + "'delivered'", t[0])).isEqualTo(2);
    }

    @Test
    void aFailedObservationIsRetriedUntilTheObserverTakesIt() {
        String[] t = conversation("bob");
        String replyId = say(t[1], t[2], "flaky question about the price").get("reply").get("id").asText();

        await().atMost(Duration.ofSeconds(20)).untilAsserted(() ->
                assertThat(annotations(t[1], t[2]).path(PLUGIN).path("intent").asText()).isEqualTo("buy"));
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() ->
                assertThat(count("SELECT COUNT(*) FROM outbox WHERE tenant_id = ? AND kind = 'turn_observer' AND "
                        + "event_id = ? AND status = 'delivered' AND attempts = 2", t[0], replyId)).isEqualTo(1));
        assertThat(count("SELECT COUNT(*) FROM delivery_attempts a JOIN outbox o ON o.id = a.outbox_id WHERE "
                + "o.tenant_id = ? AND o.event_id = ? AND a.error LIKE '%the first look fails%'", t[0], replyId))
                .isEqualTo(1);
        // Observed twice (once failed), metered once.
        assertThat(count("SELECT COUNT(*) FROM usage_events WHERE tenant_id = ? AND usage_type = 'intent.checks'",
                t[0])).isEqualTo(1);
    }

    @Test
    void anObserverCannotAnnotateAnotherTenantsConversation() {
        String[] victim = conversation("victim");
        String[] t = conversation("mallory");
        say(t[1], t[2], "foreign " + victim[2]);

        await().atMost(Duration.ofSeconds(20)).untilAsserted(() ->
                assertThat(annotations(t[1], t[2]).path(PLUGIN).path("foreign").asText()).isEqualTo("refused"));
        assertThat(annotations(victim[1], victim[2]).size()).isZero();
        assertThat(count("SELECT COUNT(*) FROM conversation_annotations WHERE conversation_id = ?", victim[2]))
                .isZero();
    }

    @Test
    void aTenantThatSwitchedThePluginOffIsNotObserved() {
        String[] t = conversation("carol");
        TestHub.check(hub.post(t[1], "/v1/plugins/" + PLUGIN + "/disable", Map.of()), 200);
        say(t[1], t[2], "what is the price?");

        // The turn for an observer is written in the reply's commit: none right after the reply means none at all.
        assertThat(count("SELECT COUNT(*) FROM outbox WHERE tenant_id = ? AND kind = 'turn_observer'", t[0]))
                .isZero();
        assertThat(annotations(t[1], t[2]).size()).isZero();

        TestHub.check(hub.post(t[1], "/v1/plugins/" + PLUGIN + "/enable", Map.of()), 200);
        String replyId = say(t[1], t[2], "and the price now?").get("reply").get("id").asText();
        await().atMost(Duration.ofSeconds(20)).untilAsserted(() ->
                assertThat(annotations(t[1], t[2]).path(PLUGIN).path("last-reply").asText()).isEqualTo(replyId));
    }

    @Test
    void annotationsGoWithTheirConversationInPrivacyExportAndErasure() {
        String[] t = conversation("dora@example.com");
        say(t[1], t[2], "what is the price?");
        await().atMost(Duration.ofSeconds(20)).untilAsserted(() ->
                assertThat(annotations(t[1], t[2]).path(PLUGIN).path("intent").asText()).isEqualTo("buy"));
        long noted = count("SELECT COUNT(*) FROM conversation_annotations WHERE tenant_id = ? AND conversation_id = ?",
                t[0], t[2]);
        assertThat(noted).isGreaterThanOrEqualTo(5);

        JsonNode export = TestHub.check(hub.post(t[1], "/v1/privacy/requests", Map.of("type", "export",
                "subject", "dora@example.com")), 201).json();
        assertThat(export.get("report").get("conversation_annotations").asLong()).isEqualTo(noted);
        JsonNode erasure = TestHub.check(hub.post(t[1], "/v1/privacy/requests", Map.of("type", "erasure",
                "subject", "dora@example.com")), 201).json();
        assertThat(erasure.get("report").get("deleted").get("conversation_annotations").asLong()).isEqualTo(noted);
        assertThat(count("SELECT COUNT(*) FROM conversation_annotations WHERE tenant_id = ?", t[0])).isZero();
    }

    @Test
    void theObserverAppearsAmongThePluginsExtensions() {
        JsonNode plugin = TestHub.check(hub.get(TestHub.ROOT_KEY, "/admin/plugins/" + PLUGIN), 200).json();
        assertThat(plugin.get("state").asText()).isEqualTo("started");
        assertThat(plugin.get("extensions").toString()).contains("turn_observer").contains("intent");
    }
}
