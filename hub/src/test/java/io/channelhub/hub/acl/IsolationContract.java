package io.channelhub.hub.acl;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.channelhub.hub.support.HubIntegrationTest;
import io.channelhub.hub.support.Routes;
import io.channelhub.hub.support.Routes.Route;
import io.channelhub.hub.support.TestHub;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Walks every route the hub registered: with each role of a second tenant against the first tenant's resources
 * (nothing of the first tenant may come back, and nothing of it may change), and with each role of the first
 * tenant against the documented permission matrix.
 */
abstract class IsolationContract extends HubIntegrationTest {

    /** Which tenant roles may call each route (super-admin may call all). The matrix of docs/architecture.md. */
    private static final Map<String, Set<String>> MATRIX = new LinkedHashMap<>();
    private static final Set<String> ALL = Set.of("admin", "editor", "viewer");
    private static final Set<String> ADMIN = Set.of("admin");
    private static final Set<String> BUILDERS = Set.of("admin", "editor");
    private static final Set<String> NONE = Set.of();

    static {
        MATRIX.put("GET /openapi.json", ALL);
        MATRIX.put("GET /v1/me", ALL);
        MATRIX.put("GET /v1/tenant", ALL);
        MATRIX.put("PATCH /v1/tenant", ADMIN);
        MATRIX.put("GET /v1/api-keys", ADMIN);
        MATRIX.put("POST /v1/api-keys", ADMIN);
        MATRIX.put("GET /v1/api-keys/{keyId}", ADMIN);
        MATRIX.put("DELETE /v1/api-keys/{keyId}", ADMIN);
        MATRIX.put("POST /v1/api-keys/{keyId}/rotate", ADMIN);
        MATRIX.put("GET /v1/plugins", ALL);
        MATRIX.put("GET /v1/plugins/{pluginId}", ALL);
        MATRIX.put("POST /v1/plugins/{pluginId}/enable", ADMIN);
        MATRIX.put("POST /v1/plugins/{pluginId}/disable", ADMIN);
        MATRIX.put("GET /v1/channel-instances", ALL);
        MATRIX.put("POST /v1/channel-instances", BUILDERS);
        MATRIX.put("GET /v1/channel-instances/{instanceId}", ALL);
        // The fixture instance is owned by the admin key: an editor needs ownership or a grant to change it.
        MATRIX.put("PATCH /v1/channel-instances/{instanceId}", ADMIN);
        MATRIX.put("DELETE /v1/channel-instances/{instanceId}", ADMIN);
        MATRIX.put("POST /v1/channel-instances/{instanceId}/messages", ADMIN);
        MATRIX.put("GET /v1/channel-instances/{instanceId}/templates", ALL);
        MATRIX.put("POST /v1/channel-instances/{instanceId}/templates/sync", ADMIN);
        MATRIX.put("GET /v1/grants", BUILDERS);
        MATRIX.put("POST /v1/grants", ADMIN);
        MATRIX.put("DELETE /v1/grants/{grantId}", ADMIN);
        MATRIX.put("GET /v1/audit", ADMIN);
        MATRIX.put("GET /v1/agents", ALL);
        MATRIX.put("POST /v1/agents", BUILDERS);
        MATRIX.put("GET /v1/agents/{agentId}", ALL);
        MATRIX.put("PATCH /v1/agents/{agentId}", ADMIN);
        MATRIX.put("DELETE /v1/agents/{agentId}", ADMIN);
        MATRIX.put("GET /v1/prompts", ALL);
        MATRIX.put("POST /v1/prompts", BUILDERS);
        MATRIX.put("GET /v1/prompts/{promptId}", ALL);
        MATRIX.put("PATCH /v1/prompts/{promptId}", ADMIN);
        MATRIX.put("DELETE /v1/prompts/{promptId}", ADMIN);
        MATRIX.put("GET /v1/prompts/{promptId}/versions", ALL);
        MATRIX.put("POST /v1/prompts/{promptId}/versions", ADMIN);
        MATRIX.put("GET /v1/prompts/{promptId}/versions/{version}", ALL);
        MATRIX.put("GET /v1/conversations", ALL);
        MATRIX.put("POST /v1/conversations", BUILDERS);
        MATRIX.put("GET /v1/conversations/{conversationId}", ALL);
        MATRIX.put("GET /v1/conversations/{conversationId}/messages", ALL);
        // The fixture conversation is the admin's: posting into it needs ownership, the admin role or a grant.
        MATRIX.put("POST /v1/conversations/{conversationId}/messages", ADMIN);
        // Taking and answering a conversation changes it: the same rule (or update on its channel instance).
        MATRIX.put("POST /v1/conversations/{conversationId}/handoff", ADMIN);
        MATRIX.put("POST /v1/conversations/{conversationId}/handoff/take", ADMIN);
        MATRIX.put("POST /v1/conversations/{conversationId}/handoff/release", ADMIN);
        MATRIX.put("POST /v1/conversations/{conversationId}/handoff/messages", ADMIN);
        MATRIX.put("GET /v1/handoffs", ALL);
        MATRIX.put("GET /v1/dead-letters", ADMIN);
        MATRIX.put("POST /v1/dead-letters/{letterId}/retry", ADMIN);
        MATRIX.put("GET /v1/jobs", ADMIN);
        MATRIX.put("GET /v1/jobs/{jobId}", ADMIN);
        MATRIX.put("POST /v1/jobs/{jobId}/retry", ADMIN);
        MATRIX.put("GET /v1/leads", ALL);
        MATRIX.put("GET /v1/leads/settings", ALL);
        MATRIX.put("PUT /v1/leads/settings", ADMIN);
        MATRIX.put("GET /v1/leads/{leadId}", ALL);
        // Leads have no owner until someone takes one: an editor needs a grant to move it.
        MATRIX.put("PATCH /v1/leads/{leadId}", ADMIN);
        MATRIX.put("DELETE /v1/leads/{leadId}", ADMIN);
        MATRIX.put("GET /v1/webhooks", ALL);
        MATRIX.put("POST /v1/webhooks", BUILDERS);
        MATRIX.put("GET /v1/webhooks/{webhookId}", ALL);
        MATRIX.put("PATCH /v1/webhooks/{webhookId}", ADMIN);
        MATRIX.put("DELETE /v1/webhooks/{webhookId}", ADMIN);
        MATRIX.put("POST /v1/webhooks/{webhookId}/rotate-secret", ADMIN);
        MATRIX.put("GET /v1/webhooks/{webhookId}/deliveries", ALL);
        MATRIX.put("POST /v1/webhooks/{webhookId}/deliveries/{deliveryId}/replay", ADMIN);
        MATRIX.put("GET /v1/quotas", ADMIN);
        MATRIX.put("GET /v1/usage", ADMIN);
        MATRIX.put("GET /v1/usage/export.csv", ADMIN);
        MATRIX.put("GET /v1/models", ALL);
        MATRIX.put("GET /v1/models/{model}", ALL);
        // A completion is an agent turn that spends the tenant's money: who may start a conversation may call it.
        MATRIX.put("POST /v1/chat/completions", BUILDERS);
        MATRIX.put("GET /v1/privacy/settings", ADMIN);
        MATRIX.put("PUT /v1/privacy/settings", ADMIN);
        MATRIX.put("GET /v1/privacy/requests", ADMIN);
        MATRIX.put("POST /v1/privacy/requests", ADMIN);
        MATRIX.put("GET /v1/privacy/requests/{requestId}", ADMIN);
        MATRIX.put("GET /v1/privacy/requests/{requestId}/archive", ADMIN);
        MATRIX.put("POST /v1/privacy/retention/run", ADMIN);
        MATRIX.put("GET /v1/privacy/redactions", ADMIN);
        MATRIX.put("GET /v1/billing/subscription", ADMIN);
        MATRIX.put("GET /v1/billing/invoices", ADMIN);
        MATRIX.put("GET /v1/billing/invoices/{invoiceId}", ADMIN);
        MATRIX.put("GET /v1/model-providers", ALL);
        MATRIX.put("GET /v1/model-providers/{providerId}", ALL);
        MATRIX.put("PUT /v1/model-providers/{providerId}", ADMIN);
        MATRIX.put("DELETE /v1/model-providers/{providerId}", ADMIN);
        MATRIX.put("GET /v1/console-users", ADMIN);
        MATRIX.put("POST /v1/console-users", ADMIN);
        MATRIX.put("GET /v1/console-users/{userId}", ADMIN);
        MATRIX.put("PATCH /v1/console-users/{userId}", ADMIN);
        MATRIX.put("DELETE /v1/console-users/{userId}", ADMIN);
        // Knowledge: the fixture's file and store are the admin's; changing them needs ownership or a grant.
        MATRIX.put("GET /v1/files", ALL);
        MATRIX.put("POST /v1/files", BUILDERS);
        MATRIX.put("GET /v1/files/{fileId}", ALL);
        MATRIX.put("GET /v1/files/{fileId}/content", ALL);
        MATRIX.put("DELETE /v1/files/{fileId}", ADMIN);
        MATRIX.put("GET /v1/vector_stores", ALL);
        MATRIX.put("POST /v1/vector_stores", BUILDERS);
        MATRIX.put("GET /v1/vector_stores/{storeId}", ALL);
        MATRIX.put("POST /v1/vector_stores/{storeId}", ADMIN);
        MATRIX.put("PATCH /v1/vector_stores/{storeId}", ADMIN);
        MATRIX.put("DELETE /v1/vector_stores/{storeId}", ADMIN);
        MATRIX.put("POST /v1/vector_stores/{storeId}/search", ALL);
        MATRIX.put("GET /v1/vector_stores/{storeId}/files", ALL);
        MATRIX.put("POST /v1/vector_stores/{storeId}/files", ADMIN);
        MATRIX.put("GET /v1/vector_stores/{storeId}/files/{fileId}", ALL);
        MATRIX.put("POST /v1/vector_stores/{storeId}/files/{fileId}", ADMIN);
        MATRIX.put("DELETE /v1/vector_stores/{storeId}/files/{fileId}", ADMIN);
        MATRIX.put("GET /v1/vector_stores/{storeId}/files/{fileId}/content", ALL);
        MATRIX.put("POST /v1/vector_stores/{storeId}/file_batches", ADMIN);
        MATRIX.put("GET /v1/vector_stores/{storeId}/file_batches/{batchId}", ALL);
        MATRIX.put("POST /v1/vector_stores/{storeId}/file_batches/{batchId}/cancel", ADMIN);
        MATRIX.put("GET /v1/vector_stores/{storeId}/file_batches/{batchId}/files", ALL);
    }

