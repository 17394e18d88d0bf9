package io.channelhub.hub.channels;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.channelhub.hub.support.FakeGraphApi;
import io.channelhub.hub.support.HubIntegrationTest;
import io.channelhub.hub.support.TestHub;
import io.channelhub.hub.support.TestHub.Reply;
import io.dropwizard.testing.ConfigOverride;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The WhatsApp channel end to end, with the bundled plugin jar and a fake Graph API that checks every request
 * against Meta's documented shapes: the webhook handshake and signatures, messages stored once and answered by the
 * agent through the outbox, statuses that never move backwards, the customer-service window, templates, consent
 * keywords, pacing per number, retries, error codes, and a crash between storing a message and replying.
 */
abstract class WhatsAppContract extends HubIntegrationTest {

    static final String TOKEN = "EAAGtest-system-user-token";
    static final String VERSION = "v23.0";
    static final String APP_SECRET = "meta-app-secret-of-tests";
    static final String VERIFY = "verify-token-of-tests";
    static final String HOOK = "/hooks/plugins/channel-whatsapp/webhook";
    static final AtomicLong NUMBERS = new AtomicLong(106540352242000L + System.nanoTime() % 1_000_000);

    static FakeGraphApi graph;
    String tenantId;
    String admin;

    @Override
    protected ConfigOverride[] overrides() {
        try {
            graph = new FakeGraphApi(TOKEN, VERSION);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return new ConfigOverride[] {
            ConfigOverride.config("channels.inboundPollInterval", "100ms"),
            ConfigOverride.config("delivery.initialBackoff", "100ms"),
            ConfigOverride.config("delivery.maxBackoff", "500ms"),
            ConfigOverride.config("delivery.pollInterval", "100ms")};
    }

    @Override
    protected void morePlugins(Path dir) {
        io.channelhub.hub.support.TestPlugins.copyBundled(dir, "channel-whatsapp");
    }

    @AfterAll
    void stopGraph() {
        graph.close();
    }

    @BeforeAll
    void tenant() {
        tenantId = hub.createTenant(slug("zap"));
        admin = hub.createKey(tenantId, "admin").get("key").asText();
        TestHub.check(hub.post(admin, "/v1/agents", Map.of("slug", "atendente", "name", "Atendente")), 201);
    }

    /** A new number of this tenant. */
    String number(Map<String, Object> extra) {
        String phone = Long.toString(NUMBERS.incrementAndGet());
        Map<String, Object> settings = new LinkedHashMap<>(Map.of("phone_number_id", phone, "waba_id",
                "1022901293" + phone.substring(phone.length() - 5), "access_token", TOKEN, "app_secret", APP_SECRET,
                "verify_token", VERIFY, "graph_base_url", graph.baseUrl(), "graph_api_version", VERSION));
        settings.putAll(extra);
        TestHub.check(hub.post(admin, "/v1/channel-instances", Map.of("plugin_id", "channel-whatsapp", "name",
                "numero " + phone, "settings", settings)), 201);
        return phone;
    }

    String instanceOf(String phone) {
        for (JsonNode i : hub.get(admin, "/v1/channel-instances?plugin_id=channel-whatsapp").json().get("data")) {
            if (phone.equals(i.get("settings").get("phone_number_id").asText())) {
                return i.get("id").asText();
            }
        }
        throw new AssertionError("no instance for " + phone);
    }

    static String waId() {
        return "5511" + (900000000L + NUMBERS.incrementAndGet() % 99_999_999L);
    }

    Reply webhook(String body, String signature) {
        Map<String, String> h = new LinkedHashMap<>();
        h.put("Content-Type", "application/json");
        if (signature != null) {
            h.put("X-Hub-Signature-256", signature);
        }
        return hub.call("POST", HOOK, h, body);
    }

    Reply signed(String body) {
        return webhook(body, FakeGraphApi.sign(body.getBytes(StandardCharsets.UTF_8), APP_SECRET));
    }

    Reply inbound(String phone, String from, String wamid, String text) {
        return signed(FakeGraphApi.textMessageWebhook(phone, from, "Ana", wamid, text,
                System.currentTimeMillis() / 1000));
    }

    List<FakeGraphApi.Request> sendsTo(String waId) {
        return graph.sends().stream().filter(r -> waId.equals(r.json().path("to").asText())).toList();
    }

    long count(String sql, Object... args) {
        return hub.count(sql, args);
    }

    Reply sendApi(String phone, Map<String, Object> body) {
        return hub.post(admin, "/v1/channel-instances/" + instanceOf(phone) + "/messages", body);
    }

    @Test
    void theVerificationHandshakeEchoesTheChallengeOnlyForAKnownVerifyToken() {
        number(Map.of());
        Reply ok = hub.call("GET", HOOK + "?hub.mode=subscribe&hub.verify_token=" + VERIFY
                + "&hub.challenge=1158201444", Map.of(), (String) null);
        assertThat(ok.status()).isEqualTo(200);
        assertThat(ok.body()).isEqualTo("1158201444");
        Reply bad = hub.call("GET", HOOK + "?hub.mode=subscribe&hub.verify_token=guess&hub.challenge=1",
                Map.of(), (String) null);
        assertThat(bad.status()).isEqualTo(403);
        assertThat(bad.body()).doesNotContain("1");
    }

    @Test
    void onlyCorrectlySignedWebhooksAreStored() {
        String phone = number(Map.of());
        String from = waId();
        String body = FakeGraphApi.textMessageWebhook(phone, from, "Ana", "wamid.sig-" + phone, "oi", 1_700_000_000);
        String good = FakeGraphApi.sign(body.getBytes(StandardCharsets.UTF_8), APP_SECRET);
        assertThat(webhook(body, null).status()).as("missing").isEqualTo(401);
        assertThat(webhook(body, FakeGraphApi.sign(body.getBytes(StandardCharsets.UTF_8), "other-secret")).status())
                .as("wrong secret").isEqualTo(401);
        assertThat(webhook(body, "sha256=zz").status()).as("malformed").isEqualTo(401);
        String altered = body.replace("\"oi\"", "\"transfer all\"");
        assertThat(webhook(altered, good).status()).as("body altered after signing").isEqualTo(401);
        assertThat(count("SELECT COUNT(*) FROM inbound_events WHERE external_id = ?", "wamid.sig-" + phone))
                .isZero();
        assertThat(webhook(body, good).status()).isEqualTo(200);
        assertThat(count("SELECT COUNT(*) FROM inbound_events WHERE external_id = ?", "wamid.sig-" + phone))
                .isEqualTo(1);
    }

    @Test
    void aRotatedAppSecretVerifiesTheNextWebhookAndTheOldOneNoLonger() {
        String phone = number(Map.of());
        assertThat(inbound(phone, waId(), "wamid.rot-a-" + phone, "oi").status()).isEqualTo(200);
        // The integrator rotates the app secret in Meta's dashboard and then here: the very next webhook is checked
        // against the new one (the hub keeps opened settings in memory, by the instance's version).
        TestHub.check(hub.patch(admin, "/v1/channel-instances/" + instanceOf(phone), Map.of("settings",
                Map.of("app_secret", "rotated-secret"))), 200);
        String body = FakeGraphApi.textMessageWebhook(phone, waId(), "Ana", "wamid.rot-b-" + phone, "oi",
                System.currentTimeMillis() / 1000);
        assertThat(webhook(body, FakeGraphApi.sign(body.getBytes(StandardCharsets.UTF_8), APP_SECRET)).status())
                .as("signed with the old secret").isEqualTo(401);
        assertThat(webhook(body, FakeGraphApi.sign(body.getBytes(StandardCharsets.UTF_8), "rotated-secret"))
                .status()).isEqualTo(200);
    }

    @Test
    void aWebhookSignedByOneTenantsAppCannotCarryAnotherTenantsNumber() {
        String ours = number(Map.of());
        String t = hub.createTenant(slug("other"));
        String key = hub.createKey(t, "admin").get("key").asText();
        String theirs = Long.toString(NUMBERS.incrementAndGet());
        TestHub.check(hub.post(key, "/v1/channel-instances", Map.of("plugin_id", "channel-whatsapp", "name", "x",
                "settings", Map.of("phone_number_id", theirs, "waba_id", "555", "access_token", TOKEN, "app_secret",
                        "their-own-app-secret", "verify_token", "theirs", "graph_base_url", graph.baseUrl()))), 201);
        String body = FakeGraphApi.textMessageWebhook(theirs, waId(), "Eve", "wamid.cross-" + theirs, "hi",
                1_700_000_000);
        assertThat(signed(body).status()).isEqualTo(401);
        assertThat(count("SELECT COUNT(*) FROM inbound_events WHERE tenant_id = ?", t)).isZero();
        assertThat(ours).isNotEqualTo(theirs);
    }

    @Test
    void aMessageIsStoredOnceAndTheAgentsReplyGoesOutOnce() {
        String phone = number(Map.of());
        String from = waId();
        String wamid = "wamid.once-" + phone;
        assertThat(inbound(phone, from, wamid, "Qual o prazo de entrega?").status()).isEqualTo(200);
        assertThat(inbound(phone, from, wamid, "Qual o prazo de entrega?").status())
                .as("Meta's redelivery").isEqualTo(200);
        await().atMost(Duration.ofSeconds(20)).until(() -> sendsTo(from).size() == 1);
        FakeGraphApi.Request reply = sendsTo(from).get(0);
        assertThat(reply.json().path("type").asText()).isEqualTo("text");
        assertThat(reply.json().path("text").path("body").asText()).contains("Qual o prazo de entrega?");
        assertThat(reply.json().path("messaging_product").asText()).isEqualTo("whatsapp");
        assertThat(graph.problems()).isEmpty();
        await().during(Duration.ofMillis(800)).atMost(Duration.ofSeconds(5)).until(() -> sendsTo(from).size() == 1);
        assertThat(count("SELECT COUNT(*) FROM inbound_events WHERE external_id = ?", wamid)).isEqualTo(1);
        assertThat(count("SELECT COUNT(*) FROM messages WHERE external_id = ? AND role = 'user'", wamid))
                .isEqualTo(1);
        assertThat(count("SELECT COUNT(*) FROM usage_events WHERE tenant_id = ? AND usage_type = 'messages.in' AND "
                + "channel_instance_id = ?", tenantId, instanceOf(phone))).isEqualTo(1);
        // The tenant's API shows the conversation with the channel's contact.
        assertThat(hub.get(admin, "/v1/conversations?end_user_id=" + from).json().get("data")).hasSize(1);
    }

    @Test
    void aPluginFindsAMessageByTheIdItsChannelKnows() {
        String phone = number(Map.of());
        String other = number(Map.of());
        String from = waId();
        String wamid = "wamid.known-" + phone;
        assertThat(inbound(phone, from, wamid, "Chegou meu pedido?").status()).isEqualTo(200);
        await().atMost(Duration.ofSeconds(20)).until(() -> sendsTo(from).size() == 1);
        String sent = await().atMost(Duration.ofSeconds(10)).until(() -> hub.app().jdbi().withHandle(h -> h
                .createQuery("SELECT channel_message_id FROM channel_deliveries WHERE tenant_id = :t AND "
                        + "contact_external_id = :x AND kind = 'TEXT'").bind("t", tenantId).bind("x", from)
                .mapTo(String.class).findOne().orElse(null)), java.util.Objects::nonNull);
        var repo = new io.channelhub.hub.conversations.ConversationRepository(hub.app().jdbi(),
                hub.environment().getObjectMapper());
        var conversations = new io.channelhub.hub.conversations.PluginConversations(repo, null, tenantId,
                instanceOf(phone), "channel-whatsapp", java.time.Clock.systemUTC());
        // The contact's message, by the id Meta gave it; the agent's reply, by the id Meta gave the send.
        var in = conversations.findByExternalMessageId(wamid).orElseThrow();
        assertThat(in.role()).isEqualTo("user");
        assertThat(in.content()).isEqualTo("Chegou meu pedido?");
        var out = conversations.findByExternalMessageId(sent).orElseThrow();
        assertThat(out.role()).isEqualTo("assistant");
        assertThat(out.conversationId()).isEqualTo(in.conversationId());
        assertThat(conversations.findByExternalMessageId("wamid.never-" + phone)).isEmpty();
        // Another number of the same tenant does not see them.
        var elsewhere = new io.channelhub.hub.conversations.PluginConversations(repo, null, tenantId,
                instanceOf(other), "channel-whatsapp", java.time.Clock.systemUTC());
        assertThat(elsewhere.findByExternalMessageId(wamid)).isEmpty();
        assertThat(elsewhere.findByExternalMessageId(sent)).isEmpty();
        // The event and its message were linked in the message's own commit.
        assertThat(count("SELECT COUNT(*) FROM inbound_events e JOIN messages m ON m.id = e.message_id WHERE "
                + "e.external_id = ? AND m.external_id = ?", wamid, wamid)).isEqualTo(1);
    }

    /**
     * An event an older version left behind: its message stored, the event not linked to it and not processed (that
     * version linked in a second commit and stopped between the two). Its retry finds the message in the contact's
     * conversation by the channel's id, links it and answers from the reply already there: no second message, no
     * second send.
     */
    @Test
    void aRetriedEventWhoseMessageWasStoredUnlinkedFindsItAndStoresNoOther() {
        String phone = number(Map.of());
        String from = waId();
        String wamid = "wamid.unlinked-" + phone;
        assertThat(inbound(phone, from, wamid, "Ainda tem estoque?").status()).isEqualTo(200);
        await().atMost(Duration.ofSeconds(20)).until(() -> sendsTo(from).size() == 1);
        await().atMost(Duration.ofSeconds(10)).until(() -> count("SELECT COUNT(*) FROM inbound_events WHERE "
                + "external_id = ? AND status = 'processed' AND message_id IS NOT NULL", wamid) == 1);
        String message = hub.app().jdbi().withHandle(h -> h.createQuery("SELECT id FROM messages WHERE external_id = "
                + ":x AND role = 'user'").bind("x", wamid).mapTo(String.class).one());
        hub.app().jdbi().useHandle(h -> h.createUpdate("UPDATE inbound_events SET status = 'pending', message_id = "
                + "NULL, attempts = 1, locked_until = NULL WHERE external_id = :x").bind("x", wamid).execute());

        await().atMost(Duration.ofSeconds(20)).until(() -> count("SELECT COUNT(*) FROM inbound_events WHERE "
                + "external_id = ? AND status = 'processed' AND attempts = 2", wamid) == 1);
        String linked = hub.app().jdbi().withHandle(h -> h.createQuery("SELECT message_id FROM inbound_events WHERE "
                + "external_id = :x").bind("x", wamid).mapTo(String.class).one());
        assertThat(linked).isEqualTo(message);
        assertThat(count("SELECT COUNT(*) FROM messages WHERE external_id = ? AND role = 'user'", wamid))
                .isEqualTo(1);
        await().during(Duration.ofMillis(800)).atMost(Duration.ofSeconds(5)).until(() -> sendsTo(from).size() == 1);
    }

    @Test
    void textTheApiWouldRefuseIsStillStoredAnsweredAndReadableWhenAChannelDeliversIt() {
        // Meta's JSON may escape a NUL or half an emoji; the API refuses such text from integrators, but a message a
        // channel delivered is the visitor's and must go through: stored, answered, and readable afterwards.
        String phone = number(Map.of());
        String from = waId();
        String wamid = "wamid.odd-" + phone;
        String body = FakeGraphApi.textMessageWebhook(phone, from, "Ana NULNAME", wamid, "oi NULTEXT tudo SURTEXT bem",
                System.currentTimeMillis() / 1000).replace("NULNAME", "\\u0000").replace("NULTEXT", "\\u0000")
                .replace("SURTEXT", "\\ud83d");
        assertThat(signed(body).status()).isEqualTo(200);
        await().atMost(Duration.ofSeconds(20)).until(() -> sendsTo(from).size() == 1);
        assertThat(sendsTo(from).get(0).json().path("text").path("body").asText()).contains("tudo");
        assertThat(count("SELECT COUNT(*) FROM inbound_events WHERE external_id = ? AND status = 'processed'", wamid))
                .isEqualTo(1);
        JsonNode convs = hub.get(admin, "/v1/conversations?end_user_id=" + from).json().get("data");
        assertThat(convs).hasSize(1);
        Reply messages = hub.get(admin, "/v1/conversations/" + convs.get(0).get("id").asText() + "/messages");
        assertThat(messages.status()).isEqualTo(200);
        assertThat(messages.body()).contains("tudo");
        // The contact, with its odd name, is exported like any other.
        Reply export = hub.post(admin, "/v1/privacy/requests", Map.of("type", "export", "subject", from));
        assertThat(export.status()).as(export.body()).isEqualTo(201);
        assertThat(export.json().get("status").asText()).isEqualTo("completed");
    }

    @Test
    void aTurnRefusedByTheQuotaLeavesTheMessageUnansweredWithItsReasonAndShowsNoTyping() {
        String t = hub.createTenant(slug("zap-quota"));
        String key = hub.createKey(t, "admin").get("key").asText();
        TestHub.check(hub.post(key, "/v1/agents", Map.of("slug", "atendente", "name", "Atendente")), 201);
        String phone = Long.toString(NUMBERS.incrementAndGet());
        TestHub.check(hub.post(key, "/v1/channel-instances", Map.of("plugin_id", "channel-whatsapp", "name",
                "numero " + phone, "settings", Map.of("phone_number_id", phone, "waba_id", "1022901293"
                        + phone.substring(phone.length() - 5), "access_token", TOKEN, "app_secret", APP_SECRET,
                        "verify_token", VERIFY, "graph_base_url", graph.baseUrl(), "graph_api_version", VERSION))),
                201);
        TestHub.check(hub.post(TestHub.ROOT_KEY, "/admin/tenants/" + t + "/quotas", Map.of("usage_type",
                "messages.out", "period", "daily", "limit", 0, "mode", "hard")), 201);
        String from = waId();
        String wamid = "wamid.quota-" + phone;
        assertThat(inbound(phone, from, wamid, "Tem alguém aí?").status()).isEqualTo(200);
        await().atMost(Duration.ofSeconds(20)).until(() -> count("SELECT COUNT(*) FROM inbound_events WHERE "
                + "external_id = ? AND status = 'processed'", wamid) == 1);
        String conv = hub.get(key, "/v1/conversations?end_user_id=" + from).json().get("data").get(0).get("id")
                .asText();
        JsonNode message = hub.get(key, "/v1/conversations/" + conv + "/messages").json().get("data").get(0);
        assertThat(message.get("status").asText()).isEqualTo("unanswered");
        assertThat(message.get("error_code").asText()).isEqualTo("quota_exceeded");
        // Nothing was shown to the contact: no reply, and no typing indicator promising one.
        await().during(Duration.ofMillis(500)).atMost(Duration.ofSeconds(3)).until(() -> graph.sends().stream()
                .noneMatch(r -> wamid.equals(r.json().path("message_id").asText()) || from.equals(r.json()
                        .path("to").asText())));
    }

    @Test
    void statusesArrivingOutOfOrderNeverMoveAMessageBackwards() {
        String phone = number(Map.of());
        String from = waId();
        inbound(phone, from, "wamid.order-" + phone, "oi");
        await().atMost(Duration.ofSeconds(20)).until(() -> sendsTo(from).size() == 1);
        String sent = await().atMost(Duration.ofSeconds(10)).until(() -> hub.app().jdbi().withHandle(h -> h
                .createQuery("SELECT channel_message_id FROM channel_deliveries WHERE tenant_id = :t AND "
                        + "contact_external_id = :x AND kind = 'TEXT'").bind("t", tenantId).bind("x", from).mapTo(String.class)
                .findOne().orElse(null)), java.util.Objects::nonNull);
        long ts = System.currentTimeMillis() / 1000;
        for (String s : List.of("read", "delivered", "sent")) {
            assertThat(signed(FakeGraphApi.statusWebhook(phone, from, sent, s, ts, null)).status()).isEqualTo(200);
        }
        await().atMost(Duration.ofSeconds(10)).until(() -> count("SELECT COUNT(*) FROM inbound_events WHERE "
                + "tenant_id = ? AND event_type = 'status' AND status = 'processed' AND external_id LIKE ?",
                tenantId, sent + "%") == 3);
        String status = hub.app().jdbi().withHandle(h -> h.createQuery("SELECT status FROM channel_deliveries WHERE "
                + "channel_message_id = :c").bind("c", sent).mapTo(String.class).one());
        assertThat(status).isEqualTo("read");
        String messageStatus = hub.app().jdbi().withHandle(h -> h.createQuery("SELECT m.status FROM messages m JOIN "
                + "channel_deliveries d ON d.tenant_id = m.tenant_id AND d.message_id = m.id WHERE "
                + "d.channel_message_id = :c").bind("c", sent).mapTo(String.class).one());
        assertThat(messageStatus).isEqualTo("read");
    }

    @Test
    void freeFormMessagesNeedAnOpenServiceWindowTemplatesDoNot() {
        String phone = number(Map.of());
        String from = waId();
        Reply closed = sendApi(phone, Map.of("to", from, "text", "Seu pedido saiu para entrega"));
        assertThat(closed.status()).isEqualTo(422);
        assertThat(closed.code()).isEqualTo("outside_service_window");
        inbound(phone, from, "wamid.window-" + phone, "oi");
        await().atMost(Duration.ofSeconds(20)).until(() -> sendsTo(from).size() == 1);
        Reply open = sendApi(phone, Map.of("to", from, "text", "Seu pedido saiu para entrega"));
        assertThat(open.status()).as(open.body()).isEqualTo(202);
        await().atMost(Duration.ofSeconds(20)).until(() -> sendsTo(from).stream().anyMatch(r ->
                r.json().path("text").path("body").asText().equals("Seu pedido saiu para entrega")));
    }

    static final String ORDER_UPDATE = "{\"name\":\"order_update\",\"language\":\"pt_BR\",\"category\":\"UTILITY\","
            + "\"status\":\"APPROVED\",\"id\":\"1\",\"components\":[{\"type\":\"HEADER\",\"format\":\"TEXT\","
            + "\"text\":\"Pedido {{1}}\"},{\"type\":\"BODY\",\"text\":\"Olá {{1}}, seu pedido {{2}} foi enviado.\"}]}";
    static final String PROMO = "{\"name\":\"black_friday\",\"language\":\"pt_BR\",\"category\":\"MARKETING\","
            + "\"status\":\"APPROVED\",\"id\":\"2\",\"components\":[{\"type\":\"BODY\",\"text\":\"Ofertas {{1}}\"}]}";

    Map<String, Object> orderUpdate(String to, List<String> body) {
        return Map.of("to", to, "template", Map.of("name", "order_update", "language", "pt_BR", "parameters",
                Map.of("header", Map.of("type", "text", "text", "4711"), "body", body)));
    }

    @Test
    void templatesAreSyncedListedAndTheirParametersChecked() {
        String phone = number(Map.of());
        graph.templates(List.of(ORDER_UPDATE, PROMO));
        JsonNode synced = TestHub.check(hub.post(admin, "/v1/channel-instances/" + instanceOf(phone)
                + "/templates/sync", null), 200).json();
        assertThat(synced.get("data")).hasSize(2);
        JsonNode listed = hub.get(admin, "/v1/channel-instances/" + instanceOf(phone) + "/templates").json();
        assertThat(listed.get("data").toString()).contains("order_update").contains("MARKETING");

        String to = waId();
        Reply wrong = sendApi(phone, orderUpdate(to, List.of("Ana")));
        assertThat(wrong.status()).isEqualTo(422);
        assertThat(wrong.code()).isEqualTo("invalid_template_parameters");
        Reply unknown = sendApi(phone, Map.of("to", to, "template", Map.of("name", "nope", "language", "pt_BR")));
        assertThat(unknown.code()).isEqualTo("template_not_found");

        Reply ok = sendApi(phone, orderUpdate(to, List.of("Ana", "4711")));
        assertThat(ok.status()).as(ok.body()).isEqualTo(202);
        await().atMost(Duration.ofSeconds(20)).until(() -> sendsTo(to).size() == 1);
        JsonNode template = sendsTo(to).get(0).json().path("template");
        assertThat(template.path("name").asText()).isEqualTo("order_update");
        assertThat(template.path("language").path("code").asText()).isEqualTo("pt_BR");
        assertThat(template.path("components").toString()).contains("4711").contains("Ana");
        assertThat(graph.problems()).isEmpty();
        await().atMost(Duration.ofSeconds(10)).until(() -> count("SELECT COUNT(*) FROM usage_events WHERE tenant_id = "
                + "? AND usage_type = 'channel.template_sends.utility'", tenantId) >= 1);
        assertThat(count("SELECT COUNT(*) FROM usage_events WHERE tenant_id = ? AND usage_type = "
                + "'channel.template_sends' AND plugin_id = 'channel-whatsapp'", tenantId)).isEqualTo(1);
        assertThat(count("SELECT COUNT(*) FROM usage_events WHERE tenant_id = ? AND usage_type = "
                + "'channel.template_sends.utility'", tenantId)).isEqualTo(1);
    }

    @Test
    void optingOutStopsMarketingTemplatesAndOptingInAllowsThemAgain() {
        String phone = number(Map.of());
        graph.templates(List.of(ORDER_UPDATE, PROMO));
        TestHub.check(hub.post(admin, "/v1/channel-instances/" + instanceOf(phone) + "/templates/sync", null), 200);
        String from = waId();
        Map<String, Object> promo = Map.of("to", from, "template", Map.of("name", "black_friday", "language", "pt_BR",
                "parameters", Map.of("body", List.of("hoje"))));

        // "sim" before any opt-out is an answer for the agent, not a consent keyword.
        inbound(phone, from, "wamid.sim-" + phone, "sim");
        await().atMost(Duration.ofSeconds(20)).until(() -> sendsTo(from).size() == 1);
        assertThat(sendsTo(from).get(0).json().path("text").path("body").asText()).startsWith("[demo]");

        inbound(phone, from, "wamid.stop-" + phone, "PARAR");
        await().atMost(Duration.ofSeconds(20)).until(() -> sendsTo(from).size() == 2);
        assertThat(sendsTo(from).get(1).json().path("text").path("body").asText()).doesNotStartWith("[demo]");
        await().atMost(Duration.ofSeconds(10)).until(() -> count("SELECT COUNT(*) FROM consent_records WHERE "
                + "tenant_id = ? AND contact_external_id = ? AND status = 'WITHDRAWN'", tenantId, from) == 1);
        Reply refused = sendApi(phone, promo);
        assertThat(refused.status()).isEqualTo(422);
        assertThat(refused.code()).isEqualTo("consent_withdrawn");
        assertThat(sendApi(phone, orderUpdate(from, List.of("Ana", "1"))).status())
                .as("a utility template still goes out").isEqualTo(202);

        inbound(phone, from, "wamid.back-" + phone, "voltar");
        await().atMost(Duration.ofSeconds(10)).until(() -> count("SELECT COUNT(*) FROM consent_records WHERE "
                + "tenant_id = ? AND contact_external_id = ? AND status = 'GRANTED'", tenantId, from) == 1);
        assertThat(sendApi(phone, promo).status()).isEqualTo(202);
        String evidence = hub.app().jdbi().withHandle(h -> h.createQuery("SELECT evidence FROM consent_records WHERE "
                + "contact_external_id = :x AND status = 'WITHDRAWN'").bind("x", from).mapTo(String.class).one());
        assertThat(evidence).contains("PARAR").contains("wamid.stop-" + phone);
    }

    @Test
    void sendsToOneNumberNeverExceedItsConfiguredRate() {
        int rate = 5;
        String phone = number(Map.of("messages_per_second", rate));
        String to = waId();
        inbound(phone, to, "wamid.pace-" + phone, "oi");
        await().atMost(Duration.ofSeconds(20)).until(() -> sendsTo(to).size() == 1);
        int n = 12;
        for (int i = 0; i < n; i++) {
            TestHub.check(sendApi(phone, Map.of("to", to, "text", "aviso " + i)), 202);
        }
        await().atMost(Duration.ofSeconds(30)).until(() -> sendsTo(to).size() == n + 1);
        List<Long> times = new ArrayList<>(sendsTo(to).stream().map(FakeGraphApi.Request::arrivedNanos).toList());
        times.sort(Long::compare);
        // Any window of a second (less 50 ms for the network between the bucket and the fake) holds at most `rate`.
        for (int i = 0; i + rate < times.size(); i++) {
            long span = times.get(i + rate) - times.get(i);
            assertThat(span).as("the %d sends from #%d", rate + 1, i).isGreaterThan(950_000_000L);
        }
    }

    @Test
    void aSendFailingWith5xxIsRetriedUntilItGoesThrough() {
        String phone = number(Map.of());
        String to = waId();
        inbound(phone, to, "wamid.retry-" + phone, "oi");
        await().atMost(Duration.ofSeconds(20)).until(() -> sendsTo(to).size() == 1);
        graph.failNextSendsTo(to, 2, FakeGraphApi.serverError());
        TestHub.check(sendApi(phone, Map.of("to", to, "text", "segunda tentativa")), 202);
        await().atMost(Duration.ofSeconds(20)).until(() -> sendsTo(to).size() == 4);
        // The fake counts a send when it answers; the hub records it as sent a moment later.
        String messageId = await().atMost(Duration.ofSeconds(10)).until(() -> hub.app().jdbi().withHandle(h -> h
                .createQuery("SELECT message_id FROM channel_deliveries WHERE contact_external_id = :x AND status = "
                        + "'sent' AND kind = 'TEXT' ORDER BY created_at").bind("x", to).mapTo(String.class).list()),
                l -> l.size() == 2).get(1);
        assertThat(count("SELECT COUNT(*) FROM messages WHERE id = ? AND status = 'sent'", messageId)).isEqualTo(1);
    }

    @Test
    void aPermanentErrorFailsTheMessageAndA131050StatusWithdrawsMarketingConsent() {
        String phone = number(Map.of());
        String to = waId();
        inbound(phone, to, "wamid.perm-" + phone, "oi");
        await().atMost(Duration.ofSeconds(20)).until(() -> sendsTo(to).size() == 1);
        graph.failNextSendsTo(to, 1, FakeGraphApi.graphError(400, 131026, "Message undeliverable", "Undeliverable"));
        JsonNode queued = TestHub.check(sendApi(phone, Map.of("to", to, "text", "não chega")), 202).json();
        String id = queued.get("message_id").asText();
        await().atMost(Duration.ofSeconds(20)).until(() -> count("SELECT COUNT(*) FROM messages WHERE id = ? AND "
                + "status = 'failed' AND error_code = '131026'", id) == 1);
        assertThat(sendsTo(to)).hasSize(2);

        String sent = hub.app().jdbi().withHandle(h -> h.createQuery("SELECT channel_message_id FROM "
                + "channel_deliveries WHERE contact_external_id = :x AND part = 0 AND status = 'sent' AND kind = "
                + "'TEXT'").bind("x", to)
                .mapTo(String.class).one());
        signed(FakeGraphApi.statusWebhook(phone, to, sent, "failed", System.currentTimeMillis() / 1000, 131050));
        await().atMost(Duration.ofSeconds(10)).until(() -> count("SELECT COUNT(*) FROM consent_records WHERE "
                + "contact_external_id = ? AND status = 'WITHDRAWN' AND method LIKE '%131050%'", to) == 1);
    }

    @Test
    void anInboundImageIsFetchedStoredAndGivenToTheAgentWhoIsShownTyping() {
        String phone = number(Map.of());
        String from = waId();
        byte[] jpeg = {(byte) 0xFF, (byte) 0xD8, (byte) 0xFF, (byte) 0xE0, 0, 16, 'J', 'F', 'I', 'F'};
        graph.media("1234567890123456", jpeg, "image/jpeg");
        String wamid = "wamid.img-" + phone;
        String body = FakeGraphApi.textMessageWebhook(phone, from, "Ana", wamid, "x", System.currentTimeMillis()
                / 1000).replace("\"type\":\"text\",\"text\":{\"body\":\"x\"}", "\"type\":\"image\",\"image\":"
                + "{\"caption\":\"minha nota\",\"mime_type\":\"image/jpeg\",\"sha256\":\"abc\",\"id\":"
                + "\"1234567890123456\"}");
        assertThat(body).contains("\"image\"");
        assertThat(signed(body).status()).isEqualTo(200);
        await().atMost(Duration.ofSeconds(20)).until(() -> sendsTo(from).size() == 1);
        // The demo model names the file it was given: it reached the prompt.
        assertThat(sendsTo(from).get(0).json().path("text").path("body").asText()).contains("image/jpeg, 10 bytes");
        assertThat(count("SELECT COUNT(*) FROM media WHERE tenant_id = ? AND contact_external_id = ? AND "
                + "size_bytes = 10", tenantId, from)).isEqualTo(1);
        await().atMost(Duration.ofSeconds(10)).until(() -> graph.sends().stream().anyMatch(r ->
                wamid.equals(r.json().path("message_id").asText())
                        && "read".equals(r.json().path("status").asText())
                        && r.json().has("typing_indicator")));
        assertThat(graph.problems()).isEmpty();
    }

    @Test
    void integratorsSendMediaInteractiveAndReactionsInTheWindow() {
        String phone = number(Map.of());
        String to = waId();
        String wamid = "wamid.kinds-" + phone;
        inbound(phone, to, wamid, "oi");
        await().atMost(Duration.ofSeconds(20)).until(() -> sendsTo(to).size() == 1);
        TestHub.check(sendApi(phone, Map.of("to", to, "media", Map.of("type", "image", "link",
                "https://cdn.example.com/p.jpg", "caption", "seu produto"))), 202);
        TestHub.check(sendApi(phone, Map.of("to", to, "interactive", Map.of("type", "button", "body",
                Map.of("text", "Confirma?"), "action", Map.of("buttons", List.of(Map.of("type", "reply", "reply",
                        Map.of("id", "yes", "title", "Sim"))))))), 202);
        TestHub.check(sendApi(phone, Map.of("to", to, "reaction", Map.of("message_id", wamid, "emoji", "👍"))), 202);
        await().atMost(Duration.ofSeconds(20)).until(() -> sendsTo(to).size() == 4);
        assertThat(sendsTo(to).stream().map(r -> r.json().path("type").asText()).toList())
                .contains("image", "interactive", "reaction");
        assertThat(graph.problems()).isEmpty();
        assertThat(sendApi(phone, Map.of("to", to, "text", "a", "reaction", Map.of("message_id", wamid, "emoji",
                "x"))).code()).isEqualTo("invalid_field");
        // An explicit null is absent, and a field of the wrong JSON type is a 422 naming it.
        Map<String, Object> withNull = new java.util.HashMap<>(Map.of("to", to, "text", "ok"));
        withNull.put("interactive", null);
        TestHub.check(sendApi(phone, withNull), 202);
        TestHub.Reply notAnObject = sendApi(phone, Map.of("to", to, "interactive", "botões"));
        assertThat(notAnObject.code()).isEqualTo("invalid_field");
        assertThat(notAnObject.body()).contains("interactive");
        assertThat(sendApi(phone, Map.of("to", to, "template", Map.of("name", "pedido", "language", "pt_BR",
                "parameters", 7))).body()).contains("template.parameters");
    }

    @Test
    void aLongReplyIsSplitIntoPartsSentInOrder() {
        String phone = number(Map.of());
        String to = waId();
        inbound(phone, to, "wamid.long-" + phone, "oi");
        await().atMost(Duration.ofSeconds(20)).until(() -> sendsTo(to).size() == 1);
        StringBuilder text = new StringBuilder();
        for (int i = 0; text.length() < 9000; i++) {
            text.append("Parte do texto número ").append(i).append(". ");
        }
        JsonNode queued = TestHub.check(sendApi(phone, Map.of("to", to, "text", text.toString())), 202).json();
        assertThat(queued.get("parts").asInt()).isEqualTo(3);
        await().atMost(Duration.ofSeconds(20)).until(() -> sendsTo(to).size() == 4);
        List<String> bodies = sendsTo(to).subList(1, 4).stream().map(r -> r.json().path("text").path("body")
                .asText()).toList();
        assertThat(bodies).allMatch(b -> b.length() <= 4096);
        assertThat(String.join(" ", bodies)).isEqualTo(text.toString().strip());
    }

    /** The conversation history of a contact, as the tenant's API shows it. */
    JsonNode historyOf(String contact) {
        String conv = hub.get(admin, "/v1/conversations?end_user_id=" + contact).json().get("data").get(0).get("id")
                .asText();
        return hub.get(admin, "/v1/conversations/" + conv + "/messages").json().get("data");
    }

    static JsonNode byContent(JsonNode history, String prefix) {
        for (JsonNode m : history) {
            if (m.path("content").asText("").startsWith(prefix)) {
                return m;
            }
        }
        throw new AssertionError("no message starting with " + prefix + " in " + history);
    }

    @Test
    void aMessageOlderThanTheServiceWindowIsStoredButNotAnsweredLikeTheSendApiRefusesIt() {
        String phone = number(Map.of());
        String from = waId();
        String wamid = "wamid.stale-" + phone;
        // Meta redelivers for up to 7 days: this one was sent 30 hours ago, by its own timestamp.
        long sentAt = System.currentTimeMillis() / 1000 - 30 * 3600;
        assertThat(signed(FakeGraphApi.textMessageWebhook(phone, from, "Ana", wamid, "Ainda tem estoque?", sentAt))
                .status()).isEqualTo(200);
        await().atMost(Duration.ofSeconds(20)).until(() -> count("SELECT COUNT(*) FROM inbound_events WHERE "
                + "external_id = ? AND status = 'processed'", wamid) == 1);
        // Stored, with the reason the integrator sees, and nothing queued for the channel (no reply, no typing).
        JsonNode stored = byContent(historyOf(from), "Ainda tem estoque?");
        assertThat(stored.get("status").asText()).isEqualTo("unanswered");
        assertThat(stored.get("error_code").asText()).isEqualTo("outside_service_window");
        assertThat(historyOf(from)).hasSize(1);
        assertThat(count("SELECT COUNT(*) FROM channel_deliveries WHERE tenant_id = ? AND contact_external_id = ?",
                tenantId, from)).isZero();
        // The send API applies the same window to the same contact.
        Reply api = sendApi(phone, Map.of("to", from, "text", "Temos sim"));
        assertThat(api.status()).isEqualTo(422);
        assertThat(api.code()).isEqualTo("outside_service_window");
        // A message sent now opens the window: it is answered.
        inbound(phone, from, "wamid.fresh-" + phone, "Oi de novo");
        await().atMost(Duration.ofSeconds(20)).until(() -> sendsTo(from).size() == 1);
        assertThat(sendsTo(from).get(0).json().path("text").path("body").asText()).contains("Oi de novo");
    }

    @Test
    void aFailedDeliveryKeepsMetasCodeTitleAndDetailsInTheMessageHistory() {
        String phone = number(Map.of());
        String to = waId();
        inbound(phone, to, "wamid.why-" + phone, "oi");
        await().atMost(Duration.ofSeconds(20)).until(() -> sendsTo(to).size() == 1);
        // Refused at once by the Graph API.
        graph.failNextSendsTo(to, 1, FakeGraphApi.graphError(400, 131026, "Message undeliverable",
                "Message Undeliverable."));
        String refused = TestHub.check(sendApi(phone, Map.of("to", to, "text", "não chega")), 202).json()
                .get("message_id").asText();
        await().atMost(Duration.ofSeconds(20)).until(() -> count("SELECT COUNT(*) FROM messages WHERE id = ? AND "
                + "status = 'failed'", refused) == 1);
        JsonNode failedAtSend = byContent(historyOf(to), "não chega");
        assertThat(failedAtSend.get("error_code").asText()).isEqualTo("131026");
        assertThat(failedAtSend.get("error_title").asText()).isEqualTo("(#131026) Message undeliverable");
        assertThat(failedAtSend.get("error_details").asText()).isEqualTo("Message Undeliverable.");

        // Accepted, then reported failed by a status webhook with Meta's errors[].
        String sent = hub.app().jdbi().withHandle(h -> h.createQuery("SELECT channel_message_id FROM "
                + "channel_deliveries WHERE contact_external_id = :x AND part = 0 AND status = 'sent' AND kind = "
                + "'TEXT'").bind("x", to).mapTo(String.class).one());
        assertThat(signed(FakeGraphApi.statusWebhook(phone, to, sent, "failed", System.currentTimeMillis() / 1000,
                131049)).status()).isEqualTo(200);
        await().atMost(Duration.ofSeconds(10)).until(() -> count("SELECT COUNT(*) FROM messages m JOIN "
                + "channel_deliveries d ON d.tenant_id = m.tenant_id AND d.message_id = m.id WHERE "
                + "d.channel_message_id = ? AND m.status = 'failed'", sent) == 1);
        JsonNode reply = null;
        for (JsonNode m : historyOf(to)) {
            if ("assistant".equals(m.get("role").asText()) && "failed".equals(m.get("status").asText())
                    && "131049".equals(m.path("error_code").asText())) {
                reply = m;
            }
        }
        assertThat(reply).as("the agent's reply, failed by the status").isNotNull();
        assertThat(reply.get("error_title").asText()).isEqualTo("Error 131049");
        assertThat(reply.get("error_details").asText()).isEqualTo("Error 131049");
    }

    @Test
    void theHistoryShowsEachMessagesTypeAndItsAttachments() {
        String phone = number(Map.of());
        String from = waId();
        byte[] png = {(byte) 0x89, 'P', 'N', 'G', 13, 10, 26, 10, 0, 0, 0, 13};
        graph.media("9876543210987654", png, "image/png");
        String wamid = "wamid.typed-" + phone;
        String body = FakeGraphApi.textMessageWebhook(phone, from, "Ana", wamid, "x", System.currentTimeMillis()
                / 1000).replace("\"type\":\"text\",\"text\":{\"body\":\"x\"}", "\"type\":\"image\",\"image\":"
                + "{\"caption\":\"o recibo\",\"mime_type\":\"image/png\",\"sha256\":\"abc\",\"id\":"
                + "\"9876543210987654\"}");
        assertThat(signed(body).status()).isEqualTo(200);
        await().atMost(Duration.ofSeconds(20)).until(() -> sendsTo(from).size() == 1);
        String location = FakeGraphApi.textMessageWebhook(phone, from, "Ana", wamid + "-loc", "x",
                System.currentTimeMillis() / 1000).replace("\"type\":\"text\",\"text\":{\"body\":\"x\"}",
                "\"type\":\"location\",\"location\":{\"latitude\":-23.5613,\"longitude\":-46.6565,"
                        + "\"name\":\"Loja Paulista\",\"address\":\"Av. Paulista, 1000\"}");
        assertThat(signed(location).status()).isEqualTo(200);
        await().atMost(Duration.ofSeconds(20)).until(() -> sendsTo(from).size() == 2);
        TestHub.check(sendApi(phone, Map.of("to", from, "interactive", Map.of("type", "button", "body",
                Map.of("text", "Confirma?"), "action", Map.of("buttons", List.of(Map.of("type", "reply", "reply",
                        Map.of("id", "yes", "title", "Sim"))))))), 202);

        JsonNode history = historyOf(from);
        JsonNode image = byContent(history, "o recibo");
        assertThat(image.get("type").asText()).isEqualTo("image");
        assertThat(image.get("content").asText()).isEqualTo("o recibo");
        assertThat(image.get("attachments")).hasSize(1);
        JsonNode file = image.get("attachments").get(0);
        assertThat(file.get("id").asText()).startsWith("med_");
        assertThat(file.get("content_type").asText()).isEqualTo("image/png");
        assertThat(file.get("size_bytes").asLong()).isEqualTo(png.length);
        assertThat(byContent(history, "Loja Paulista").get("type").asText()).isEqualTo("location");
        assertThat(byContent(history, "Loja Paulista").get("attachments")).isEmpty();
        assertThat(byContent(history, "Confirma?").get("type").asText()).isEqualTo("interactive");
        assertThat(byContent(history, "[demo]").get("type").asText()).isEqualTo("text");
    }
}
