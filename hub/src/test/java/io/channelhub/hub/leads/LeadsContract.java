package io.channelhub.hub.leads;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.channelhub.hub.support.HubIntegrationTest;
import io.channelhub.hub.support.TestHub;
import io.channelhub.hub.support.TestHub.Reply;
import io.channelhub.hub.support.WebhookReceiver;
import io.channelhub.hub.support.FakeOpenAi;
import io.dropwizard.testing.ConfigOverride;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Leads end to end, with the bundled leads plugin jar: a conversation with buying intent becomes a lead that the
 * plugin scores after each turn and the hub qualifies against the tenant's threshold, announces with a signed
 * {@code lead.qualified} webhook, meters and audits; people move it on the board; another tenant sees none of it; the
 * contact's export holds it and erasure removes it.
 */
abstract class LeadsContract extends HubIntegrationTest {

    static WebhookReceiver receiver;
    String tenantId;
    String admin;

    @Override
    protected ConfigOverride[] overrides() {
        try {
            receiver = new WebhookReceiver();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return new ConfigOverride[] {
            ConfigOverride.config("delivery.initialBackoff", "100ms"),
            ConfigOverride.config("delivery.pollInterval", "100ms"),
            ConfigOverride.config("delivery.allowPrivateTargets", "true")};
    }

    @Override
    protected void morePlugins(Path dir) {
        io.channelhub.hub.support.TestPlugins.copyBundled(dir, "leads");
        io.channelhub.hub.support.TestPlugins.copyBundled(dir, "compliance-privacy");
    }

    @AfterAll
    void stopReceiver() {
        receiver.close();
    }

    @BeforeAll
    void tenant() {
        tenantId = hub.createTenant(slug("sales"));
        admin = hub.createKey(tenantId, "admin").get("key").asText();
        TestHub.check(hub.post(admin, "/v1/agents", Map.of("slug", "sales", "name", "Sales")), 201);
        // Leads are the tenant's choice: the plugin is off until its admin switches it on.
        assertThat(TestHub.check(hub.get(admin, "/v1/plugins/leads"), 200).json().path("enabled").asBoolean())
                .isFalse();
        TestHub.check(hub.post(admin, "/v1/plugins/leads/enable", null), 200);
        TestHub.check(hub.post(admin, "/v1/webhooks", Map.of("url", receiver.url("/leads"), "events",
                List.of("lead.qualified"))), 201);
        // The sales team's chat: an incoming webhook that takes a line of text.
        JsonNode chat = TestHub.check(hub.post(admin, "/v1/webhooks", Map.of("url", receiver.url("/chat"), "events",
                List.of("lead.qualified"), "format", "chat")), 201).json();
        assertThat(chat.path("format").asText()).isEqualTo("chat");
        assertThat(hub.post(admin, "/v1/webhooks", Map.of("url", receiver.url("/x"), "format", "xml")).code())
                .isEqualTo("invalid_format");
    }

    String conversation(String endUser) {
        return TestHub.check(hub.post(admin, "/v1/conversations", Map.of("end_user_id", endUser)), 201).json()
                .get("id").asText();
    }

    void say(String conv, String text) {
        TestHub.check(hub.post(admin, "/v1/conversations/" + conv + "/messages", Map.of("content", text)), 201);
    }

    JsonNode leadOf(String conv) {
        for (JsonNode l : TestHub.check(hub.get(admin, "/v1/leads"), 200).json().get("data")) {
            if (conv.equals(l.path("conversation_id").asText())) {
                return l;
            }
        }
        return null;
    }

    @Test
    void aConversationWithBuyingIntentBecomesAQualifiedLeadWithItsWebhookAndItsPlaceOnTheBoard() throws Exception {
        String endUser = "buyer-" + UUID.randomUUID();
        String conv = conversation(endUser);
        say(conv, "Hi, how much is the business plan?");
        await().atMost(Duration.ofSeconds(20)).until(() -> leadOf(conv) != null);
        JsonNode early = leadOf(conv);
        assertThat(early.path("stage").asText()).isEqualTo("new");
        assertThat(early.path("intent").asText()).isEqualTo("quote");
        assertThat(early.path("qualified").asBoolean()).isFalse();

        say(conv, "Great, we want to buy it for 40 users this week. My name is Ana Souza, I am the CTO at Acme, "
                + "ana.souza@acme.example");
        await().atMost(Duration.ofSeconds(20)).until(() -> leadOf(conv).path("qualified").asBoolean());
        JsonNode lead = leadOf(conv);
        assertThat(lead.path("stage").asText()).isEqualTo("qualified");
        assertThat(lead.path("intent").asText()).isEqualTo("buy");
        assertThat(lead.path("name").asText()).isEqualTo("Ana Souza");
        assertThat(lead.path("email").asText()).isEqualTo("ana.souza@acme.example");
        assertThat(lead.path("company").asText()).isEqualTo("Acme");
        assertThat(lead.path("role").asText()).isEqualTo("CTO");
        assertThat(lead.path("end_user_id").asText()).isEqualTo(endUser);
        assertThat(lead.path("source_plugin").asText()).isEqualTo("leads");
        assertThat(lead.path("score").asInt()).isGreaterThanOrEqualTo(60);

        // Announced once, signed, with the lead.
        await().atMost(Duration.ofSeconds(10)).until(() -> receiver.received().stream()
                .anyMatch(r -> r.body().contains(lead.path("id").asText())));
        var hooks = receiver.received().stream().filter(r -> r.body().contains(lead.path("id").asText())).toList();
        assertThat(hooks).hasSize(1);
        // And the chat tool's line, once.
        await().atMost(Duration.ofSeconds(10)).until(() -> receiver.received().stream()
                .anyMatch(r -> r.body().contains("New qualified lead: Ana Souza")));
        var lines = receiver.received().stream().filter(r -> r.body().contains("New qualified lead: Ana Souza"))
                .toList();
        assertThat(lines).hasSize(1);
        assertThat(new ObjectMapper().readTree(lines.get(0).body()).path("text").asText())
                .startsWith("New qualified lead: Ana Souza (Acme), score ")
                .contains("wants to buy").contains("ana.souza@acme.example");
        assertThat(lines.get(0).header("ChannelHub-Signature")).startsWith("t=");
        JsonNode event = new ObjectMapper().readTree(hooks.get(0).body());
        assertThat(event.path("type").asText()).isEqualTo("lead.qualified");
        assertThat(event.path("data").path("lead").path("email").asText()).isEqualTo("ana.souza@acme.example");
        assertThat(hooks.get(0).header("ChannelHub-Signature")).startsWith("t=");
        // Metered once, audited, noted on the conversation.
        assertThat(hub.count("SELECT COUNT(*) FROM usage_events WHERE tenant_id = ? AND usage_type = "
                + "'leads.qualified' AND idempotency_key = ?", tenantId, "lead:" + lead.path("id").asText()))
                .isEqualTo(1);
        assertThat(hub.count("SELECT COUNT(*) FROM audit_log WHERE tenant_id = ? AND action = 'lead.qualify' AND "
                + "resource_id = ?", tenantId, lead.path("id").asText())).isEqualTo(1);
        assertThat(TestHub.check(hub.get(admin, "/v1/conversations/" + conv), 200).json().path("annotations")
                .path("leads").path("lead.stage").asText()).isEqualTo("qualified");

        // Another turn changes nothing already decided: no second webhook, still qualified.
        say(conv, "Thanks!");
        assertThat(TestHub.check(hub.get(admin, "/v1/leads?stage=qualified"), 200).json().get("data"))
                .extracting(n -> n.get("id").asText()).contains(lead.path("id").asText());

        // The board: a person takes it and moves it on; the move is audited.
        JsonNode moved = TestHub.check(hub.patch(admin, "/v1/leads/" + lead.path("id").asText(),
                Map.of("stage", "contacted", "owner", "me")), 200).json();
        assertThat(moved.path("stage").asText()).isEqualTo("contacted");
        assertThat(moved.path("owner_principal_id").asText()).isNotBlank();
        assertThat(hub.patch(admin, "/v1/leads/" + lead.path("id").asText(), Map.of("stage", "maybe")).status())
                .isEqualTo(422);
        assertThat(receiver.received().stream().filter(r -> r.body().contains(lead.path("id").asText())))
                .hasSize(1);
    }

    /**
     * A tenant that chose a model has its conversations read by it, through the hub's gateway with the tenant's
     * credentials; the plugin's tokens are the tenant's usage under the plugin's id, and a used-up token quota leaves
     * the reading to the rule set.
     */
    @Test
    void theTenantsChosenModelReadsItsConversationsMeteredAndWithinItsQuotas() throws Exception {
        try (FakeOpenAi model = new FakeOpenAi()) {
            String t = hub.createTenant(slug("model-leads"));
            String key = hub.createKey(t, "admin").get("key").asText();
            TestHub.check(hub.send(key, "PUT", "/v1/model-providers/openai", Map.of("settings",
                    Map.of("base_url", model.baseUrl(), "api_key", "sk-tenant-leads"))), 200);
            TestHub.check(hub.post(key, "/v1/agents", Map.of("slug", "shop", "name", "Shop")), 201);
            TestHub.check(hub.post(key, "/v1/plugins/leads/enable", null), 200);

            assertThat(hub.send(key, "PUT", "/v1/leads/settings", Map.of("model_provider", "nowhere", "model", "x"))
                    .code()).isEqualTo("unknown_provider");
            assertThat(hub.send(key, "PUT", "/v1/leads/settings", Map.of("model_provider", "openai")).code())
                    .isEqualTo("invalid_field");
            TestHub.Reply wrongType = hub.send(key, "PUT", "/v1/leads/settings", Map.of("model", 4));
            assertThat(wrongType.code()).isEqualTo("invalid_field");
            assertThat(wrongType.json().path("error").path("message").asText()).contains("wrong type");
            assertThat(hub.send(key, "PUT", "/v1/leads/settings", Map.of("temperature", 1)).code())
                    .isEqualTo("unknown_field");
            JsonNode settings = TestHub.check(hub.send(key, "PUT", "/v1/leads/settings",
                    Map.of("model_provider", "openai", "model", "gpt-4o-mini")), 200).json();
            assertThat(settings.path("qualify_at").asInt()).as("a field left out keeps its value").isEqualTo(60);
            assertThat(TestHub.check(hub.get(key, "/v1/leads/settings"), 200).json().path("model").asText())
                    .isEqualTo("gpt-4o-mini");
            assertThat(hub.count("SELECT COUNT(*) FROM audit_log WHERE tenant_id = ? AND action = 'lead.settings'",
                    t)).isEqualTo(1);

            String extraction = """
                    {"intent":"buy","score":85,"name":"Carla Dias","email":null,"phone":null,"company":"Dias Tech",
                     "role":"head of operations","summary":"Wants it for 40 support agents this month."}""";
            // The agent's answer waits for this latch when one is set (the quota case below).
            java.util.concurrent.atomic.AtomicReference<java.util.concurrent.CountDownLatch> hold =
                    new java.util.concurrent.atomic.AtomicReference<>();
            model.answering(body -> {
                if (body.has("response_format")) {
                    return FakeOpenAi.chatReply(extraction, 120, 40);
                }
                FakeOpenAi.Reply answer = FakeOpenAi.chatReply("Happy to help!", 10, 3);
                java.util.concurrent.CountDownLatch latch = hold.get();
                return latch == null ? answer : new FakeOpenAi.Held(latch, answer);
            });
            String conv = TestHub.check(hub.post(key, "/v1/conversations", Map.of("end_user_id", "carla")), 201)
                    .json().get("id").asText();
            // Nothing the rule set reads as buying: only the model finds this lead.
            TestHub.check(hub.post(key, "/v1/conversations/" + conv + "/messages", Map.of("content",
                    "Carla from Dias Tech here. Could we get this for my 40 agents before the month ends? "
                            + "carla@diastech.example")), 201);
            await().atMost(Duration.ofSeconds(20)).until(() -> TestHub.check(hub.get(key, "/v1/leads"), 200).json()
                    .get("data").size() == 1);
            JsonNode lead = TestHub.check(hub.get(key, "/v1/leads"), 200).json().get("data").get(0);
            assertThat(lead.path("name").asText()).isEqualTo("Carla Dias");
            assertThat(lead.path("score").asInt()).isEqualTo(85);
            assertThat(lead.path("stage").asText()).isEqualTo("qualified");
            assertThat(lead.path("role").asText()).isEqualTo("head of operations");
            assertThat(lead.path("email").asText()).isEqualTo("carla@diastech.example");

            JsonNode asked = model.requests().stream().filter(r -> r.has("response_format")).findFirst()
                    .orElseThrow();
            assertThat(asked.path("model").asText()).isEqualTo("gpt-4o-mini");
            assertThat(asked.path("response_format").path("type").asText()).isEqualTo("json_schema");
            assertThat(asked.toString()).contains("Carla from Dias Tech");
            assertThat(model.problems()).isEmpty();
            assertThat(model.headers().stream().map(h -> h.get("Authorization").get(0)))
                    .allMatch(a -> a.equals("Bearer sk-tenant-leads"));
            assertThat(hub.count("SELECT COALESCE(SUM(quantity), 0) FROM usage_events WHERE tenant_id = ? AND "
                    + "plugin_id = 'leads' AND usage_type = 'model.prompt_tokens'", t)).isEqualTo(120);
            assertThat(hub.count("SELECT COALESCE(SUM(quantity), 0) FROM usage_events WHERE tenant_id = ? AND "
                    + "plugin_id = 'leads' AND usage_type = 'model.completion_tokens'", t)).isEqualTo(40);

            // A daily token quota used up while the next agent turn runs (admitted below it, answered past it): the
            // turn is answered, the plugin's call is refused before it starts, and the rule set reads the
            // conversation instead.
            long extractions = model.requests().stream().filter(r -> r.has("response_format")).count();
            java.util.concurrent.CountDownLatch release = new java.util.concurrent.CountDownLatch(1);
            hold.set(release);
            String second = TestHub.check(hub.post(key, "/v1/conversations", Map.of("end_user_id", "bruno")), 201)
                    .json().get("id").asText();
            var turn = java.util.concurrent.CompletableFuture.supplyAsync(() -> hub.post(key, "/v1/conversations/"
                    + second + "/messages", Map.of("content", "We want to buy 10 seats, I am Bruno Lima, "
                    + "bruno@lima.example")));
            await().atMost(Duration.ofSeconds(10)).until(() -> model.requests().size() > extractions + 1);
            long used = hub.count("SELECT COALESCE(SUM(quantity), 0) FROM usage_events WHERE tenant_id = ? AND "
                    + "usage_type = 'model.prompt_tokens'", t);
            TestHub.check(hub.post(TestHub.ROOT_KEY, "/admin/tenants/" + t + "/quotas", Map.of("usage_type",
                    "model.prompt_tokens", "period", "daily", "limit", used, "mode", "hard")), 201);
            release.countDown();
            TestHub.check(turn.get(20, java.util.concurrent.TimeUnit.SECONDS), 201);
            await().atMost(Duration.ofSeconds(20)).until(() -> TestHub.check(hub.get(key, "/v1/leads"), 200).json()
                    .get("data").size() == 2);
            assertThat(model.requests().stream().filter(r -> r.has("response_format")).count())
                    .isEqualTo(extractions);
            assertThat(hub.count("SELECT COALESCE(SUM(quantity), 0) FROM usage_events WHERE tenant_id = ? AND "
                    + "plugin_id = 'leads' AND usage_type = 'model.prompt_tokens'", t)).isEqualTo(120);
        }
    }

    /** A lead is a resource of the ACL: an editor moves one only with a grant on it, and a grant on a job finds none. */
    @Test
    void aGrantOnALeadLetsAnEditorWorkIt() {
        String conv = conversation("granted-" + UUID.randomUUID());
        say(conv, "We want to buy 12 seats. My name is Clara Reis, clara@reis.example");
        await().atMost(Duration.ofSeconds(20)).until(() -> leadOf(conv) != null);
        String lead = leadOf(conv).path("id").asText();
        JsonNode editor = hub.createKey(tenantId, "editor");
        String key = editor.get("key").asText();
        assertThat(TestHub.check(hub.get(key, "/v1/leads/" + lead), 200).json().path("name").asText())
                .isEqualTo("Clara Reis");
        assertThat(hub.patch(key, "/v1/leads/" + lead, Map.of("stage", "contacted")).code())
                .isEqualTo("permission_denied");
        TestHub.check(hub.post(admin, "/v1/grants", Map.of("resource_type", "lead", "resource_id", lead,
                "api_key_id", editor.get("id").asText(), "permission", "update")), 201);
        assertThat(TestHub.check(hub.patch(key, "/v1/leads/" + lead, Map.of("stage", "contacted", "owner", "me")),
                200).json().path("stage").asText()).isEqualTo("contacted");
        // Another lead stays out of the editor's reach.
        String other = conversation("ungranted-" + UUID.randomUUID());
        say(other, "We want to buy 3 seats today");
        await().atMost(Duration.ofSeconds(20)).until(() -> leadOf(other) != null);
        assertThat(hub.patch(key, "/v1/leads/" + leadOf(other).path("id").asText(), Map.of("stage", "lost")).status())
                .isEqualTo(403);
        assertThat(hub.post(admin, "/v1/grants", Map.of("resource_type", "job", "resource_id", "whd_x",
                "api_key_id", editor.get("id").asText(), "permission", "read")).status()).isEqualTo(404);
    }

    @Test
    void theTenantSetsItsThresholdAndASupportQuestionIsNoLead() {
        TestHub.check(hub.send(admin, "PUT", "/v1/leads/settings", Map.of("qualify_at", 95)), 200);
        try {
            String conv = conversation("quote-" + UUID.randomUUID());
            say(conv, "We want to buy 3 seats");
            await().atMost(Duration.ofSeconds(20)).until(() -> leadOf(conv) != null);
            assertThat(leadOf(conv).path("stage").asText()).isEqualTo("new");
            String support = conversation("support-" + UUID.randomUUID());
            say(support, "My order is late, where is it?");
            await().during(Duration.ofSeconds(1)).atMost(Duration.ofSeconds(3)).until(() -> leadOf(support) == null);
            assertThat(hub.send(admin, "PUT", "/v1/leads/settings", Map.of("qualify_at", 101)).status())
                    .isEqualTo(422);
        } finally {
            TestHub.check(hub.send(admin, "PUT", "/v1/leads/settings", Map.of("qualify_at", 60)), 200);
        }
    }

    @Test
    void anotherTenantSeesNoLeadAndTheContactsExportAndErasureReachIt() {
        String endUser = "subject-" + UUID.randomUUID();
        String conv = conversation(endUser);
        say(conv, "Quero comprar 10 licenças. Meu nome é Bruno Lima, bruno@lima.example");
        await().atMost(Duration.ofSeconds(20)).until(() -> leadOf(conv) != null);
        String id = leadOf(conv).path("id").asText();

        String rivalTenant = hub.createTenant(slug("rival"));
        String rival = hub.createKey(rivalTenant, "admin").get("key").asText();
        assertThat(TestHub.check(hub.get(rival, "/v1/leads"), 200).json().get("data")).isEmpty();
        // A tenant that did not switch leads on gets none from its buyers.
        TestHub.check(hub.post(rival, "/v1/agents", Map.of("slug", "rival-agent", "name", "R")), 201);
        String rivalConv = TestHub.check(hub.post(rival, "/v1/conversations", Map.of()), 201).json().get("id")
                .asText();
        TestHub.check(hub.post(rival, "/v1/conversations/" + rivalConv + "/messages", Map.of("content",
                "We want to buy 50 seats today, my name is Zed Zee, zed@zee.example")), 201);
        await().during(Duration.ofSeconds(1)).atMost(Duration.ofSeconds(3)).until(() -> hub.count(
                "SELECT COUNT(*) FROM leads WHERE tenant_id = ?", rivalTenant) == 0);
        assertThat(hub.get(rival, "/v1/leads/" + id).status()).isEqualTo(404);
        assertThat(hub.patch(rival, "/v1/leads/" + id, Map.of("stage", "lost")).status()).isEqualTo(404);
        assertThat(hub.delete(rival, "/v1/leads/" + id).status()).isEqualTo(404);

        Reply export = TestHub.check(hub.post(admin, "/v1/privacy/requests", Map.of("type", "export", "subject",
                endUser)), 201);
        assertThat(export.json().path("status").asText()).isEqualTo("completed");
        byte[] zip = hub.download(admin, "/v1/privacy/requests/" + export.json().get("id").asText() + "/archive",
                200);
        assertThat(TestHub.unzip(zip).get("subject.json")).contains("bruno@lima.example").contains(id);

        Reply erase = TestHub.check(hub.post(admin, "/v1/privacy/requests", Map.of("type", "erasure", "subject",
                endUser)), 201);
        assertThat(erase.json().path("report").path("deleted").path("leads").asInt()).isEqualTo(1);
        assertThat(hub.get(admin, "/v1/leads/" + id).status()).isEqualTo(404);
    }

    /**
     * Writes {@code n} leads for {@code tenant} straight into the table (a board that grew over months): every
     * other one qualified, and every three share their time of change (ties broken by id).
     */
    void seedLeads(String tenant, String prefix, int n) throws java.sql.SQLException {
        java.time.Instant start = java.time.Instant.parse("2026-01-01T00:00:00Z");
        try (java.sql.Connection c = hub.database().connect();
             var insert = c.prepareStatement("INSERT INTO leads (id, tenant_id, conversation_id, source_plugin, "
                     + "score, stage, created_at, updated_at) VALUES (?, ?, ?, 'leads', 50, ?, ?, ?)")) {
            for (int i = 0; i < n; i++) {
                java.sql.Timestamp at = java.sql.Timestamp.from(start.plusSeconds(i / 3));
                insert.setString(1, String.format("lead_%s_%05d", prefix, i));
                insert.setString(2, tenant);
                insert.setString(3, String.format("conv_%s_%05d", prefix, i));
                insert.setString(4, i % 2 == 0 ? "qualified" : "new");
                insert.setTimestamp(5, at);
                insert.setTimestamp(6, at);
                insert.addBatch();
            }
            insert.executeBatch();
        }
    }

    /** Every page of {@code path} (which has a query string), following {@code next_cursor}. */
    List<JsonNode> allPages(String key, String path) {
        List<JsonNode> seen = new java.util.ArrayList<>();
        String after = null;
        do {
            JsonNode page = TestHub.check(hub.get(key, path + (after == null ? "" : "&after=" + after)), 200).json();
            page.get("data").forEach(seen::add);
            after = page.path("next_cursor").isMissingNode() ? null : page.get("next_cursor").asText();
        } while (after != null);
        return seen;
    }

    @Test
    void theBoardPagesThroughEveryLeadMostRecentlyChangedFirst() throws Exception {
        String tenant = hub.createTenant(slug("board"));
        String key = hub.createKey(tenant, "admin").get("key").asText();
        seedLeads(tenant, "b" + System.nanoTime() % 100000, 230);

        List<JsonNode> all = allPages(key, "/v1/leads?limit=100");
        assertThat(all).hasSize(230);
        assertThat(all.stream().map(l -> l.get("id").asText()).distinct()).hasSize(230);
        for (int i = 1; i < all.size(); i++) {
            JsonNode a = all.get(i - 1);
            JsonNode b = all.get(i);
            int byTime = java.time.Instant.parse(a.get("updated_at").asText())
                    .compareTo(java.time.Instant.parse(b.get("updated_at").asText()));
            assertThat(byTime > 0 || byTime == 0 && a.get("id").asText().compareTo(b.get("id").asText()) > 0)
                    .as("%s before %s", a, b).isTrue();
        }
        List<JsonNode> qualified = allPages(key, "/v1/leads?stage=qualified&limit=40");
        assertThat(qualified).hasSize(115).allMatch(l -> l.get("stage").asText().equals("qualified"));
        // The first lead moves to the top while the board is being read: pages already cursored past it stay put.
        JsonNode first = TestHub.check(hub.get(key, "/v1/leads?limit=100"), 200).json();
        String oldest = all.get(all.size() - 1).get("id").asText();
        TestHub.check(hub.patch(key, "/v1/leads/" + oldest, Map.of("stage", "contacted")), 200);
        JsonNode second = TestHub.check(hub.get(key, "/v1/leads?limit=100&after=" + first.get("next_cursor")
                .asText()), 200).json();
        assertThat(second.get("data").get(0).get("id").asText()).isEqualTo(all.get(100).get("id").asText());
        assertThat(TestHub.check(hub.get(key, "/v1/leads?limit=1"), 200).json().get("data").get(0).get("id")
                .asText()).isEqualTo(oldest);

        assertThat(hub.get(key, "/v1/leads?after=yesterday").code()).isEqualTo("invalid_cursor");
        assertThat(hub.get(key, "/v1/leads?after=99999999999999999999.lead_x").code()).as("past a long")
                .isEqualTo("invalid_cursor");
        // A cursor taken to another tenant's board pages that board (its own older leads), never this one's.
        String rivalTenant = hub.createTenant(slug("rival-board"));
        String rival = hub.createKey(rivalTenant, "admin").get("key").asText();
        String rivalPrefix = "r" + System.nanoTime() % 100000;
        seedLeads(rivalTenant, rivalPrefix, 5);
        JsonNode foreign = TestHub.check(hub.get(rival, "/v1/leads?after=" + first.get("next_cursor").asText()),
                200).json().get("data");
        assertThat(foreign).hasSize(5).allMatch(l -> l.get("id").asText().startsWith("lead_" + rivalPrefix + "_"));
    }
}