    @Override
    protected void morePlugins(java.nio.file.Path dir) {
        io.channelhub.hub.support.TestPlugins.copyBundled(dir, "knowledge-lucene");
    }

    /** Each fixture has a console user: a cheap hash here (the walk makes hundreds), the real count elsewhere. */
    @Override
    protected io.dropwizard.testing.ConfigOverride[] overrides() {
        return new io.dropwizard.testing.ConfigOverride[] {
                io.dropwizard.testing.ConfigOverride.config("console.passwordIterations", "1000")};
    }

    private final AtomicInteger seq = new AtomicInteger();
    private Fixture a;
    private Map<String, String> bKeys;

    /** The first tenant's resources. */
    record Fixture(String tenantId, String slug, Map<String, JsonNode> keys, JsonNode instance, JsonNode grant,
                   JsonNode agent, JsonNode prompt, String conversation, String webhook, String delivery,
                   String invoice, String privacyRequest, JsonNode consoleUser, JsonNode file, JsonNode store,
                   JsonNode batch, String lead) {
        List<String> secrets() {
            List<String> s = new ArrayList<>(List.of(tenantId, slug, instance.get("id").asText(),
                    instance.get("name").asText(), grant.get("id").asText(), agent.get("id").asText(),
                    agent.get("slug").asText(), prompt.get("id").asText(), prompt.get("slug").asText(),
                    "secret instructions of " + slug, "secret prompt of " + slug, conversation,
                    "private words of " + slug, "org-" + slug, webhook, "hooks-" + slug, invoice, privacyRequest, consoleUser.get("id").asText(),
                    consoleUser.get("email").asText(), file.get("id").asText(), file.get("filename").asText(),
                    "knowledge of " + slug, store.get("id").asText(), store.get("name").asText(),
                    batch.get("id").asText(), lead, "lead-of-" + slug + "@walk.example"));
            keys.values().forEach(k -> {
                s.add(k.get("id").asText());
                s.add(k.get("prefix").asText());
            });
            return s;
        }
    }

