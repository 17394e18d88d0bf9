package io.channelhub.hub.conversations;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.channelhub.hub.support.FakeGraphApi;
import io.channelhub.hub.support.HubIntegrationTest;
import io.channelhub.hub.support.TestHub;
import io.channelhub.hub.support.TestHub.Reply;
import io.channelhub.hub.support.WebhookReceiver;
import io.dropwizard.testing.ConfigOverride;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Human takeover through the public API, the web widget's protocol and WhatsApp (the bundled plugin jars and a fake
 * Graph API): a person asked for by the end user's own words, the queue, taking, replying under one's name through
 * the conversation's channel, the agent silent meanwhile, handing back, the webhooks, and who may do what.
 */
abstract class HandoffsContract extends HubIntegrationTest {

    static final String SITE = "https://www.acme.example";
    static final String TOKEN = "EAAGtest-system-user-token";
    static final String VERSION = "v23.0";
    static final String APP_SECRET = "meta-app-secret-of-tests";
    static final String HOOK = "/hooks/plugins/channel-whatsapp/webhook";

    static FakeGraphApi graph;
    static WebhookReceiver receiver;
    String tenantId;
    String admin;

    @Override
    protected ConfigOverride[] overrides() {
        try {
            graph = new FakeGraphApi(TOKEN, VERSION);
            receiver = new WebhookReceiver();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return new ConfigOverride[] {
            ConfigOverride.config("channels.inboundPollInterval", "100ms"),
            ConfigOverride.config("delivery.initialBackoff", "100ms"),
            ConfigOverride.config("delivery.pollInterval", "100ms"),
            ConfigOverride.config("delivery.allowPrivateTargets", "true"),
            ConfigOverride.config("handoffSweepInterval", "200ms")};
    }

    @Override
    protected void morePlugins(Path dir) {
        io.channelhub.hub.support.TestPlugins.copyBundled(dir, "channel-web");
        io.channelhub.hub.support.TestPlugins.copyBundled(dir, "channel-whatsapp");
    }

    @AfterAll
    void stopFakes() {
        graph.close();
        receiver.close();
    }

    @BeforeAll
    void tenant() {
        tenantId = hub.createTenant(slug("desk"));
        admin = hub.createKey(tenantId, "admin").get("key").asText();
        // A tenant with people to answer turns handoffs on for its agent.
        TestHub.check(hub.post(admin, "/v1/agents", Map.of("slug", "helper", "name", "Helper", "handoff",
                Map.of("enabled", true))), 201);
        TestHub.check(hub.post(admin, "/v1/webhooks", Map.of("url", receiver.url("/events"), "events",
                List.of("conversation.handoff_requested", "conversation.handoff_taken",
                        "conversation.handoff_released"))), 201);
    }

    String conversation() {
        return TestHub.check(hub.post(admin, "/v1/conversations", Map.of("end_user_id", "u-" + UUID.randomUUID())),
                201).json().get("id").asText();
    }

    JsonNode say(String conv, String text) {
        return TestHub.check(hub.post(admin, "/v1/conversations/" + conv + "/messages", Map.of("content", text)), 201)
                .json();
    }

    JsonNode handoffOf(String key, String conv) {
        return TestHub.check(hub.get(key, "/v1/conversations/" + conv), 200).json().get("handoff");
    }

    @Test
    void anEndUserWhoAsksForAPersonJoinsTheQueueAndTheAgentFallsSilentUntilHandBack() {
        String conv = conversation();
        assertThat(say(conv, "hello").path("reply").path("content").asText()).startsWith("[demo]");

        JsonNode asked = say(conv, "Can I talk to a human, please?");
        assertThat(asked.path("reply").path("content").asText()).contains("getting a person");
        JsonNode waiting = handoffOf(admin, conv);
        assertThat(waiting.path("state").asText()).isEqualTo("waiting");
        assertThat(waiting.path("requested_by").asText()).isEqualTo("visitor");
        assertThat(waiting.path("reason").asText()).isEqualTo("Can I talk to a human, please?");
        assertThat(TestHub.check(hub.get(admin, "/v1/handoffs?state=waiting"), 200).json().get("data"))
                .extracting(n -> n.get("id").asText()).contains(conv);

        // Waiting: the end user's messages are stored, nobody answers them automatically.
        JsonNode meanwhile = say(conv, "hello? anyone?");
        assertThat(meanwhile.get("reply").isNull()).isTrue();
        assertThat(meanwhile.path("message").path("content").asText()).isEqualTo("hello? anyone?");

        JsonNode taken = TestHub.check(hub.post(admin, "/v1/conversations/" + conv + "/handoff/take",
                Map.of("display_name", "Ana")), 200).json().get("handoff");
        assertThat(taken.path("state").asText()).isEqualTo("human");
        assertThat(taken.path("holder_name").asText()).isEqualTo("Ana");
        Reply sent = TestHub.check(hub.post(admin, "/v1/conversations/" + conv + "/handoff/messages",
                Map.of("text", "Hi, Ana here. How can I help?")), 202);
        assertThat(sent.json().path("message").path("author_name").asText()).isEqualTo("Ana");
        assertThat(sent.json().path("status").asText()).isEqualTo("stored");
        assertThat(say(conv, "my order is late").get("reply").isNull()).isTrue();

        JsonNode history = TestHub.check(hub.get(admin, "/v1/conversations/" + conv + "/messages?limit=100"), 200)
                .json().get("data");
        assertThat(history).anySatisfy(m -> {
            assertThat(m.path("content").asText()).isEqualTo("Hi, Ana here. How can I help?");
            assertThat(m.path("author_name").asText()).isEqualTo("Ana");
        });

        assertThat(TestHub.check(hub.post(admin, "/v1/conversations/" + conv + "/handoff/release", Map.of()), 200)
                .json().get("handoff").isNull()).isTrue();
        assertThat(say(conv, "thanks, bye").path("reply").path("content").asText()).startsWith("[demo]");
        assertThat(TestHub.check(hub.get(admin, "/v1/handoffs"), 200).json().get("data"))
                .extracting(n -> n.get("id").asText()).doesNotContain(conv);

        // Signed webhooks for each step, and an audit trail of who did what.
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(receiver.received().stream()
                .filter(r -> r.body().contains(conv)).map(r -> jsonOf(r.body()).path("type").asText()).toList())
                .contains("conversation.handoff_requested", "conversation.handoff_taken",
                        "conversation.handoff_released"));
        assertThat(receiver.received()).allSatisfy(r -> assertThat(r.header("ChannelHub-Signature")).isNotBlank());
        assertThat(hub.count("SELECT COUNT(*) FROM audit_log WHERE tenant_id = ? AND resource_id = ? AND action IN "
                + "('conversation.handoff_request', 'conversation.handoff_take', 'conversation.handoff_reply', "
                + "'conversation.handoff_release')", tenantId, conv)).isEqualTo(4);
    }

