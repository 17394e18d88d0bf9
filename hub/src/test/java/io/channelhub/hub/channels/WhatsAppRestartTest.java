package io.channelhub.hub.channels;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.channelhub.hub.support.FakeGraphApi;
import io.channelhub.hub.support.TestDatabase;
import io.channelhub.hub.support.TestHub;
import io.channelhub.hub.support.TestPlugins;
import io.dropwizard.testing.ConfigOverride;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * A node stores a WhatsApp message and dies before replying: after the restart the reply goes out exactly once,
 * even with two replicas picking up the work at the same time.
 */
class WhatsAppRestartTest {

    @Test
    void aMessageStoredBeforeACrashIsAnsweredExactlyOnceAfterTheRestart() throws Exception {
        Path plugins = Files.createTempDirectory("plugins");
        TestPlugins.testChannel(plugins);
        io.channelhub.hub.support.TestPlugins.copyBundled(plugins, "channel-whatsapp");
        TestDatabase db = TestDatabase.create(TestDatabase.Kind.MARIADB);
        try (FakeGraphApi graph = new FakeGraphApi(WhatsAppContract.TOKEN, WhatsAppContract.VERSION)) {
            String phone = "1065403522" + (System.nanoTime() % 100_000);
            String from = "5511987650000";
            String t;
            // The first node stores what Meta sends but never gets to process it.
            try (TestHub crashed = TestHub.replica(db, plugins,
                    ConfigOverride.config("channels.processInbound", "false"))) {
                t = crashed.createTenant("restart-" + System.nanoTime() % 1_000_000);
                String admin = crashed.createKey(t, "admin").get("key").asText();
                TestHub.check(crashed.post(admin, "/v1/agents", Map.of("slug", "atendente", "name", "A")), 201);
                TestHub.check(crashed.post(admin, "/v1/channel-instances", Map.of("plugin_id", "channel-whatsapp",
                        "name", "n", "settings", Map.of("phone_number_id", phone, "waba_id", "1", "access_token",
                                WhatsAppContract.TOKEN, "app_secret", WhatsAppContract.APP_SECRET, "verify_token", "v",
                                "graph_base_url", graph.baseUrl()))), 201);
                String body = FakeGraphApi.textMessageWebhook(phone, from, "Ana", "wamid.crash-" + phone,
                        "ainda estou aqui?", System.currentTimeMillis() / 1000);
                TestHub.Reply stored = crashed.call("POST", WhatsAppContract.HOOK, Map.of("Content-Type",
                        "application/json", "X-Hub-Signature-256", FakeGraphApi.sign(body.getBytes(
                                StandardCharsets.UTF_8), WhatsAppContract.APP_SECRET)), body);
                assertThat(stored.status()).isEqualTo(200);
                await().during(Duration.ofMillis(700)).atMost(Duration.ofSeconds(3))
                        .until(() -> graph.sends().isEmpty());
            }
            ConfigOverride fast = ConfigOverride.config("channels.inboundPollInterval", "100ms");
            try (TestHub two = TestHub.start(db, plugins, fast); TestHub one = TestHub.replica(db, plugins, fast)) {
                await().atMost(Duration.ofSeconds(30)).until(() -> replies(graph).size() == 1);
                assertThat(replies(graph).get(0).json().path("to").asText()).isEqualTo(from);
                assertThat(replies(graph).get(0).json().path("text").path("body").asText())
                        .contains("ainda estou aqui?");
                await().during(Duration.ofSeconds(2)).atMost(Duration.ofSeconds(5))
                        .until(() -> replies(graph).size() == 1);
                assertThat(graph.problems()).isEmpty();
                long replies = two.app().jdbi().withHandle(h -> h.createQuery("SELECT COUNT(*) FROM messages WHERE "
                        + "tenant_id = :t AND role = 'assistant'").bind("t", t).mapTo(Long.class).one());
                assertThat(replies).isEqualTo(1);
            }
        }
    }

    /** Text messages sent (not the typing indicator, which carries no recipient). */
    private static java.util.List<FakeGraphApi.Request> replies(FakeGraphApi graph) {
        return graph.sends().stream().filter(r -> "text".equals(r.json().path("type").asText())).toList();
    }
}