    @BeforeAll
    void tenants() {
        a = fixture(slug("alpha"));
        String b = hub.createTenant(slug("bravo"));
        bKeys = new HashMap<>();
        for (String role : ALL) {
            bKeys.put(role, hub.createKey(b, role).get("key").asText());
        }
    }

    private Fixture fixture(String slug) {
        String t = hub.createTenant(slug);
        Map<String, JsonNode> keys = new HashMap<>();
        for (String role : ALL) {
            keys.put(role, hub.createKey(t, role));
        }
        String admin = keys.get("admin").get("key").asText();
        JsonNode instance = TestHub.check(hub.post(admin, "/v1/channel-instances", Map.of("plugin_id",
                "test-channel", "name", "inst-" + slug, "settings", Map.of("phone", "+55" + slug, "token",
                        "tok-" + slug))), 201).json();
        JsonNode grant = TestHub.check(hub.post(admin, "/v1/grants", Map.of("resource_type", "channel_instance",
                "resource_id", instance.get("id").asText(), "api_key_id", keys.get("viewer").get("id").asText(),
                "permission", "read")), 201).json();
        JsonNode agent = TestHub.check(hub.post(admin, "/v1/agents", Map.of("slug", "agent-" + slug,
                "name", "Agent", "instructions", "secret instructions of " + slug)), 201).json();
        JsonNode prompt = TestHub.check(hub.post(admin, "/v1/prompts", Map.of("slug", "prompt-" + slug,
                "name", "Prompt", "content", "secret prompt of " + slug)), 201).json();
        String webhook = TestHub.check(hub.post(admin, "/v1/webhooks", Map.of("url", "https://hooks-" + slug
                + ".invalid/in", "events", List.of("conversation.created"))), 201).json().get("id").asText();
        String conversation = TestHub.check(hub.post(admin, "/v1/conversations", Map.of("agent_id",
                agent.get("id").asText())), 201).json().get("id").asText();
        TestHub.check(hub.post(admin, "/v1/conversations/" + conversation + "/messages",
                Map.of("content", "private words of " + slug)), 201);
        TestHub.check(hub.send(admin, "PUT", "/v1/model-providers/openai",
                Map.of("settings", Map.of("organization", "org-" + slug))), 200);
        String delivery = hub.get(admin, "/v1/webhooks/" + webhook + "/deliveries").json().get("data").get(0)
                .get("id").asText();
        // An invoice of this tenant, written as billing writes it (plans and subscriptions have their own tests).
        String invoice = "inv_walk" + Long.toString(System.nanoTime(), 36);
        hub.app().jdbi().useHandle(h -> h.createUpdate("INSERT INTO invoices (id, tenant_id, subscription_id, "
                        + "period_start, period_end, status, currency, subtotal_minor, credit_minor, total_minor, due_date, "
                        + "issued_at, updated_at) VALUES (:id, :t, 'sub_walk', :now, :now, 'open', 'BRL', 100, 0, 100, "
                        + ":due, :now, :now)")
                .bind("id", invoice).bind("t", t).bind("now", java.time.Instant.now())
                .bind("due", java.time.LocalDate.now()).execute());
        String request = TestHub.check(hub.post(admin, "/v1/privacy/requests", Map.of("type", "export", "subject",
                "subject-of-" + slug)), 201).json().get("id").asText();
        JsonNode user = TestHub.check(hub.post(admin, "/v1/console-users", Map.of("email", "person@" + slug
                + ".example", "role", "viewer", "password", "walk password " + slug)), 201).json();
        JsonNode file = TestHub.check(hub.upload(admin, "/v1/files", "assistants", "kb-" + slug + ".txt",
                ("knowledge of " + slug).getBytes(java.nio.charset.StandardCharsets.UTF_8)), 200).json();
        JsonNode store = TestHub.check(hub.post(admin, "/v1/vector_stores", Map.of("name", "store-" + slug,
                "file_ids", List.of(file.get("id").asText()))), 200).json();
        JsonNode batch = TestHub.check(hub.post(admin, "/v1/vector_stores/" + store.get("id").asText()
                + "/file_batches", Map.of("file_ids", List.of(file.get("id").asText()))), 200).json();
        // The webhook's delivery as a dead letter (its target does not exist): retried by the walk's admin.
        hub.app().jdbi().useHandle(h -> h.createUpdate("UPDATE outbox SET status = 'dead' WHERE tenant_id = :t AND "
                + "delivery_id = :d").bind("t", t).bind("d", delivery).execute());
        // A lead of this tenant, written as the leads plugin's reports write it (LeadsContract has the plugin).
        String lead = "lead_walk" + Long.toString(System.nanoTime(), 36);
        hub.app().jdbi().useHandle(h -> h.createUpdate("INSERT INTO leads (id, tenant_id, conversation_id, "
                        + "source_plugin, score, stage, email, created_at, updated_at) VALUES (:id, :t, :c, 'leads', 70, "
                        + "'qualified', :email, :now, :now)")
                .bind("id", lead).bind("t", t).bind("c", conversation).bind("email", "lead-of-" + slug + "@walk.example")
                .bind("now", java.time.Instant.now()).execute());
        return new Fixture(t, slug, keys, instance, grant, agent, prompt, conversation, webhook, delivery, invoice,
                request, user, file, store, batch, lead);
    }