    static JsonNode jsonOf(String body) {
        try {
            return new com.fasterxml.jackson.databind.ObjectMapper().readTree(body);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * An agent's {@code wait_minutes}: a request nobody took in time leaves the queue by itself (the sweep), with its
     * webhook; one made before the expiry was recorded still lets the agent answer the user's next message.
     */
    @Test
    void aRequestNobodyTookWithinTheAgentsWaitGoesBackToTheAgent() throws Exception {
        TestHub.check(hub.post(admin, "/v1/agents", Map.of("slug", "patient", "name", "Patient", "handoff",
                Map.of("enabled", true, "wait_minutes", 5))), 201);
        String conv = TestHub.check(hub.post(admin, "/v1/conversations", Map.of("agent", "patient",
                "end_user_id", "u-" + UUID.randomUUID())), 201).json().get("id").asText();
        say(conv, "I want to talk to a human");
        assertThat(handoffOf(admin, conv).path("state").asText()).isEqualTo("waiting");
        java.time.Instant expires = hub.app().jdbi().withHandle(h -> h.createQuery("SELECT handoff_expires_at FROM "
                + "conversations WHERE id = :id").bind("id", conv).mapTo(java.time.Instant.class).one());
        assertThat(expires).isBetween(java.time.Instant.now().plusSeconds(240), java.time.Instant.now().plusSeconds(310));

        // Five minutes later, as the database sees it: the sweep releases it without any new message.
        hub.app().jdbi().useHandle(h -> h.createUpdate("UPDATE conversations SET handoff_expires_at = :past, "
                + "handoff_at = :asked WHERE id = :id").bind("past", java.time.Instant.now().minusSeconds(1))
                .bind("asked", java.time.Instant.now().minusSeconds(301)).bind("id", conv).execute());
        await().atMost(Duration.ofSeconds(10)).until(() -> handoffOf(admin, conv).isNull());
        assertThat(TestHub.check(hub.get(admin, "/v1/handoffs?state=waiting"), 200).json().get("data"))
                .extracting(n -> n.get("id").asText()).doesNotContain(conv);
        assertThat(hub.count("SELECT COUNT(*) FROM audit_log WHERE tenant_id = ? AND action = "
                + "'conversation.handoff_expire' AND resource_id = ?", tenantId, conv)).isEqualTo(1);
        await().atMost(Duration.ofSeconds(10)).until(() -> receiver.received().stream()
                .anyMatch(r -> r.body().contains("conversation.handoff_released") && r.body().contains(conv)));
        assertThat(say(conv, "still there?").path("reply").path("content").asText()).startsWith("[demo]");

        // A request recorded without its expiry (before the sweep existed): the user's next message past the wait
        // finds the agent again.
        say(conv, "talk to a human, please");
        hub.app().jdbi().useHandle(h -> h.createUpdate("UPDATE conversations SET handoff_expires_at = NULL, "
                + "handoff_at = :asked WHERE id = :id").bind("asked", java.time.Instant.now().minusSeconds(301))
                .bind("id", conv).execute());
        assertThat(say(conv, "hello?").path("reply").path("content").asText()).startsWith("[demo]");
        assertThat(handoffOf(admin, conv).isNull()).isTrue();
    }

    @Test
    void phrasesAreMatchedWithoutCaseAccentsOrPunctuationInEnglishPortugueseAndSpanish() {
        String pt = conversation();
        assertThat(say(pt, "Quero FALAR com um atendente!!").path("reply").path("content").asText())
                .contains("vou chamar um atendente");
        String es = conversation();
        assertThat(say(es, "¿Puedo hablar con una persona?").path("reply").path("content").asText())
                .contains("llamo a una persona");
        // Words inside other words are not a request.
        String none = conversation();
        say(none, "the humanities department talk");
        assertThat(handoffOf(admin, none).isNull()).isTrue();
    }

    @Test
    void anAgentMayNameItsOwnPhrasesAndWaitingMessageOrTurnRequestsOff() {
        TestHub.check(hub.post(admin, "/v1/agents", Map.of("slug", "own-words", "name", "Own", "handoff",
                Map.of("phrases", List.of("chamar o gerente"), "waiting_message", "O gerente já vem."))), 201);
        TestHub.check(hub.post(admin, "/v1/agents", Map.of("slug", "no-people", "name", "No people", "handoff",
                Map.of("enabled", false))), 201);
        String own = TestHub.check(hub.post(admin, "/v1/conversations", Map.of("agent", "own-words")), 201).json()
                .get("id").asText();
        assertThat(say(own, "talk to a human").path("reply").path("content").asText()).startsWith("[demo]");
        assertThat(say(own, "pode chamar o gerente?").path("reply").path("content").asText())
                .isEqualTo("O gerente já vem.");
        String off = TestHub.check(hub.post(admin, "/v1/conversations", Map.of("agent", "no-people")), 201).json()
                .get("id").asText();
        assertThat(say(off, "talk to a human").path("reply").path("content").asText()).startsWith("[demo]");
        assertThat(handoffOf(admin, off).isNull()).isTrue();
        // An agent without handoff settings never hands over (agents stored before handoffs existed among them).
        TestHub.check(hub.post(admin, "/v1/agents", Map.of("slug", "plain", "name", "Plain")), 201);
        String plain = TestHub.check(hub.post(admin, "/v1/conversations", Map.of("agent", "plain")), 201).json()
                .get("id").asText();
        assertThat(say(plain, "I want to talk to a human").path("reply").path("content").asText())
                .startsWith("[demo]");
        assertThat(handoffOf(admin, plain).isNull()).isTrue();
        assertThat(hub.post(admin, "/v1/agents", Map.of("slug", "dots", "name", "Dots", "handoff",
                Map.of("phrases", List.of("?!")))).status()).isEqualTo(422);

        Reply bad = hub.post(admin, "/v1/agents", Map.of("slug", "bad-words", "name", "Bad", "handoff",
                Map.of("phrases", List.of(""))));
        assertThat(bad.status()).isEqualTo(422);
        assertThat(bad.body()).contains("handoff.phrases");
    }

    @Test
    void onlyTheHolderAnswersAndHandsBackAndAnotherPersonIsToldWhoHoldsIt() {
        String conv = conversation();
        String other = hub.createKey(tenantId, "admin").get("key").asText();
        String editor = hub.createKey(tenantId, "editor").get("key").asText();
        TestHub.check(hub.post(admin, "/v1/conversations/" + conv + "/handoff/take", Map.of("display_name", "Ana")),
                200);
        Reply clash = hub.post(other, "/v1/conversations/" + conv + "/handoff/take", Map.of());
        assertThat(clash.status()).isEqualTo(409);
        assertThat(clash.code()).isEqualTo("handoff_held");
        assertThat(clash.json().path("error").path("details").path("holder_name").asText()).isEqualTo("Ana");
        Reply notHeld = hub.post(other, "/v1/conversations/" + conv + "/handoff/messages", Map.of("text", "hi"));
        assertThat(notHeld.status()).isEqualTo(409);
        assertThat(notHeld.code()).isEqualTo("handoff_not_held");
        // An editor neither owns this conversation nor was granted it or its channel.
        Reply refused = hub.post(editor, "/v1/conversations/" + conv + "/handoff/take", Map.of());
        assertThat(refused.status()).isEqualTo(403);
        assertThat(hub.post(admin, "/v1/conversations/" + conv + "/handoff/messages", Map.of()).status())
                .isEqualTo(422);
        // Taking one's own again changes nothing; a tenant admin may hand back a colleague's conversation.
        TestHub.check(hub.post(admin, "/v1/conversations/" + conv + "/handoff/take", Map.of()), 200);
        assertThat(TestHub.check(hub.post(other, "/v1/conversations/" + conv + "/handoff/release", Map.of()), 200)
                .json().get("handoff").isNull()).isTrue();
        assertThat(hub.get(admin, "/v1/handoffs?state=lost").status()).isEqualTo(422);
        // A body that is not what the route takes is the caller's mistake, named like every other body's.
        TestHub.Reply wrongType = hub.post(admin, "/v1/conversations/" + conv + "/handoff/take", Map.of("display_name",
                5));
        assertThat(wrongType.status()).isBetween(400, 422);
        assertThat(hub.post(admin, "/v1/conversations/" + conv + "/handoff", Map.of("why", "x")).status())
                .isBetween(400, 422);
    }

    @Test
    void anotherTenantNeitherSeesNorTakesTheQueue() {
        String conv = conversation();
        say(conv, "talk to a person");
        String otherTenant = hub.createTenant(slug("rival"));
        String rival = hub.createKey(otherTenant, "admin").get("key").asText();
        assertThat(TestHub.check(hub.get(rival, "/v1/handoffs"), 200).json().get("data")).isEmpty();
        for (String path : List.of("/take", "/release", "/messages", "")) {
            Reply r = hub.post(rival, "/v1/conversations/" + conv + "/handoff" + path, path.equals("/messages")
                    ? Map.of("text", "hi") : Map.of());
            assertThat(r.status()).as(path).isEqualTo(404);
        }
        assertThat(handoffOf(admin, conv).path("state").asText()).isEqualTo("waiting");
    }

    // ---- the web widget -----------------------------------------------------------------------------------------

    Reply widgetCall(String method, String path, String token, String body) {
        Map<String, String> h = new LinkedHashMap<>();
        h.put("Origin", SITE);
        if (token != null) {
            h.put("Authorization", "Bearer " + token);
        }
        if (body != null) {
            h.put("Content-Type", "application/json");
        }
        h.put("Accept", "application/json");
        return hub.call(method, path, h, body);
    }

    @Test
    void aWidgetVisitorSeesWhoAnswersAndThePersonsRepliesAndTheAgentAfterHandBack() {
        String widget = TestHub.check(hub.post(admin, "/v1/channel-instances", Map.of("plugin_id", "channel-web",
                "name", "site " + UUID.randomUUID(), "settings", Map.of("allowed_origins", List.of(SITE)))), 201)
                .json().get("id").asText();
        String base = "/hooks/instances/" + widget;
        String token = TestHub.check(widgetCall("POST", base + "/sessions", null, "{}"), 200).json()
                .get("visitor_token").asText();
        JsonNode asked = TestHub.check(widgetCall("POST", base + "/messages", token,
                "{\"client_message_id\":\"m1\",\"text\":\"Quero falar com um atendente\"}"), 200).json();
        assertThat(asked.path("reply").path("content").asText()).contains("atendente");
        assertThat(asked.path("handoff").path("state").asText()).isEqualTo("waiting");
        String conv = asked.get("conversation_id").asText();

        JsonNode config = TestHub.check(widgetCall("GET", base + "/config", null, null), 200).json();
        assertThat(config.path("poll_seconds").asInt()).isPositive();
        assertThat(TestHub.check(widgetCall("GET", base + "/messages", token, null), 200).json().path("handoff")
                .path("state").asText()).isEqualTo("waiting");

        TestHub.check(hub.post(admin, "/v1/conversations/" + conv + "/handoff/take", Map.of("display_name",
                "Bruno")), 200);
        JsonNode held = TestHub.check(widgetCall("GET", base + "/messages", token, null), 200).json();
        assertThat(held.path("handoff").path("state").asText()).isEqualTo("human");
        assertThat(held.path("handoff").path("name").asText()).isEqualTo("Bruno");
        JsonNode quiet = TestHub.check(widgetCall("POST", base + "/messages", token,
                "{\"client_message_id\":\"m2\",\"text\":\"oi Bruno\"}"), 200).json();
        assertThat(quiet.get("reply").isNull()).isTrue();

        Reply sent = TestHub.check(hub.post(admin, "/v1/conversations/" + conv + "/handoff/messages",
                Map.of("text", "Oi! Em que posso ajudar?")), 202);
        assertThat(sent.json().path("status").asText()).isEqualTo("queued");
        String id = sent.json().path("message").path("id").asText();
        JsonNode seen = TestHub.check(widgetCall("GET", base + "/messages", token, null), 200).json();
        assertThat(seen.get("messages")).anySatisfy(m -> {
            assertThat(m.path("id").asText()).isEqualTo(id);
            assertThat(m.path("author").asText()).isEqualTo("Bruno");
        });
        // The outbox hands it to the widget's channel, which has sent it once it is stored for the open page.
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(TestHub.check(hub.get(admin,
                "/v1/conversations/" + conv + "/messages?limit=100"), 200).json().get("data")).anySatisfy(m -> {
                    assertThat(m.path("id").asText()).isEqualTo(id);
                    assertThat(m.path("status").asText()).isEqualTo("sent");
                }));

        TestHub.check(hub.post(admin, "/v1/conversations/" + conv + "/handoff/release", Map.of()), 200);
        JsonNode back = TestHub.check(widgetCall("POST", base + "/messages", token,
                "{\"client_message_id\":\"m3\",\"text\":\"obrigado\"}"), 200).json();
        assertThat(back.path("reply").path("content").asText()).startsWith("[demo]");
        assertThat(back.get("handoff").isNull()).isTrue();
    }

    @Test
    void anEditorGrantedTheWidgetAnswersItsConversations() {
        String widget = TestHub.check(hub.post(admin, "/v1/channel-instances", Map.of("plugin_id", "channel-web",
                "name", "site " + UUID.randomUUID(), "settings", Map.of("allowed_origins", List.of(SITE)))), 201)
                .json().get("id").asText();
        String base = "/hooks/instances/" + widget;
        String token = TestHub.check(widgetCall("POST", base + "/sessions", null, "{}"), 200).json()
                .get("visitor_token").asText();
        String conv = TestHub.check(widgetCall("POST", base + "/messages", token,
                "{\"client_message_id\":\"g1\",\"text\":\"talk to a human\"}"), 200).json()
                .get("conversation_id").asText();
        JsonNode editor = hub.createKey(tenantId, "editor");
        String key = editor.get("key").asText();
        assertThat(hub.post(key, "/v1/conversations/" + conv + "/handoff/take", Map.of()).status()).isEqualTo(403);
        TestHub.check(hub.post(admin, "/v1/grants", Map.of("resource_type", "channel_instance", "resource_id",
                widget, "api_key_id", editor.get("id").asText(), "permission", "update")), 201);
        JsonNode held = TestHub.check(hub.post(key, "/v1/conversations/" + conv + "/handoff/take", Map.of()), 200)
                .json().path("handoff");
        assertThat(held.path("state").asText()).isEqualTo("human");
        assertThat(held.path("holder_name").asText()).isEqualTo("editor key");
    }

    // ---- WhatsApp -----------------------------------------------------------------------------------------------

    @Test
    void onWhatsAppThePersonsRepliesGoOutUnderTheirNameAndTheAgentResumesAfterHandBack() {
        String phone = Long.toString(106540352000000L + System.nanoTime() % 1_000_000);
        TestHub.check(hub.post(admin, "/v1/channel-instances", Map.of("plugin_id", "channel-whatsapp", "name",
                "numero " + phone, "settings", Map.of("phone_number_id", phone, "waba_id", "102290129340398",
                        "access_token", TOKEN, "app_secret", APP_SECRET, "verify_token", "verify",
                        "graph_base_url", graph.baseUrl(), "graph_api_version", VERSION))), 201);
        String from = "5511" + (900000000L + System.nanoTime() % 99_999_999L);
        inbound(phone, from, "wamid.h1", "Quero falar com um atendente");
        await().atMost(Duration.ofSeconds(15)).untilAsserted(() -> assertThat(textsTo(from))
                .anySatisfy(t -> assertThat(t).contains("vou chamar um atendente")));
        String conv = TestHub.check(hub.get(admin, "/v1/handoffs?state=waiting"), 200).json().get("data")
                .findValuesAsText("id").stream().filter(id -> hub.get(admin, "/v1/conversations/" + id).json()
                        .path("end_user_id").asText().equals(from)).findFirst().orElseThrow();

        TestHub.check(hub.post(admin, "/v1/conversations/" + conv + "/handoff/take", Map.of("display_name", "Ana")),
                200);
        inbound(phone, from, "wamid.h2", "oi, alguém aí?");
        await().atMost(Duration.ofSeconds(10)).until(() -> hub.count("SELECT COUNT(*) FROM messages WHERE tenant_id "
                + "= ? AND conversation_id = ? AND content = ?", tenantId, conv, "oi, alguém aí?") == 1);
        TestHub.check(hub.post(admin, "/v1/conversations/" + conv + "/handoff/messages",
                Map.of("text", "Oi, aqui é a Ana.")), 202);
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(textsTo(from))
                .contains("*Ana:* Oi, aqui é a Ana."));
        // Nothing from the agent while Ana held the conversation: the request's answer and Ana's reply only.
        assertThat(textsTo(from)).hasSize(2);

        TestHub.check(hub.post(admin, "/v1/conversations/" + conv + "/handoff/release", Map.of()), 200);
        inbound(phone, from, "wamid.h3", "obrigado");
        await().atMost(Duration.ofSeconds(15)).untilAsserted(() -> assertThat(textsTo(from))
                .anySatisfy(t -> assertThat(t).startsWith("[demo]")));
    }

