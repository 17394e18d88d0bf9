package io.channelhub.hub.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import io.channelhub.hub.support.TestDatabase;
import io.channelhub.hub.support.TestHub;
import io.dropwizard.testing.ConfigOverride;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * The widget in a real browser: the hub with the bundled channel-web jar, and {@code hub/src/test/e2e/widget.e2e.mjs}
 * (Node's test runner, playwright-core driving Debian's headless Chromium) serving tenant sites on two origins,
 * one allowed and one not, and opening the hub's own {@code /demo} page. Chromium and Node are required: without them this test fails, it never skips.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class WidgetBrowserTest {

    private static final String SECRET = "browser-test-identity-secret-42";

    private TestHub hub;

    @BeforeAll
    void start() throws IOException {
        // The demo page is opened as a newcomer opens it, so the hub listens where its demo origins say, as with
        // config.yml. One suite run loads about a dozen pages from one address within seconds.
        int port = freePort();
        hub = TestHub.start(TestDatabase.create(TestDatabase.Kind.H2),
                BrowserSuite.plugins(name -> name.startsWith("channel-web-") || name.startsWith("knowledge-lucene-")),
                ConfigOverride.config("server.applicationConnectors[0].port", Integer.toString(port)),
                ConfigOverride.config("demo.enabled", "true"),
                ConfigOverride.config("demo.origins", "http://localhost:" + port + ",http://127.0.0.1:" + port),
                ConfigOverride.config("rateLimits.publicPerIp.capacity", "100000"));
    }

    @AfterAll
    void stop() {
        if (hub != null) {
            hub.close();
        }
    }

    @Test
    void theWidgetWorksInARealBrowser() throws Exception {
        int site = freePort();
        int other = freePort();
        String tenant = hub.createTenant("browser-" + Long.toString(System.nanoTime() % 1_000_000_000L, 36));
        String admin = hub.createKey(tenant, "admin").get("key").asText();
        TestHub.check(hub.post(admin, "/v1/agents", Map.of("slug", "support", "name", "Support")), 201);
        String origin = "http://localhost:" + site;
        String widget = TestHub.check(hub.post(admin, "/v1/channel-instances", Map.of("plugin_id", "channel-web",
                "name", "Acme site", "settings", Map.of("allowed_origins", List.of(origin), "title", "Acme",
                        "greeting", "Olá! Como posso ajudar?"))), 201).json().get("id").asText();
        String verified = TestHub.check(hub.post(admin, "/v1/channel-instances", Map.of("plugin_id",
                "channel-web", "name", "Acme app", "settings", Map.of("allowed_origins", List.of(origin),
                        "identity_verification", true, "identity_secret", SECRET))), 201).json().get("id").asText();
        String userId = "customer-" + System.nanoTime();

        // Another company whose agent answers from a price list its integrator uploaded through the API (files,
        // a vector store, the agent's knowledge), on the embedded default: the demo model and the local embeddings.
        String shop = hub.createTenant("browser-kb-" + Long.toString(System.nanoTime() % 1_000_000_000L, 36));
        String shopKey = hub.createKey(shop, "admin").get("key").asText();
        String document = "tabela-de-entregas.md";
        String fileId = TestHub.check(hub.upload(shopKey, "/v1/files", "assistants", document, ("# Entregas\n\n"
                + "A entrega para o bairro Batel custa R$ 12 e chega em até dois dias úteis.\n\n"
                + "## Trocas\n\nTrocas em até sete dias com a nota fiscal.").getBytes(StandardCharsets.UTF_8)), 200)
                .json().get("id").asText();
        String store = TestHub.check(hub.post(shopKey, "/v1/vector_stores", Map.of("name", "Loja",
                "file_ids", List.of(fileId))), 200).json().get("id").asText();
        TestHub.check(hub.post(shopKey, "/v1/agents", Map.of("slug", "loja", "name", "Loja", "knowledge",
                Map.of("vector_store_ids", List.of(store)))), 201);
        String shopWidget = TestHub.check(hub.post(shopKey, "/v1/channel-instances", Map.of("plugin_id",
                "channel-web", "name", "Loja site", "settings", Map.of("allowed_origins", List.of(origin),
                        "title", "Loja", "locale", "pt-BR"))), 201).json().get("id").asText();
        org.awaitility.Awaitility.await().atMost(java.time.Duration.ofMinutes(2)).until(() -> hub.get(shopKey,
                "/v1/vector_stores/" + store).json().path("file_counts").path("completed").asInt() == 1);

        // The demo agent's FAQ is ingested in the background at start: the demo page's test asks about it.
        org.awaitility.Awaitility.await().atMost(java.time.Duration.ofMinutes(2)).until(() -> hub.app().jdbi()
                .withHandle(h -> h.createQuery("SELECT COUNT(*) FROM vector_store_files v JOIN tenants t ON t.id = "
                        + "v.tenant_id WHERE t.slug = 'demo' AND v.status = 'completed'").mapTo(Long.class).one()) > 0);
        BrowserSuite.run("widget.e2e.mjs", Map.of("HUB_URL", hub.url(""), "SITE_PORT",
                Integer.toString(site), "OTHER_SITE_PORT", Integer.toString(other), "WIDGET_ID", widget,
                "VERIFIED_WIDGET_ID", verified, "USER_ID", userId, "USER_HASH", hmac(SECRET, userId),
                "KNOWLEDGE_WIDGET_ID", shopWidget, "KNOWLEDGE_FILE", document));
        for (String shot : List.of("widget-floating-light.png", "widget-floating-dark.png",
                "widget-inline-light.png", "widget-inline-dark.png")) {
            assertThat(BrowserSuite.SHOTS.resolve(shot)).isNotEmptyFile();
        }
        // What the browser did went through the core: stored, attributed to the widget, metered.
        long stored = hub.app().jdbi().withHandle(h -> h.createQuery("SELECT COUNT(*) FROM messages m JOIN "
                        + "conversations c ON c.tenant_id = m.tenant_id AND c.id = m.conversation_id WHERE "
                        + "c.tenant_id = :t AND c.channel_instance_id = :w AND m.role = 'user'")
                .bind("t", tenant).bind("w", widget).mapTo(Long.class).one());
        assertThat(stored).isGreaterThanOrEqualTo(2);
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }

    private static String hmac(String secret, String userId) throws Exception {
        Mac mac = Mac.getInstance("HmacSHA256");
        mac.init(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
        return HexFormat.of().formatHex(mac.doFinal(userId.getBytes(StandardCharsets.UTF_8)));
    }
}