    private String path(Route r, Fixture f) {
        return r.template()
                .replace("{tenantId}", f.tenantId())
                .replace("{keyId}", f.keys().get("viewer").get("id").asText())
                .replace("{instanceId}", f.instance().get("id").asText())
                .replace("{grantId}", f.grant().get("id").asText())
                .replace("{agentId}", f.agent().get("id").asText())
                .replace("{promptId}", f.prompt().get("id").asText())
                .replace("{version}", "1")
                .replace("{conversationId}", f.conversation())
                .replace("{leadId}", f.lead())
                .replace("{letterId}", f.delivery())
                .replace("{jobId}", f.delivery())
                .replace("{providerId}", "openai")
                .replace("{webhookId}", f.webhook())
                .replace("{deliveryId}", f.delivery())
                .replace("{quotaId}", "quo_none")
                .replace("{invoiceId}", f.invoice())
                .replace("{requestId}", f.privacyRequest())
                .replace("{code}", "no-such-plan")
                .replace("{userId}", f.consoleUser().get("id").asText())
                .replace("{model}", f.agent().get("slug").asText())
                .replace("{pluginId}", "test-channel")
                .replace("{fileId}", f.file().get("id").asText())
                .replace("{storeId}", f.store().get("id").asText())
                .replace("{batchId}", f.batch().get("id").asText());
    }

