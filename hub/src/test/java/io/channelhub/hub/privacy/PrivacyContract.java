package io.channelhub.hub.privacy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.channelhub.hub.support.HubIntegrationTest;
import io.channelhub.hub.support.TestHub;
import io.channelhub.hub.support.TestPlugins;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DatabaseMetaData;
import java.sql.ResultSet;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Data-subject rights, retention and redaction with the bundled privacy plugin, and a channel plugin (test-crm)
 * that keeps a document about each contact in its store: an export holds rows of the core and of the plugin's
 * store; after an erasure a search of every tenant table finds nothing of the subject, while the consent ledger and
 * the usage ledger stay, pseudonymised; a retention run deletes exactly what is past its window; stored messages and
 * prompts are redacted as the tenant chose.
 */
abstract class PrivacyContract extends HubIntegrationTest {

    static final ObjectMapper JSON = new ObjectMapper();
    String tenantId;
    String admin;
    String crm;

    @Override
    protected void morePlugins(Path dir) {
        io.channelhub.hub.support.TestPlugins.copyBundled(dir, "compliance-privacy");
        String connector = "package test.crm;\n"
                + "import io.channelhub.plugin.*;\nimport io.channelhub.plugin.channel.*;\nimport java.util.*;\n"
                + "@org.pf4j.Extension\npublic class Crm implements ChannelConnector {\n"
                + "  public ChannelDescriptor descriptor() {\n"
                + "    return new ChannelDescriptor(\"crm\", \"CRM\", Set.of(), SettingsSchema.of(\n"
                + "      SettingDefinition.builder(\"name\", SettingType.STRING).build()), null, 100.0);\n"
                + "  }\n"
                + "  public InboundResult handleInbound(InboundRequest r, InboundScope s) {\n"
                + "    PluginContext ctx = s.instance().orElseThrow();\n"
                + "    String from = r.queryParam(\"from\").orElseThrow();\n"
                + "    String id = r.queryParam(\"id\").orElseThrow();\n"
                + "    ctx.store().put(\"profiles\", from, \"{\\\"vip\\\":true,\\\"phone\\\":\\\"\" + from + \"\\\"}\","
                + " Map.of(\"tier\", \"gold\"), from);\n"
                + "    return InboundResult.accepted(HttpAnswer.status(200), List.of(\n"
                + "      new InboundResult.BoundEvent(ctx, new MessageReceived(id, from, \"Ana\", MessageReceived.Kind.TEXT,"
                + " r.bodyAsString(), Map.of(), java.time.Instant.now())),\n"
                + "      new InboundResult.BoundEvent(ctx, new ContactUpdate(id + \":c\", from, \"marketing\","
                + " Contacts.ConsentStatus.GRANTED, null, \"crm:form\", \"{\\\"form\\\":1}\", java.time.Instant.now()))));\n"
                + "  }\n"
                + "  public SendResult send(OutboundMessage m, PluginContext c) { return new SendResult.Delivered(\"crm-\" + m.messageId()); }\n"
                + "}\n";
        TestPlugins.build(dir, new TestPlugins.Spec("test-crm").pluginClass("test.crm.CrmPlugin")
                .source("test.crm.CrmPlugin", TestPlugins.plainPlugin("test.crm", "CrmPlugin"))
                .source("test.crm.Crm", connector));
    }

    @BeforeAll
    void tenant() {
        tenantId = hub.createTenant(slug("lgpd"));
        admin = hub.createKey(tenantId, "admin").get("key").asText();
        TestHub.check(hub.post(admin, "/v1/agents", Map.of("slug", "atendente", "name", "A")), 201);
        crm = TestHub.check(hub.post(admin, "/v1/channel-instances", Map.of("plugin_id", "test-crm", "name", "crm",
                "settings", Map.of())), 201).json().get("id").asText();
    }

