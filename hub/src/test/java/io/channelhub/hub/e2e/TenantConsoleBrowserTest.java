package io.channelhub.hub.e2e;

import com.fasterxml.jackson.databind.JsonNode;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.channelhub.hub.support.FakeGraphApi;
import io.channelhub.hub.support.TestDatabase;
import io.channelhub.hub.support.TestHub;
import io.dropwizard.testing.ConfigOverride;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * A tenant's own people at work in a real browser ({@code hub/src/test/e2e/tenant-console.e2e.mjs}). Human takeover: a
 * visitor of a tenant's site asks the widget for a person, the tenant's console user sees the inbox badge, takes the conversation and answers, the visitor
 * sees the answer arrive under her name, and the agent answers again after she hands it back; then the same with a
 * WhatsApp customer, whose messages Meta posts as signed webhooks, against a fake Graph API that checks every send;
 * a visitor with buying intent whom the leads plugin turns into a qualified lead on the console's board; then a tenant
 * admin's webhooks (delivery log, replay), privacy requests (an export downloaded), invoices with their payment data,
 * the model provider picker and the conversations most recent first, and a console user's own password change.
 * Chromium and Node are required: without them this test fails, it never skips.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class TenantConsoleBrowserTest {

    private static final String TOKEN = "EAAGtest-system-user-token";
    private static final String VERSION = "v23.0";
    private static final String APP_SECRET = "meta-app-secret-of-the-browser-test";
    private static final String AGENT_EMAIL = "ana@acme.example";
    private static final String AGENT_PASSWORD = "ana passphrase 2026";
    private static final String AGENT_NAME = "Ana Atendente";

    private TestHub hub;
    private FakeGraphApi graph;

    @BeforeAll
    void start() throws IOException {
        graph = new FakeGraphApi(TOKEN, VERSION);
        hub = TestHub.start(TestDatabase.create(TestDatabase.Kind.H2),
                BrowserSuite.plugins(name -> name.startsWith("channel-web-") || name.startsWith("channel-whatsapp-")
                        || name.startsWith("leads-")),
                ConfigOverride.config("rateLimits.publicPerIp.capacity", "100000"),
                ConfigOverride.config("channels.inboundPollInterval", "100ms"),
                ConfigOverride.config("delivery.pollInterval", "100ms"));
    }

    @AfterAll
    void stop() {
        if (hub != null) {
            hub.close();
        }
        if (graph != null) {
            graph.close();
        }
    }

    @Test
    void aPersonTakesOverFromTheAgentOnTheWidgetAndOnWhatsApp() throws Exception {
        int site = freePort();
        String tenant = hub.createTenant("desk-" + Long.toString(System.nanoTime() % 1_000_000_000L, 36));
        String admin = hub.createKey(tenant, "admin").get("key").asText();
        TestHub.check(hub.post(admin, "/v1/agents", Map.of("slug", "support", "name", "Support", "handoff",
                Map.of("enabled", true))), 201);
        TestHub.check(hub.post(admin, "/v1/plugins/leads/enable", null), 200);
        String widget = TestHub.check(hub.post(admin, "/v1/channel-instances", Map.of("plugin_id", "channel-web",
                "name", "Acme site", "settings", Map.of("allowed_origins", List.of("http://localhost:" + site),
                        "title", "Acme"))), 201).json().get("id").asText();
        String phone = Long.toString(106540352100000L + System.nanoTime() % 1_000_000);
        TestHub.check(hub.post(admin, "/v1/channel-instances", Map.of("plugin_id", "channel-whatsapp", "name",
                "Acme WhatsApp", "settings", Map.of("phone_number_id", phone, "waba_id", "102290129340398",
                        "access_token", TOKEN, "app_secret", APP_SECRET, "verify_token", "verify",
                        "graph_base_url", graph.baseUrl(), "graph_api_version", VERSION))), 201);
        // The tenant's support person: a console user of the tenant (an editor would need a grant on the channels).
        TestHub.check(hub.post(TestHub.ROOT_KEY, "/admin/tenants/" + tenant + "/console-users", Map.of("email",
                AGENT_EMAIL, "display_name", AGENT_NAME, "role", "admin", "password", AGENT_PASSWORD)), 201);

        String customer = "5541" + (900000000L + System.nanoTime() % 99_999_999L);
        long now = System.currentTimeMillis() / 1000;
        String ask = FakeGraphApi.textMessageWebhook(phone, customer, "Carla", "wamid.ask" + now,
                "Quero falar com um atendente", now);
        String thanks = FakeGraphApi.textMessageWebhook(phone, customer, "Carla", "wamid.thanks" + now,
                "obrigada!", now + 1);
        Map<String, String> env = new HashMap<>(Map.of("HUB_URL", hub.url(""), "SITE_PORT", Integer.toString(site),
                "WIDGET_ID", widget, "AGENT_EMAIL", AGENT_EMAIL, "AGENT_PASSWORD", AGENT_PASSWORD, "AGENT_NAME",
                AGENT_NAME, "WA_FROM", customer, "WA_ASK_BODY", ask, "WA_THANKS_BODY", thanks));
        // An open invoice of the tenant with its payment data, as billing writes it (billing has its own tests).
        String invoiceUrl = "https://sandbox.asaas.example/i/inv-" + System.nanoTime();
        hub.app().jdbi().useHandle(h -> h.createUpdate("INSERT INTO invoices (id, tenant_id, subscription_id, "
                        + "period_start, period_end, status, currency, subtotal_minor, credit_minor, total_minor, due_date, "
                        + "payment_method, payment_data, issued_at, updated_at) VALUES (:id, :t, 'sub_console', :now, :now, "
                        + "'open', 'BRL', 19990, 0, 19990, :due, 'pix', :data, :now, :now)")
                .bind("id", "inv_console" + System.nanoTime()).bind("t", tenant).bind("now", java.time.Instant.now())
                .bind("due", java.time.LocalDate.now().plusDays(3))
                .bind("data", "{\"invoice_url\":\"" + invoiceUrl + "\",\"pix_copy_paste\":\"00020126580014br.gov.bcb"
                        + ".pix0136example\"}").execute());
        env.put("INVOICE_URL", invoiceUrl);
        // More leads than the board's first page, changed before anything the browser does: as the leads plugin
        // leaves them after months of conversations (a month of 230 contacts, one a second apart).
        java.time.Instant leadsFrom = java.time.Instant.now().minus(Duration.ofDays(30));
        hub.app().jdbi().useHandle(h -> {
            var batch = h.prepareBatch("INSERT INTO leads (id, tenant_id, conversation_id, source_plugin, score, stage, "
                    + "created_at, updated_at) VALUES (:id, :t, :c, 'leads', 35, 'new', :at, :at)");
            for (int i = 0; i < 230; i++) {
                batch.bind("id", String.format("lead_older_%05d", i)).bind("t", tenant)
                        .bind("c", String.format("conv_older_%05d", i)).bind("at", leadsFrom.plusSeconds(i)).add();
            }
            batch.execute();
        });
        env.put("OLDER_LEADS", "230");
        env.put("OLDEST_LEAD", "lead_older_00000");
        // A webhook delivery the hub gave up on, as the outbox leaves it after its last attempt.
        TestHub.check(hub.post(admin, "/v1/webhooks", Map.of("url", "https://crm.acme.example.invalid/events", "events",
                List.of("conversation.created"))), 201);
        TestHub.check(hub.post(admin, "/v1/conversations", Map.of()), 201);
        hub.app().jdbi().useHandle(h -> h.createUpdate("UPDATE outbox SET status = 'dead', attempts = 8, last_error = "
                + "'unknown host' WHERE tenant_id = :t AND kind = 'webhook'").bind("t", tenant).execute());
        // Another delivery to it, between attempts: it failed twice and waits an hour, as the backoff leaves it.
        TestHub.check(hub.post(admin, "/v1/conversations", Map.of()), 201);
        await().atMost(Duration.ofSeconds(10)).until(() -> hub.count("SELECT COUNT(*) FROM outbox WHERE tenant_id = ? "
                + "AND kind = 'webhook' AND status = 'pending' AND attempts >= 1", tenant) == 1);
        hub.app().jdbi().useHandle(h -> h.createUpdate("UPDATE outbox SET attempts = 2, next_attempt_at = :later "
                        + "WHERE tenant_id = :t AND kind = 'webhook' AND status = 'pending'").bind("t", tenant)
                .bind("later", java.time.Instant.now().plusSeconds(3600)).execute());
        env.put("JOB_ID", hub.app().jdbi().withHandle(h -> h.createQuery("SELECT delivery_id FROM outbox WHERE "
                + "tenant_id = :t AND kind = 'webhook' AND status = 'pending'").bind("t", tenant).mapTo(String.class)
                .one()));
        TestHub.check(hub.post(TestHub.ROOT_KEY, "/admin/tenants/" + tenant + "/console-users", Map.of("email",
                "bruno@acme.example", "role", "viewer", "password", "bruno passphrase 2026")), 201);
        env.put("VIEWER_EMAIL", "bruno@acme.example");
        env.put("VIEWER_PASSWORD", "bruno passphrase 2026");
        // A customer whose message Meta delivers 26 hours late (its webhook retries run for days): the 24-hour window
        // is closed, and only an approved template reaches them. The WABA's templates, as Meta lists them.
        graph.templates(List.of("{\"name\":\"order_update\",\"language\":\"pt_BR\",\"category\":\"UTILITY\","
                + "\"status\":\"APPROVED\",\"id\":\"1\",\"components\":[{\"type\":\"HEADER\",\"format\":\"TEXT\","
                + "\"text\":\"Pedido {{1}}\"},{\"type\":\"BODY\",\"text\":\"Olá {{1}}, seu pedido {{2}} foi enviado.\"}]}",
                "{\"name\":\"draft_offer\",\"language\":\"pt_BR\",\"category\":\"MARKETING\",\"status\":\"PENDING\","
                + "\"id\":\"2\",\"components\":[{\"type\":\"BODY\",\"text\":\"Oferta {{1}}\"}]}"));
        String late = "5541" + (800000000L + System.nanoTime() % 99_999_999L);
        String lateAsk = FakeGraphApi.textMessageWebhook(phone, late, "Davi", "wamid.late" + now,
                "Quero falar com um atendente", now - 26 * 3600);
        env.put("WA_LATE_FROM", late);
        env.put("WA_LATE_BODY", lateAsk);
        env.put("WA_LATE_SIGNATURE", FakeGraphApi.sign(lateAsk.getBytes(StandardCharsets.UTF_8), APP_SECRET));
        env.put("WA_ASK_SIGNATURE", FakeGraphApi.sign(ask.getBytes(StandardCharsets.UTF_8), APP_SECRET));
        env.put("WA_THANKS_SIGNATURE", FakeGraphApi.sign(thanks.getBytes(StandardCharsets.UTF_8), APP_SECRET));
        BrowserSuite.run("tenant-console.e2e.mjs", env);

        // What Carla received on WhatsApp, in order: the request's answer, Ana's reply under her name, and, after
        // the hand-back, the agent's answer; nothing from the agent while Ana held the conversation.
        await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> assertThat(textsTo(customer)).hasSize(3));
        List<String> texts = textsTo(customer);
        assertThat(texts.get(0)).contains("vou chamar um atendente");
        assertThat(texts.get(1)).isEqualTo("*" + AGENT_NAME + ":* Oi, aqui é a Ana. Vou verificar seu pedido.");
        assertThat(texts.get(2)).startsWith("[demo]").contains("obrigada!");
        // What Davi received: the template, with the parameters Ana typed; no free text outside the window.
        await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> assertThat(graph.sends().stream()
                .filter(r -> late.equals(r.json().path("to").asText()))).isNotEmpty());
        var toLate = graph.sends().stream().filter(r -> late.equals(r.json().path("to").asText())).toList();
        assertThat(toLate).allMatch(r -> "template".equals(r.json().path("type").asText()));
        JsonNode template = toLate.get(toLate.size() - 1).json().path("template");
        assertThat(template.path("name").asText()).isEqualTo("order_update");
        assertThat(template.path("language").path("code").asText()).isEqualTo("pt_BR");
        assertThat(template.path("components").toString()).contains("\"text\":\"4711\"").contains("\"Davi\"");
        assertThat(graph.problems()).isEmpty();
        for (String shot : List.of("console-templates.png", "console-inbox.png", "console-inbox-conversation.png",
                "widget-handoff.png", "console-leads.png", "console-webhooks.png", "console-privacy.png", "console-billing.png",
                "console-jobs.png")) {
            assertThat(BrowserSuite.SHOTS.resolve(shot)).isNotEmptyFile();
        }
        assertThat(hub.count("SELECT COUNT(*) FROM audit_log WHERE tenant_id = ? AND action = "
                + "'conversation.handoff_reply'", tenant)).as("Ana's two texts and her template").isEqualTo(3);
        // Davi's late message waited for a person because the agent could not answer it.
        assertThat(hub.count("SELECT COUNT(*) FROM audit_log WHERE tenant_id = ? AND action = "
                + "'conversation.handoff_request' AND summary LIKE '%outside_service_window%'", tenant)).isEqualTo(1);
    }

    private List<String> textsTo(String waId) {
        return graph.sends().stream().filter(r -> waId.equals(r.json().path("to").asText())
                && "text".equals(r.json().path("type").asText()))
                .map(r -> r.json().path("text").path("body").asText()).toList();
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }
}