    private Object body(Route r, Fixture f) {
        String t = r.template();
        int n = seq.incrementAndGet();
        if (!r.method().equals("POST") && !r.method().equals("PATCH") && !r.method().equals("PUT")) {
            return null;
        }
        if (t.endsWith("/search")) {
            return Map.of("query", "knowledge");
        }
        if (t.endsWith("/vector_stores/{storeId}/files")) {
            return Map.of("file_id", f.file().get("id").asText());
        }
        if (t.endsWith("/vector_stores/{storeId}/file_batches")) {
            return Map.of("file_ids", List.of(f.file().get("id").asText()));
        }
        if (t.endsWith("/files/{fileId}")) {
            return Map.of("attributes", Map.of("walk", n));
        }
        if (t.endsWith("/rotate")) {
            return Map.of("grace_seconds", 60);
        }
        if (t.endsWith("/enable") || t.endsWith("/disable") || t.endsWith("/suspend") || t.endsWith("/activate")) {
            return null;
        }
        if (t.endsWith("/api-keys")) {
            return Map.of("name", "walk", "role", t.startsWith("/admin/api-keys") ? "super_admin" : "viewer");
        }
        if (t.equals("/admin/tenants")) {
            return Map.of("slug", slug("walk" + n), "name", "walk");
        }
        if (t.endsWith("/channel-instances")) {
            return Map.of("plugin_id", "test-channel", "name", "walk",
                    "settings", Map.of("phone", "+1" + System.nanoTime() + n, "token", "t"));
        }
        if (t.endsWith("/webhooks")) {
            return Map.of("url", "https://walk-" + n + ".invalid/h");
        }
        if (t.endsWith("/rotate-secret")) {
            return Map.of("grace_seconds", 0);
        }
        if (t.endsWith("/replay") || t.endsWith("/templates/sync")) {
            return null;
        }
        if (t.endsWith("/privacy/requests")) {
            return Map.of("type", "export", "subject", "walk-" + n);
        }
        if (t.endsWith("/privacy/retention/run")) {
            return Map.of("dry_run", true);
        }
        if (t.endsWith("/privacy/settings")) {
            return Map.of("retention_days", Map.of("messages", 90));
        }
        if (t.endsWith("/channel-instances/{instanceId}/messages")) {
            return Map.of("to", "+5511" + (900000 + n), "text", "walk " + n);
        }
        if (t.startsWith("/v1/webhooks/")) {
            return Map.of("enabled", true);
        }
        if (t.endsWith("/quotas/{quotaId}")) {
            return Map.of("limit", 10);
        }
        if (t.equals("/v1/leads/settings")) {
            return Map.of("qualify_at", 70);
        }
        if (t.equals("/v1/leads/{leadId}")) {
            return Map.of("stage", "contacted");
        }
        if (t.endsWith("/handoff/messages")) {
            return Map.of("text", "walk " + n);
        }
        if (t.endsWith("/handoff/take")) {
            return Map.of("display_name", "walk " + n);
        }
        if (t.endsWith("/handoff")) {
            return Map.of("reason", "walk " + n);
        }
        if (t.endsWith("/handoff/release")) {
            return null;
        }
        if (t.endsWith("/chat/completions")) {
            return Map.of("model", "agent-" + f.slug(), "messages", List.of(Map.of("role", "user", "content", "hi")));
        }
        if (t.endsWith("/messages")) {
            return Map.of("content", "walk " + n);
        }
        if (t.endsWith("/conversations")) {
            return Map.of();
        }
        if (t.contains("/model-providers/")) {
            return Map.of("settings", Map.of("organization", "walk-" + n));
        }
        if (t.endsWith("/console-users")) {
            return Map.of("email", "walk" + n + "@walk.example", "password", "walk password " + n,
                    "role", t.startsWith("/admin/console-users") ? "super_admin" : "viewer");
        }
        if (t.contains("/console-users/")) {
            return Map.of("display_name", "walk " + n);
        }
        if (t.endsWith("/agents")) {
            return Map.of("slug", "walk-" + n, "name", "walk");
        }
        if (t.endsWith("/prompts")) {
            return Map.of("slug", "walk-" + n, "name", "walk", "content", "hello");
        }
        if (t.endsWith("/versions")) {
            return Map.of("content", "v" + n);
        }
        if (t.endsWith("/grants")) {
            return Map.of("resource_type", "channel_instance", "resource_id", f.instance().get("id").asText(),
                    "api_key_id", f.keys().get("editor").get("id").asText(), "permission", "update");
        }
        return Map.of("name", "renamed-" + n);
    }