    /**
     * A message Meta delivers after the 24-hour window (its retries run for days) gets no answer from the agent, which
     * may not send free text then; it waits for a person, who answers with a template.
     */
    @Test
    void aLateWhatsAppMessageWaitsForAPersonWhoAnswersWithATemplate() {
        String phone = Long.toString(106540353000000L + System.nanoTime() % 1_000_000);
        String instance = TestHub.check(hub.post(admin, "/v1/channel-instances", Map.of("plugin_id",
                "channel-whatsapp", "name", "tarde " + phone, "settings", Map.of("phone_number_id", phone, "waba_id",
                        "102290129340398", "access_token", TOKEN, "app_secret", APP_SECRET, "verify_token", "verify",
                        "graph_base_url", graph.baseUrl(), "graph_api_version", VERSION))), 201).json().get("id")
                .asText();
        graph.templates(List.of("{\"name\":\"order_update\",\"language\":\"pt_BR\",\"category\":\"UTILITY\","
                + "\"status\":\"APPROVED\",\"id\":\"1\",\"components\":[{\"type\":\"BODY\",\"text\":"
                + "\"Olá {{1}}, seu pedido foi enviado.\"}]}"));
        TestHub.check(hub.post(admin, "/v1/channel-instances/" + instance + "/templates/sync", Map.of()), 200);
        String from = "5511" + (800000000L + System.nanoTime() % 99_999_999L);
        inbound(phone, from, "wamid.late1", "Meu pedido não chegou", System.currentTimeMillis() / 1000 - 26 * 3600);

        await().atMost(Duration.ofSeconds(15)).until(() -> waitingOf(from) != null);
        JsonNode waiting = waitingOf(from);
        assertThat(waiting.path("handoff").path("requested_by").asText()).isEqualTo("outside_service_window");
        assertThat(waiting.path("handoff").path("reason").asText()).isEqualTo("Meu pedido não chegou");
        String conv = waiting.get("id").asText();
        assertThat(graph.sends().stream().filter(r -> from.equals(r.json().path("to").asText()))).isEmpty();

        assertThat(hub.post(admin, "/v1/conversations/" + conv + "/handoff/messages", Map.of("text", "Oi!")).code())
                .isEqualTo("outside_service_window");
        TestHub.check(hub.post(admin, "/v1/conversations/" + conv + "/handoff/messages", Map.of("template",
                Map.of("name", "order_update", "language", "pt_BR", "parameters", Map.of("body", List.of("Cliente"))))),
                202);
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(graph.sends().stream()
                .filter(r -> from.equals(r.json().path("to").asText()))).singleElement()
                .satisfies(r -> assertThat(r.json().path("template").path("name").asText()).isEqualTo("order_update")));

