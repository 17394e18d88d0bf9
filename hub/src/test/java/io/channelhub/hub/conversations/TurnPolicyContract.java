package io.channelhub.hub.conversations;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.channelhub.hub.support.FakeOpenAi;
import io.channelhub.hub.support.FakeModelHubTest;
import io.channelhub.hub.support.TestHub;
import io.channelhub.hub.support.WebhookReceiver;
import io.dropwizard.testing.ConfigOverride;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The turn pipeline's rules hold on every way in: a repeat is replayed before any quota is asked, a stateless
 * completion is billed and checked against thresholds like a conversation turn, whatever the provider reports.
 */
abstract class TurnPolicyContract extends FakeModelHubTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    @Override
    protected List<ConfigOverride> moreOverrides() {
        // The threshold webhooks go to a receiver on this machine.
        return List.of(ConfigOverride.config("delivery.allowPrivateTargets", "true"));
    }

    /** A reply as some OpenAI-compatible servers send it: no usage object. */
    private static FakeOpenAi.Json replyWithoutUsage(String content) {
        return new FakeOpenAi.Json(200, "{\"id\":\"chatcmpl-x\",\"object\":\"chat.completion\",\"created\":1700000000,"
                + "\"model\":\"local-model\",\"choices\":[{\"index\":0,\"message\":{\"role\":\"assistant\",\"content\":"
                + JSON.valueToTree(content) + "},\"finish_reason\":\"stop\"}]}", Map.of());
    }

    private long ledger(String tenant, String type) {
        // A completion's usage waits in the spool for the writer's next batch (as GET /v1/usage does, write it first).
        hub.app().ledger().flush();
        return hub.app().jdbi().withHandle(h -> h.createQuery("SELECT COALESCE(SUM(quantity), 0) FROM usage_events "
                + "WHERE tenant_id = :t AND usage_type = :u").bind("t", tenant).bind("u", type).mapTo(Long.class)
                .one());
    }

    @Test
    void aCompletionIsBilledAndCrossesThresholdsEvenWhenTheProviderReportsNoUsage() throws Exception {
        String t = hub.createTenant(slug("policy-cc"));
        String key = hub.createKey(t, "admin").get("key").asText();
        TestHub.check(hub.post(key, "/v1/agents", Map.of("slug", "helper", "name", "Helper")), 201);
        try (WebhookReceiver rx = new WebhookReceiver()) {
            TestHub.check(hub.post(key, "/v1/webhooks", Map.of("url", rx.url("/q"), "events",
                    List.of("quota.threshold"))), 201);
            TestHub.check(hub.post(TestHub.ROOT_KEY, "/admin/tenants/" + t + "/quotas", Map.of("usage_type",
                    "api.chat_completions", "period", "monthly", "limit", 2, "mode", "soft", "thresholds",
                    List.of(50, 100))), 201);
            for (int i = 0; i < 2; i++) {
                model.then(replyWithoutUsage("answer " + i));
                TestHub.Reply r = hub.post(key, "/v1/chat/completions", Map.of("model", "helper", "messages",
                        List.of(Map.of("role", "user", "content", "question " + i))));
                assertThat(r.status()).as(r.body()).isEqualTo(200);
                assertThat(r.json().get("choices").get(0).get("message").get("content").asText())
                        .isEqualTo("answer " + i);
            }
            assertThat(ledger(t, "api.chat_completions")).isEqualTo(2);
            assertThat(ledger(t, "model.prompt_tokens")).isZero();
            await().atMost(Duration.ofSeconds(10)).until(() -> rx.received().size() >= 2);
            List<Integer> thresholds = new ArrayList<>();
            for (WebhookReceiver.Received r : rx.received()) {
                JsonNode data = JSON.readTree(r.body()).get("data");
                assertThat(data.get("usage_type").asText()).isEqualTo("api.chat_completions");
                thresholds.add(data.get("threshold_percent").asInt());
            }
            assertThat(thresholds).containsExactlyInAnyOrder(50, 100);
        }
    }

    @Test
    void aStreamedCompletionTheClientLeavesIsStillBilledAsACall() throws Exception {
        String t = hub.createTenant(slug("policy-cut"));
        String key = hub.createKey(t, "admin").get("key").asText();
        TestHub.check(hub.post(key, "/v1/agents", Map.of("slug", "helper", "name", "Helper")), 201);
        // A slow model: the client reads the first piece and hangs up long before the last.
        model.then(FakeOpenAi.chatStream(300, "one ", "two ", "three ", "four ", "five ", "six ", "seven ", "eight "));
        java.net.http.HttpClient http = java.net.http.HttpClient.newHttpClient();
        var response = http.send(java.net.http.HttpRequest.newBuilder(java.net.URI.create(
                hub.url("/v1/chat/completions"))).header("Authorization", "Bearer " + key)
                .header("Content-Type", "application/json").POST(java.net.http.HttpRequest.BodyPublishers.ofString(
                        "{\"model\":\"helper\",\"stream\":true,\"messages\":[{\"role\":\"user\","
                                + "\"content\":\"count\"}]}")).build(),
                java.net.http.HttpResponse.BodyHandlers.ofInputStream());
        assertThat(response.statusCode()).isEqualTo(200);
        try (var body = response.body()) {
            assertThat(body.read(new byte[64])).isPositive();
        }
        await().atMost(Duration.ofSeconds(20)).until(() -> ledger(t, "api.chat_completions") == 1);
    }

    @Test
    void aRepeatOfAnAnsweredMessageIsReplayedEvenWhenTheQuotaIsNowUsedUp() {
        String t = hub.createTenant(slug("policy-replay"));
        String key = hub.createKey(t, "admin").get("key").asText();
        TestHub.check(hub.post(key, "/v1/agents", Map.of("slug", "helper", "name", "Helper")), 201);
        String conv = TestHub.check(hub.post(key, "/v1/conversations", Map.of()), 201).json().get("id").asText();
        TestHub.check(hub.post(TestHub.ROOT_KEY, "/admin/tenants/" + t + "/quotas", Map.of("usage_type",
                "messages.in", "period", "daily", "limit", 1, "mode", "hard")), 201);
        String path = "/v1/conversations/" + conv + "/messages";
        String body = "{\"content\":\"only one\"}";
        Map<String, String> headers = Map.of("Authorization", "Bearer " + key, "Content-Type", "application/json",
                "Idempotency-Key", "first");
        model.then(FakeOpenAi.chatReply("the one answer", 5, 3));
        TestHub.Reply first = hub.call("POST", path, headers, body);
        assertThat(first.status()).as(first.body()).isEqualTo(201);

        // The client did not see the answer and retries: it gets the same answer, not a 429.
        TestHub.Reply again = hub.call("POST", path, headers, body);
        assertThat(again.status()).as(again.body()).isEqualTo(201);
        assertThat(again.headers().firstValue("Idempotent-Replayed")).hasValue("true");
        assertThat(again.json().toString()).isEqualTo(first.json().toString());

        // New work is refused.
        TestHub.Reply other = hub.call("POST", path, Map.of("Authorization", "Bearer " + key, "Content-Type",
                "application/json", "Idempotency-Key", "second"), "{\"content\":\"another\"}");
        assertThat(other.status()).isEqualTo(429);
        assertThat(other.code()).isEqualTo("quota_exceeded");
        assertThat(model.requests()).hasSize(1);
    }

    @Override
    protected void morePlugins(java.nio.file.Path dir) {
        // A channel with both ways in: a live turn (?turn=1) and an event for the inbox.
        io.channelhub.hub.support.TestPlugins.smsChannel(dir);
    }

    /** A tenant with an agent, a conversation and a test-sms instance, under one hard quota: {tenant, key, conv, ci}. */
    private String[] tenantUnder(String usageType) {
        String t = hub.createTenant(slug("policy-table"));
        String key = hub.createKey(t, "admin").get("key").asText();
        TestHub.check(hub.post(key, "/v1/agents", Map.of("slug", "helper", "name", "Helper")), 201);
        String conv = TestHub.check(hub.post(key, "/v1/conversations", Map.of()), 201).json().get("id").asText();
        String ci = TestHub.check(hub.post(key, "/v1/channel-instances", Map.of("plugin_id", "test-sms", "name",
                "sms", "settings", Map.of())), 201).json().get("id").asText();
        TestHub.check(hub.post(TestHub.ROOT_KEY, "/admin/tenants/" + t + "/quotas", Map.of("usage_type", usageType,
                "period", "daily", "limit", 0, "mode", "hard")), 201);
        return new String[] {t, key, conv, ci};
    }

    private TestHub.Reply apiTurn(String[] t) {
        return hub.post(t[1], "/v1/conversations/" + t[2] + "/messages", Map.of("content", "hello"));
    }

    private TestHub.Reply liveTurn(String[] t, String id) {
        return hub.call("POST", "/hooks/instances/" + t[3] + "/in?id=" + id + "&turn=1",
                Map.of("Content-Type", "application/json"), "{}");
    }

    private TestHub.Reply queued(String[] t, String id) {
        return hub.call("POST", "/hooks/instances/" + t[3] + "/in?id=" + id, Map.of("Content-Type",
                "application/json"), "{}");
    }

    private TestHub.Reply completion(String[] t) {
        return hub.post(t[1], "/v1/chat/completions", Map.of("model", "helper", "messages",
                List.of(Map.of("role", "user", "content", "hi"))));
    }

    private JsonNode channelMessage(String[] t, String externalId) {
        await().atMost(Duration.ofSeconds(15)).until(() -> hub.app().jdbi().withHandle(h -> h.createQuery(
                "SELECT COUNT(*) FROM inbound_events WHERE tenant_id = :t AND external_id = :x AND status = "
                        + "'processed'").bind("t", t[0]).bind("x", externalId).mapTo(Long.class).one()) == 1);
        String conv = hub.get(t[1], "/v1/conversations?end_user_id=contact-" + externalId).json().get("data").get(0)
                .get("id").asText();
        return hub.get(t[1], "/v1/conversations/" + conv + "/messages").json().get("data");
    }

    private static void refusedFor(TestHub.Reply r, String usageType) {
        assertThat(r.status()).as(r.body()).isEqualTo(429);
        assertThat(r.code()).isEqualTo("quota_exceeded");
        assertThat(r.json().get("error").get("details").get("usage_type").asText()).isEqualTo(usageType);
    }

    @Test
    void everyEntryReservesWhatThePolicyTableSays() {
        // messages.out: reserved by API, CHANNEL_LIVE and CHANNEL_QUEUED; not by COMPLETIONS.
        String[] out = tenantUnder("messages.out");
        refusedFor(apiTurn(out), "messages.out");
        assertThat(hub.get(out[1], "/v1/conversations/" + out[2] + "/messages").json().get("data"))
                .as("refused before the message is stored").isEmpty();
        refusedFor(liveTurn(out, "live-out"), "messages.out");
        assertThat(queued(out, "queued-out").status()).isEqualTo(200);
        JsonNode stored = channelMessage(out, "queued-out");
        assertThat(stored).hasSize(1);
        assertThat(stored.get(0).get("status").asText()).isEqualTo("unanswered");
        assertThat(stored.get(0).get("error_code").asText()).isEqualTo("quota_exceeded");
        model.then(FakeOpenAi.chatReply("a completion", 3, 2));
        assertThat(completion(out).status()).isEqualTo(200);

        // messages.in: reserved by API and CHANNEL_LIVE; a queued message was stored (and billed) when it came.
        String[] in = tenantUnder("messages.in");
        refusedFor(apiTurn(in), "messages.in");
        refusedFor(liveTurn(in, "live-in"), "messages.in");
        model.then(FakeOpenAi.chatReply("the queued answer", 3, 2));
        assertThat(queued(in, "queued-in").status()).isEqualTo(200);
        await().atMost(Duration.ofSeconds(15)).until(() -> channelMessage(in, "queued-in").size() == 2);
        assertThat(channelMessage(in, "queued-in").get(1).get("content").asText()).isEqualTo("the queued answer");

        // api.chat_completions: reserved by COMPLETIONS only.
        String[] cc = tenantUnder("api.chat_completions");
        refusedFor(completion(cc), "api.chat_completions");
        model.then(FakeOpenAi.chatReply("a turn", 3, 2));
        assertThat(apiTurn(cc).status()).isEqualTo(201);
    }
}