    /** A message from {@code from} through the CRM channel, answered by the agent. */
    void inbound(String from, String id, String text) {
        TestHub.check(hub.call("POST", "/hooks/instances/" + crm + "?from=" + java.net.URLEncoder.encode(from,
                StandardCharsets.UTF_8) + "&id=" + id, Map.of("Content-Type", "text/plain"), text), 200);
        await().atMost(Duration.ofSeconds(20)).until(() -> count("SELECT COUNT(*) FROM messages m JOIN conversations c "
                + "ON c.tenant_id = m.tenant_id AND c.id = m.conversation_id WHERE c.tenant_id = ? AND c.end_user_id = ? "
                + "AND m.role = 'assistant'", tenantId, from) >= count("SELECT COUNT(*) FROM inbound_events WHERE "
                + "tenant_id = ? AND contact_external_id = ? AND event_type = 'message'", tenantId, from) && count(
                "SELECT COUNT(*) FROM "
                + "inbound_events WHERE tenant_id = ? AND status = 'pending'", tenantId) == 0);
    }

    long count(String sql, Object... args) {
        return hub.count(sql, args);
    }

    /** Every text cell of every table that has a tenant_id, for this tenant, containing {@code needle}. */
    List<String> search(String needle) throws Exception {
        List<String> hits = new ArrayList<>();
        try (Connection c = hub.database().connect()) {
            DatabaseMetaData md = c.getMetaData();
            Map<String, List<String>> columns = new LinkedHashMap<>();
            try (ResultSet rs = md.getColumns(c.getCatalog(), c.getSchema(), "%", "%")) {
                while (rs.next()) {
                    columns.computeIfAbsent(rs.getString("TABLE_NAME"), k -> new ArrayList<>())
                            .add(rs.getString("COLUMN_NAME"));
                }
            }
            for (var t : columns.entrySet()) {
                if (t.getValue().stream().noneMatch(x -> x.equalsIgnoreCase("tenant_id"))) {
                    continue;
                }
                try (var st = c.prepareStatement("SELECT * FROM " + t.getKey() + " WHERE tenant_id = ?")) {
                    st.setString(1, tenantId);
                    try (ResultSet rs = st.executeQuery()) {
                        while (rs.next()) {
                            for (int i = 1; i <= rs.getMetaData().getColumnCount(); i++) {
                                Object v = rs.getObject(i);
                                String s = v instanceof byte[] b ? new String(b, StandardCharsets.ISO_8859_1)
                                        : v instanceof java.sql.Clob ? rs.getString(i) : String.valueOf(v);
                                if (s != null && s.contains(needle)) {
                                    hits.add(t.getKey() + "." + rs.getMetaData().getColumnName(i));
                                }
                            }
                        }
                    }
                }
            }
        }
        return hits;
    }