        // A redelivery that comes behind the customer's current messages leaves the conversation to the agent, which
        // answers those: the window is open again.
        String current = "5511" + (600000000L + System.nanoTime() % 99_999_999L);
        inbound(phone, current, "wamid.now1", "Oi, qual o horário de vocês?");
        await().atMost(Duration.ofSeconds(15)).until(() -> graph.sends().stream()
                .anyMatch(r -> current.equals(r.json().path("to").asText())));
        inbound(phone, current, "wamid.old1", "mensagem de ontem", System.currentTimeMillis() / 1000 - 26 * 3600);
        await().atMost(Duration.ofSeconds(10)).until(() -> hub.count("SELECT COUNT(*) FROM messages m JOIN "
                + "conversations c ON c.id = m.conversation_id WHERE c.tenant_id = ? AND m.content = ?", tenantId,
                "mensagem de ontem") == 1);
        await().during(Duration.ofSeconds(1)).atMost(Duration.ofSeconds(3)).until(() -> waitingOf(current) == null);

        // An agent that does not hand over leaves a late message unanswered, as before: nobody is asked for.
        TestHub.check(hub.post(admin, "/v1/agents", Map.of("slug", "no-handoff-" + phone, "name", "Plain")), 201);
        String plainPhone = Long.toString(Long.parseLong(phone) + 1);
        TestHub.check(hub.post(admin, "/v1/channel-instances", Map.of("plugin_id", "channel-whatsapp", "name",
                "plain " + plainPhone, "settings", Map.of("phone_number_id", plainPhone, "waba_id", "102290129340398",
                        "access_token", TOKEN, "app_secret", APP_SECRET, "verify_token", "verify", "agent",
                        "no-handoff-" + phone, "graph_base_url", graph.baseUrl(), "graph_api_version", VERSION))), 201);
        String other = "5511" + (700000000L + System.nanoTime() % 99_999_999L);
        inbound(plainPhone, other, "wamid.late2", "Meu pedido não chegou", System.currentTimeMillis() / 1000 - 26 * 3600);
        await().atMost(Duration.ofSeconds(10)).until(() -> hub.count("SELECT COUNT(*) FROM messages m JOIN "
                + "conversations c ON c.id = m.conversation_id WHERE c.tenant_id = ? AND c.end_user_id = ?", tenantId,
                other) == 1);
        await().during(Duration.ofSeconds(1)).atMost(Duration.ofSeconds(3)).until(() -> waitingOf(other) == null);
    }

    JsonNode waitingOf(String endUser) {
        for (JsonNode c : TestHub.check(hub.get(admin, "/v1/handoffs?state=waiting"), 200).json().get("data")) {
            if (endUser.equals(c.path("end_user_id").asText())) {
                return c;
            }
        }
        return null;
    }

    void inbound(String phone, String from, String wamid, String text) {
        inbound(phone, from, wamid, text, System.currentTimeMillis() / 1000);
    }

    void inbound(String phone, String from, String wamid, String text, long sentAtEpochSeconds) {
        String body = FakeGraphApi.textMessageWebhook(phone, from, "Cliente", wamid, text, sentAtEpochSeconds);
        Reply r = hub.call("POST", HOOK, Map.of("Content-Type", "application/json", "X-Hub-Signature-256",
                FakeGraphApi.sign(body.getBytes(StandardCharsets.UTF_8), APP_SECRET)), body);
        assertThat(r.status()).isEqualTo(200);
    }

    List<String> textsTo(String waId) {
        return graph.sends().stream().filter(r -> waId.equals(r.json().path("to").asText())
                && "text".equals(r.json().path("type").asText()))
                .map(r -> r.json().path("text").path("body").asText()).toList();
    }
}