    @Test
    void everyTenantRouteIsInThePermissionMatrix() {
        assertThat(Routes.of(hub)).as("routes found").hasSizeGreaterThan(40);
        List<String> unlisted = Routes.of(hub).stream().map(Route::toString)
                .filter(r -> r.contains(" /v1/") && !MATRIX.containsKey(r)).toList();
        assertThat(unlisted).as("routes missing from the permission matrix").isEmpty();
        assertThat(Routes.of(hub).stream().map(Route::toString).toList()).containsAll(MATRIX.keySet());
    }

    @Test
    void anotherTenantsKeysSeeAndChangeNothingOfTheFirstTenant() {
        List<String> secrets = a.secrets();
        List<String> failures = new ArrayList<>();
        for (String role : ALL) {
            String key = bKeys.get(role);
            for (Route r : Routes.api(hub)) {
                TestHub.Reply reply = hub.sendAs(key, r.method(), r.template(), path(r, a), body(r, a));
                for (String s : secrets) {
                    if (reply.body().contains(s)) {
                        failures.add(role + " " + r + " leaked " + s + ": " + reply.status());
                    }
                }
                boolean admin = r.template().startsWith("/admin");
                boolean namesA = !path(r, a).equals(r.template()) && !r.template().contains("{pluginId}")
                        && !r.template().contains("{providerId}");
                if (admin && reply.status() != 403) {
                    failures.add(role + " " + r + " answered " + reply.status() + " instead of 403");
                } else if (!admin && namesA && reply.status() != 404 && reply.status() != 403) {
                    failures.add(role + " " + r + " answered " + reply.status() + " for another tenant's id");
                }
            }
        }
        assertThat(failures).isEmpty();

        String admin = a.keys().get("admin").get("key").asText();
        JsonNode inst = hub.get(admin, "/v1/channel-instances/" + a.instance().get("id").asText()).json();
        assertThat(inst.get("version").asInt()).isEqualTo(1);
        assertThat(inst.get("name").asText()).isEqualTo(a.instance().get("name").asText());
        for (JsonNode k : a.keys().values()) {
            assertThat(hub.get(k.get("key").asText(), "/v1/me").status()).isEqualTo(200);
        }
        assertThat(hub.get(admin, "/v1/grants").body()).contains(a.grant().get("id").asText());
        assertThat(hub.get(admin, "/v1/tenant").json().get("name").asText()).isEqualTo("Tenant " + a.slug());
    }