    byte[] download(String path) throws Exception {
        HttpResponse<byte[]> r = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(hub.url(path)))
                .header("Authorization", "Bearer " + admin).build(), HttpResponse.BodyHandlers.ofByteArray());
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.headers().firstValue("Content-Type").orElse("")).startsWith("application/zip");
        return r.body();
    }

    static Map<String, String> unzip(byte[] zip) {
        return TestHub.unzip(zip);
    }

    @Test
    void anExportHoldsTheCoresRowsAndThePluginsStoreAsJsonAndCsv() throws Exception {
        String who = "+55 11 97777-" + (1000 + System.nanoTime() % 9000);
        inbound(who, "crm-exp-1", "Quero saber do meu pedido 4711");
        JsonNode req = TestHub.check(hub.post(admin, "/v1/privacy/requests", Map.of("type", "export", "subject", who)),
                201).json();
        assertThat(req.get("status").asText()).isEqualTo("completed");
        assertThat(req.get("jurisdiction").asText()).isEqualTo("BR-LGPD");
        Instant created = Instant.parse(req.get("created_at").asText());
        assertThat(Duration.between(created, Instant.parse(req.get("deadline_at").asText())).toDays()).isEqualTo(15);
        Map<String, String> files = unzip(download("/v1/privacy/requests/" + req.get("id").asText() + "/archive"));
        assertThat(files).containsKeys("subject.json", "messages.csv", "plugin_documents.csv", "consent.csv",
                "contacts.csv");
        JsonNode doc = JSON.readTree(files.get("subject.json"));
        assertThat(doc.get("data").get("messages").toString()).contains("Quero saber do meu pedido 4711");
        assertThat(doc.get("data").get("plugin_documents").toString()).contains("vip").contains("test-crm");
        assertThat(doc.get("data").get("consent").toString()).contains("GRANTED").contains("crm:form");
        assertThat(files.get("messages.csv")).contains("Quero saber do meu pedido 4711");
        assertThat(hub.get(admin, "/v1/audit?limit=50").body()).contains("privacy.export");
        // Another tenant's admin cannot read it.
        String other = hub.createKey(hub.createTenant(slug("other")), "admin").get("key").asText();
        assertThat(hub.get(other, "/v1/privacy/requests/" + req.get("id").asText()).status()).isEqualTo(404);
    }

    @Test
    void afterAnErasureNothingOfTheSubjectIsFoundAndWhatMustStayIsPseudonymised() throws Exception {
        String who = "+55 21 98888-" + (1000 + System.nanoTime() % 9000);
        String secret = "minha senha do banco é " + System.nanoTime();
        inbound(who, "crm-era-1", secret);
        long usage = count("SELECT COUNT(*) FROM usage_events WHERE tenant_id = ? AND usage_type <> 'api.requests'",
                tenantId);
        assertThat(search(who)).isNotEmpty();
        JsonNode req = TestHub.check(hub.post(admin, "/v1/privacy/requests", Map.of("type", "erasure", "subject",
                who)), 201).json();
        assertThat(req.get("status").asText()).isEqualTo("completed");
        assertThat(req.get("subject").asText()).startsWith("erased:");
        assertThat(req.get("report").get("deleted").get("messages").asInt()).isGreaterThanOrEqualTo(2);
        assertThat(req.get("report").get("legal_basis").toString()).contains("LGPD");
        assertThat(search(who)).as("cells still holding the subject").isEmpty();
        assertThat(search(secret)).as("cells still holding their message").isEmpty();
        // The consent ledger and the usage ledger (billing) stay, without the subject.
        assertThat(count("SELECT COUNT(*) FROM consent_records WHERE tenant_id = ? AND contact_external_id = ?",
                tenantId, req.get("subject").asText())).isEqualTo(1);
        assertThat(count("SELECT COUNT(*) FROM usage_events WHERE tenant_id = ? AND usage_type <> 'api.requests'",
                tenantId)).isEqualTo(usage);
    }

    @Test
    void aRetentionRunDeletesExactlyWhatIsPastItsWindow() {
        String t = hub.createTenant(slug("ret"));
        String key = hub.createKey(t, "admin").get("key").asText();
        TestHub.check(hub.send(key, "PUT", "/v1/privacy/settings", Map.of("retention_days", Map.of("messages", 30,
                "usage_detail", 400, "conversations", 30))), 200);
        Instant now = Instant.now();
        hub.app().jdbi().useHandle(h -> {
            h.createUpdate("INSERT INTO conversations (id, tenant_id, agent_id, status, created_at, updated_at) VALUES "
                    + "('cnv_ret', :t, 'agt_x', 'open', :at, :at)").bind("t", t).bind("at", now).execute();
            int i = 0;
            for (Duration age : List.of(Duration.ofDays(45), Duration.ofDays(31), Duration.ofDays(29),
                    Duration.ofDays(1))) {
                h.createUpdate("INSERT INTO messages (id, tenant_id, conversation_id, role, content, status, created_at) "
                                + "VALUES (:id, :t, 'cnv_ret', 'user', 'hello', 'received', :at)")
                        .bind("id", "msg_ret" + i++).bind("t", t).bind("at", now.minus(age)).execute();
            }
            h.createUpdate("INSERT INTO usage_events (tenant_id, usage_type, quantity, unit, idempotency_key, "
                    + "occurred_at) VALUES (:t, 'messages.in', 1, 'message', 'old', :at)").bind("t", t)
                    .bind("at", now.minus(Duration.ofDays(401))).execute();
            // An old conversation with nothing left in it, and the lead a plugin found in it: both go.
            h.createUpdate("INSERT INTO conversations (id, tenant_id, agent_id, status, created_at, updated_at) VALUES "
                    + "('cnv_old', :t, 'agt_x', 'open', :at, :at)").bind("t", t)
                    .bind("at", now.minus(Duration.ofDays(45))).execute();
            h.createUpdate("INSERT INTO leads (id, tenant_id, conversation_id, source_plugin, score, stage, email, "
                    + "created_at, updated_at) VALUES ('lead_old', :t, 'cnv_old', 'leads', 80, 'qualified', "
                    + "'old@lead.example', :at, :at)").bind("t", t).bind("at", now.minus(Duration.ofDays(45)))
                    .execute();
        });
        JsonNode dry = TestHub.check(hub.post(key, "/v1/privacy/retention/run", Map.of("dry_run", true)), 200).json();
        assertThat(dry.get("categories").get("messages").get("would_delete").asLong()).isEqualTo(2);
        assertThat(dry.get("categories").get("usage_detail").get("would_delete").asLong()).isEqualTo(1);
        assertThat(count("SELECT COUNT(*) FROM messages WHERE tenant_id = ?", t)).isEqualTo(4);
        JsonNode run = TestHub.check(hub.post(key, "/v1/privacy/retention/run", Map.of("dry_run", false)), 200).json();
        assertThat(run.get("categories").get("messages").get("deleted").asLong()).isEqualTo(2);
        List<String> left = hub.app().jdbi().withHandle(h -> h.createQuery("SELECT id FROM messages WHERE tenant_id = "
                + ":t ORDER BY id").bind("t", t).mapTo(String.class).list());
        assertThat(left).containsExactly("msg_ret2", "msg_ret3");
        assertThat(count("SELECT COUNT(*) FROM usage_events WHERE tenant_id = ? AND idempotency_key = 'old'", t))
                .isZero();
        assertThat(count("SELECT COUNT(*) FROM conversations WHERE tenant_id = ? AND id = 'cnv_old'", t)).isZero();
        assertThat(count("SELECT COUNT(*) FROM leads WHERE tenant_id = ?", t)).isZero();
    }

    /**
     * What the channels kept of old messages goes with the messages' retention: webhook events with the message in
     * their payload, the parts handed to a channel, finished outbox rows and their attempts, and an event a live
     * request was answering that nobody finished. An event or a send still to be worked on (here one a processor
     * holds, and a later part held behind an earlier one) stays, and so does a payment event (a billing record); so does all of it within the window.
     * Idempotency-Key records go once their answer can no longer be replayed.
     */
    @Test
    void aRetentionRunDeletesWhatTheChannelsKeptOfOldMessages() {
        String t = hub.createTenant(slug("ret-ch"));
        String key = hub.createKey(t, "admin").get("key").asText();
        TestHub.check(hub.send(key, "PUT", "/v1/privacy/settings", Map.of("retention_days", Map.of("messages", 30))),
                200);
        Instant old = Instant.now().minus(Duration.ofDays(45));
        Instant recent = Instant.now().minus(Duration.ofDays(2));
        hub.app().jdbi().useHandle(h -> {
            String event = "INSERT INTO inbound_events (id, tenant_id, channel_instance_id, plugin_id, external_id, "
                    + "event_type, contact_external_id, payload, status, received_at, locked_until) VALUES (:id, :t, "
                    + "'chi_x', 'channel-whatsapp', :id, :type, '5511999990000', '{\"text\":\"meu CPF\"}', :s, :at, "
                    + ":lock)";
            // A processor holds the leased one (a replica working through a backlog): the hub's own leaves it alone.
            Instant lease = Instant.now().plus(Duration.ofHours(1));
            for (Object[] e : List.of(new Object[] {"evt_old", "message", "processed", old},
                    new Object[] {"evt_old_status", "status", "processed", old},
                    new Object[] {"evt_old_failed", "message", "failed", old},
                    new Object[] {"evt_old_turn", "message", "turn", old},
                    new Object[] {"evt_old_leased", "message", "pending", old},
                    new Object[] {"evt_old_payment", "payment", "processed", old},
                    new Object[] {"evt_new", "message", "processed", recent})) {
                h.createUpdate(event).bind("id", (String) e[0]).bind("t", t).bind("type", (String) e[1])
                        .bind("s", (String) e[2]).bind("at", (Instant) e[3])
                        .bindByType("lock", e[0].equals("evt_old_leased") ? lease : null, Instant.class).execute();
            }
            String part = "INSERT INTO channel_deliveries (id, tenant_id, channel_instance_id, message_id, part, "
                    + "contact_external_id, kind, status, created_at, updated_at) VALUES (:id, :t, 'chi_x', :id, 0, "
                    + "'5511999990000', 'TEXT', 'delivered', :at, :at)";
            h.createUpdate(part).bind("id", "dlv_old").bind("t", t).bind("at", old).execute();
            h.createUpdate(part).bind("id", "dlv_new").bind("t", t).bind("at", recent).execute();
            String outbox = "INSERT INTO outbox (tenant_id, kind, target_id, event_id, event_type, payload, status, "
                    + "attempts, next_attempt_at, created_at) VALUES (:t, 'channel', 'chi_x', :e, 'message.text', "
                    + "'{\"text\":\"meu CPF\"}', :s, 1, :at, :at)";
            for (Object[] o : List.of(new Object[] {"obx_delivered", "delivered", old},
                    new Object[] {"obx_dead", "dead", old}, new Object[] {"obx_held", "held", old},
                    new Object[] {"obx_new", "delivered", recent})) {
                h.createUpdate(outbox).bind("t", t).bind("e", (String) o[0]).bind("s", (String) o[1])
                        .bind("at", (Instant) o[2]).execute();
            }
            h.createUpdate("INSERT INTO delivery_attempts (tenant_id, outbox_id, attempt, status_code, duration_ms, "
                    + "created_at) SELECT tenant_id, id, 1, 200, 5, created_at FROM outbox WHERE tenant_id = :t")
                    .bind("t", t).execute();
            String idem = "INSERT INTO idempotency_records (tenant_id, principal_id, idem_key, request_hash, "
                    + "created_at) VALUES (:t, 'key_x', :k, 'h', :at)";
            h.createUpdate(idem).bind("t", t).bind("k", "used-days-ago").bind("at", recent).execute();
            h.createUpdate(idem).bind("t", t).bind("k", "used-now").bind("at", Instant.now()).execute();
        });

        JsonNode dry = TestHub.check(hub.post(key, "/v1/privacy/retention/run", Map.of("dry_run", true)), 200).json();
        JsonNode would = dry.get("categories").get("messages").get("channel_records");
        assertThat(would.get("inbound_events").asLong()).isEqualTo(4);
        assertThat(would.get("channel_deliveries").asLong()).isEqualTo(1);
        assertThat(would.get("outbox").asLong()).isEqualTo(2);
        assertThat(count("SELECT COUNT(*) FROM inbound_events WHERE tenant_id = ?", t)).isEqualTo(7);

        JsonNode run = TestHub.check(hub.post(key, "/v1/privacy/retention/run", Map.of("dry_run", false)), 200).json();
        assertThat(run.get("categories").get("messages").get("channel_records")).isEqualTo(would);
        List<String> events = hub.app().jdbi().withHandle(h -> h.createQuery("SELECT id FROM inbound_events WHERE "
                + "tenant_id = :t ORDER BY id").bind("t", t).mapTo(String.class).list());
        assertThat(events).containsExactly("evt_new", "evt_old_leased", "evt_old_payment");
        List<String> parts = hub.app().jdbi().withHandle(h -> h.createQuery("SELECT id FROM channel_deliveries WHERE "
                + "tenant_id = :t").bind("t", t).mapTo(String.class).list());
        assertThat(parts).containsExactly("dlv_new");
        List<String> sends = hub.app().jdbi().withHandle(h -> h.createQuery("SELECT event_id FROM outbox WHERE "
                + "tenant_id = :t ORDER BY event_id").bind("t", t).mapTo(String.class).list());
        assertThat(sends).containsExactly("obx_held", "obx_new");
        assertThat(count("SELECT COUNT(*) FROM delivery_attempts WHERE tenant_id = ?", t)).isEqualTo(2);
        List<String> keys = hub.app().jdbi().withHandle(h -> h.createQuery("SELECT idem_key FROM idempotency_records "
                + "WHERE tenant_id = :t").bind("t", t).mapTo(String.class).list());
        assertThat(keys).containsExactly("used-now");
    }

    @Test
    void storedMessagesAndPromptsAreRedactedAsTheTenantChose() {
        String t = hub.createTenant(slug("red"));
        String key = hub.createKey(t, "admin").get("key").asText();
        TestHub.check(hub.post(key, "/v1/agents", Map.of("slug", "agente", "name", "A")), 201);
        TestHub.check(hub.send(key, "PUT", "/v1/privacy/settings", Map.of("redaction", Map.of("messages", "mask",
                "prompts", "off", "custom_patterns", List.of(Map.of("name", "order", "pattern", "PED-\\d{6}"))))), 200);
        String conv = TestHub.check(hub.post(key, "/v1/conversations", Map.of()), 201).json().get("id").asText();
        JsonNode turn = TestHub.check(hub.post(key, "/v1/conversations/" + conv + "/messages", Map.of("content",
                "CPF 529.982.247-25, não 529.982.247-24; cartão 4111 1111 1111 1111; pedido PED-123456")), 201).json();
        String stored = turn.get("message").get("content").asText();
        assertThat(stored).contains("[cpf]").contains("529.982.247-24").contains("[card]").contains("[order]")
                .doesNotContain("529.982.247-25").doesNotContain("4111 1111");
        assertThat(turn.get("reply").get("content").asText()).doesNotContain("529.982.247-25");

        TestHub.check(hub.send(key, "PUT", "/v1/privacy/settings", Map.of("redaction", Map.of("messages", "off",
                "prompts", "hash"))), 200);
        JsonNode second = TestHub.check(hub.post(key, "/v1/conversations/" + conv + "/messages", Map.of("content",
                "meu e-mail é ana@example.com")), 201).json();
        assertThat(second.get("message").get("content").asText()).contains("ana@example.com");
        // The demo model echoes its prompt: it was given a token, not the address.
        assertThat(second.get("reply").get("content").asText()).contains("[email:").doesNotContain("ana@example.com");

        JsonNode report = hub.get(key, "/v1/privacy/redactions").json().get("data");
        assertThat(report.toString()).contains("\"target\":\"messages\"").contains("\"pii_type\":\"cpf\"")
                .contains("\"target\":\"prompts\"");
        assertThat(hub.send(key, "PUT", "/v1/privacy/settings", Map.of("redaction", Map.of("custom_patterns",
                List.of(Map.of("name", "bad", "pattern", "(unclosed"))))).code()).isEqualTo("invalid_privacy_settings");
        java.util.List<Object> withNull = new java.util.ArrayList<>();
        withNull.add(null);
        assertThat(hub.send(key, "PUT", "/v1/privacy/settings", Map.of("redaction", Map.of("custom_patterns",
                withNull))).code()).as("a null pattern is a 422, not a 500").isEqualTo("invalid_privacy_settings");
    }
}
