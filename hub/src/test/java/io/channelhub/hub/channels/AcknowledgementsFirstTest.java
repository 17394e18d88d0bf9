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
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * A burst of WhatsApp webhooks larger than the processor keeps in memory: every one is acknowledged once it is
 * stored, the ones beyond the in-memory queue wait in the database, and the backlog drains afterwards through the
 * poller until every message has exactly one reply. Nothing accepted is lost, nothing is answered twice.
 */
class AcknowledgementsFirstTest {

    private static final int MESSAGES = 40;

    @Test
    void aBurstBeyondTheQueueIsAcknowledgedAtOnceAndEveryMessageAnsweredOnceAfterwards() throws Exception {
        Path plugins = Files.createTempDirectory("plugins");
        TestPlugins.copyBundled(plugins, "channel-whatsapp");
        try (TestDatabase db = TestDatabase.create(TestDatabase.Kind.H2);
             FakeGraphApi graph = new FakeGraphApi(WhatsAppContract.TOKEN, WhatsAppContract.VERSION);
             TestHub hub = TestHub.start(db, plugins, ConfigOverride.config("channels.inboundMaxQueued", "3"),
                     ConfigOverride.config("channels.inboundPollInterval", "100ms"))) {
            String phone = "1065403533" + (System.nanoTime() % 100_000);
            String t = number(hub, graph, "burst", phone);
            long now = System.currentTimeMillis() / 1000;
            List<CompletableFuture<Integer>> acks = new java.util.ArrayList<>();
            for (int i = 0; i < MESSAGES; i++) {
                String from = "55119876" + String.format("%05d", i);
                String body = FakeGraphApi.textMessageWebhook(phone, from, "Cliente " + i, "wamid.burst-" + phone
                        + "-" + i, "mensagem " + i, now);
                acks.add(CompletableFuture.supplyAsync(() -> hub.call("POST", WhatsAppContract.HOOK, Map.of(
                        "Content-Type", "application/json", "X-Hub-Signature-256", FakeGraphApi.sign(
                                body.getBytes(StandardCharsets.UTF_8), WhatsAppContract.APP_SECRET)), body).status()));
            }
            for (CompletableFuture<Integer> a : acks) {
                assertThat(a.get()).isEqualTo(200);
            }
            Set<String> expected = new TreeSet<>();
            for (int i = 0; i < MESSAGES; i++) {
                expected.add("55119876" + String.format("%05d", i));
            }
            await().atMost(Duration.ofSeconds(60)).until(() -> answered(graph).equals(expected));
            await().during(Duration.ofSeconds(1)).atMost(Duration.ofSeconds(3))
                    .until(() -> replies(graph).size() == MESSAGES);
            assertThat(graph.problems()).isEmpty();
            long events = hub.app().jdbi().withHandle(h -> h.createQuery("SELECT COUNT(*) FROM inbound_events WHERE "
                    + "tenant_id = :t AND status <> 'processed'").bind("t", t).mapTo(Long.class).one());
            assertThat(events).as("events not processed").isZero();
        }
    }

    @Test
    void slowAcknowledgementsShrinkBackgroundWorkToItsFloorAndTheBacklogStillDrainsAfterwards() throws Exception {
        Path plugins = Files.createTempDirectory("plugins");
        TestPlugins.copyBundled(plugins, "channel-whatsapp");
        // A target no acknowledgement can meet: every one counts as slow, as on a node drowning in webhooks.
        try (TestDatabase db = TestDatabase.create(TestDatabase.Kind.H2);
             FakeGraphApi graph = new FakeGraphApi(WhatsAppContract.TOKEN, WhatsAppContract.VERSION);
             TestHub hub = TestHub.start(db, plugins, ConfigOverride.config("channels.inboundAckTarget", "0ms"))) {
            String phone = "1065403534" + (System.nanoTime() % 100_000);
            number(hub, graph, "slow", phone);
            assertThat(share(hub)).isEqualTo(0.25);
            long now = System.currentTimeMillis() / 1000;
            Set<String> expected = new TreeSet<>();
            // Webhooks over more than a second, so that several tenths of a second judge the share.
            for (int i = 0; i < 30; i++) {
                String from = "55119877" + String.format("%05d", i);
                expected.add(from);
                String body = FakeGraphApi.textMessageWebhook(phone, from, "Cliente " + i, "wamid.slow-" + phone
                        + "-" + i, "mensagem " + i, now);
                assertThat(hub.call("POST", WhatsAppContract.HOOK, Map.of("Content-Type", "application/json",
                        "X-Hub-Signature-256", FakeGraphApi.sign(body.getBytes(StandardCharsets.UTF_8),
                                WhatsAppContract.APP_SECRET)), body).status()).isEqualTo(200);
                Thread.sleep(50);
            }
            assertThat(share(hub)).as("halved window after window, down to its floor").isEqualTo(0.02);
            // The floor and then the quiet after the burst: every message answered once, nothing lost.
            await().atMost(Duration.ofSeconds(60)).until(() -> answered(graph).equals(expected));
            assertThat(replies(graph)).hasSize(expected.size());
        }
    }

    /** A new tenant with an agent and a WhatsApp number {@code phone} sending to {@code graph}; its id. */
    private static String number(TestHub hub, FakeGraphApi graph, String slug, String phone) {
        String t = hub.createTenant(slug + "-" + System.nanoTime() % 1_000_000);
        String admin = hub.createKey(t, "admin").get("key").asText();
        TestHub.check(hub.post(admin, "/v1/agents", Map.of("slug", "atendente", "name", "A")), 201);
        TestHub.check(hub.post(admin, "/v1/channel-instances", Map.of("plugin_id", "channel-whatsapp",
                "name", "n", "settings", Map.of("phone_number_id", phone, "waba_id", "1", "access_token",
                        WhatsAppContract.TOKEN, "app_secret", WhatsAppContract.APP_SECRET, "verify_token", "v",
                        "graph_base_url", graph.baseUrl()))), 201);
        return t;
    }

    private static double share(TestHub hub) {
        String text = hub.send(null, "GET", hub.adminUrl("/prometheus"), null).body();
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("(?m)^channelhub_background_share (\\S+)$")
                .matcher(text);
        assertThat(m.find()).as("channelhub_background_share is exported").isTrue();
        return Double.parseDouble(m.group(1));
    }

    private static List<FakeGraphApi.Request> replies(FakeGraphApi graph) {
        return graph.sends().stream().filter(r -> "text".equals(r.json().path("type").asText())).toList();
    }

    private static Set<String> answered(FakeGraphApi graph) {
        return replies(graph).stream().map(r -> r.json().path("to").asText())
                .collect(Collectors.toCollection(TreeSet::new));
    }
}