    @Test
    void eachRoleGetsExactlyWhatTheMatrixAllows() {
        List<String> failures = new ArrayList<>();
        for (Route r : Routes.api(hub)) {
            boolean platform = r.template().startsWith("/admin");
            Set<String> allowed = platform ? NONE : MATRIX.getOrDefault(r.toString(), NONE);
            for (String role : ALL) {
                // Fresh resources per call: an allowed DELETE or rotate must not break the next case.
                Fixture f = fixture(slug("m" + seq.incrementAndGet()));
                String key = f.keys().get(role).get("key").asText();
                TestHub.Reply reply = hub.sendAs(key, r.method(), r.template(), path(r, f), body(r, f));
                boolean denied = reply.status() == 403;
                if (allowed.contains(role) && (denied || reply.status() >= 400)) {
                    failures.add(role + " " + r + " should be allowed: " + reply.status() + " " + reply.body());
                }
                if (!allowed.contains(role) && !denied) {
                    failures.add(role + " " + r + " should be denied: " + reply.status());
                }
                if (denied && !"permission_denied".equals(reply.code())) {
                    failures.add(role + " " + r + " denied with code " + reply.code());
                }
            }
        }
        assertThat(failures).isEmpty();
    }

    @Test
    void aDenialIsAudited() {
        String viewer = a.keys().get("viewer").get("key").asText();
        assertThat(hub.post(viewer, "/v1/api-keys", Map.of("name", "x", "role", "viewer")).status()).isEqualTo(403);
        JsonNode log = hub.get(a.keys().get("admin").get("key").asText(), "/v1/audit").json();
        boolean found = false;
        for (JsonNode e : log.get("data")) {
            if (e.get("action").asText().equals("access.denied") && e.get("outcome").asText().equals("denied")
                    && e.get("actor_key_id").asText().equals(a.keys().get("viewer").get("id").asText())) {
                found = true;
            }
        }
        assertThat(found).as("access.denied entry for the viewer").isTrue();
    }

    @Test
    void aTenantAdminReadsOnlyItsOwnAudit() {
        JsonNode log = hub.get(bKeys.get("admin"), "/v1/audit?limit=200").json();
        for (JsonNode e : log.get("data")) {
            assertThat(e.get("tenant_id").asText()).isNotEqualTo(a.tenantId());
        }
        assertThat(hub.get(bKeys.get("admin"), "/admin/audit").status()).isEqualTo(403);
    }
}
