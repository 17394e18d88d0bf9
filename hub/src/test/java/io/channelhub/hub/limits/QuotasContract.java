package io.channelhub.hub.limits;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.channelhub.hub.metering.UsageLedger;
import io.channelhub.hub.support.FakeOpenAi;
import io.channelhub.hub.support.HubIntegrationTest;
import io.channelhub.hub.support.TestHub;
import io.channelhub.hub.support.WebhookReceiver;
import io.dropwizard.testing.ConfigOverride;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import redis.clients.jedis.RedisClient;

/**
 * Hard quotas stop a conversation mid-way (JSON and SSE) and hold exactly under racing turns; soft quotas let it go
 * on and notify once. With Redis the race is spread over two replicas sharing it.
 */
abstract class QuotasContract extends HubIntegrationTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    /** This class's own Redis keys, so runs and other tests sharing the machine's Redis cannot collide. */
    private final String redisPrefix = "test:quota:" + UUID.randomUUID() + ":";

    /** The Redis the hubs share, or null for in-process counters. */
    protected String redisUri() {
        return null;
    }

    @Override
    protected ConfigOverride[] overrides() {
        List<ConfigOverride> o = new ArrayList<>(List.of(ConfigOverride.config("delivery.allowPrivateTargets",
                "true")));
        if (redisUri() != null) {
            try (RedisClient redis = RedisClient.create(URI.create(redisUri()))) {
                // A Redis that is down would only make the hubs fall back to the ledger: fail instead of passing.
                assertThat(redis.ping()).as("Redis at " + redisUri() + " is required for this test").isEqualTo("PONG");
            }
            o.add(ConfigOverride.config("redis.uri", redisUri()));
            o.add(ConfigOverride.config("quotas.keyPrefix", redisPrefix));
        }
        return o.toArray(ConfigOverride[]::new);
    }

    private String[] tenantWithConversation() {
        String t = hub.createTenant(slug("quota"));
        String key = hub.createKey(t, "admin").get("key").asText();
        TestHub.check(hub.post(key, "/v1/agents", Map.of("slug", "quota-agent", "name", "Q")), 201);
        String c = TestHub.check(hub.post(key, "/v1/conversations", Map.of()), 201).json().get("id").asText();
        return new String[] {t, key, c};
    }

    @Test
    void aHardQuotaStopsTheConversationMidWay() throws Exception {
        String[] t = tenantWithConversation();
        TestHub.check(hub.post(TestHub.ROOT_KEY, "/admin/tenants/" + t[0] + "/quotas", Map.of("usage_type",
                "messages.in", "period", "daily", "limit", 2, "mode", "hard")), 201);
        String path = "/v1/conversations/" + t[2] + "/messages";
        assertThat(hub.post(t[1], path, Map.of("content", "one")).status()).isEqualTo(201);
        assertThat(hub.post(t[1], path, Map.of("content", "two")).status()).isEqualTo(201);
        TestHub.Reply refused = hub.post(t[1], path, Map.of("content", "three"));
        assertThat(refused.status()).isEqualTo(429);
        assertThat(refused.code()).isEqualTo("quota_exceeded");
        assertThat(refused.json().get("error").get("details").get("used").asLong()).isEqualTo(2);
        assertThat(refused.json().get("error").get("details").get("resets_at").asText()).endsWith("T00:00:00Z");

        HttpResponse<String> sse = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(hub.url(path)))
                .header("Authorization", "Bearer " + t[1]).header("Content-Type", "application/json")
                .header("Accept", "text/event-stream")
                .POST(HttpRequest.BodyPublishers.ofString("{\"content\":\"four\"}")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(sse.body()).startsWith("event: error\n").contains("quota_exceeded")
                .contains("\"type\":\"rate_limit_error\"");
        JsonNode history = hub.get(t[1], path).json().get("data");
        assertThat(history).as("refused messages are not stored").hasSize(4);
        JsonNode status = hub.get(t[1], "/v1/quotas").json().get("data").get(0);
        assertThat(status.get("used").asLong()).isEqualTo(2);
        assertThat(status.get("limit").asLong()).isEqualTo(2);
    }

    @Test
    void aSoftQuotaLetsWorkThroughAndNotifiesEachThresholdOnce() throws Exception {
        String[] t = tenantWithConversation();
        try (WebhookReceiver rx = new WebhookReceiver()) {
            softQuotaNotifying(t, rx, "messages.out", 2);
            String path = "/v1/conversations/" + t[2] + "/messages";
            for (int i = 0; i < 4; i++) {
                assertThat(hub.post(t[1], path, Map.of("content", "m" + i)).status()).isEqualTo(201);
            }
            await().atMost(Duration.ofSeconds(10)).until(() -> rx.received().size() >= 2);
            List<Integer> thresholds = new ArrayList<>();
            for (WebhookReceiver.Received r : rx.received()) {
                thresholds.add(JSON.readTree(r.body()).get("data").get("threshold_percent").asInt());
            }
            assertThat(thresholds).containsExactlyInAnyOrder(50, 100);
            JsonNode audit = hub.get(t[1], "/v1/audit").json().get("data");
            long entries = 0;
            for (JsonNode e : audit) {
                if (e.get("action").asText().equals("quota.threshold")) {
                    entries++;
                }
            }
            assertThat(entries).isEqualTo(2);
        }
    }

    /**
     * API requests wait in the usage spool and reach the thresholds once the background writer commits them (the
     * writer checks the thresholds of the types it committed); they never reached one before.
     */
    @Test
    void spooledApiRequestsReachTheirThresholdsOnceCommitted() throws Exception {
        String[] t = tenantWithConversation();
        try (WebhookReceiver rx = new WebhookReceiver()) {
            softQuotaNotifying(t, rx, "api.requests", 10);
            // Three requests before the quota (agent, conversation, webhook); nine more pass 100%.
            for (int i = 0; i < 9; i++) {
                TestHub.check(hub.get(t[1], "/v1/me"), 200);
            }
            await().atMost(Duration.ofSeconds(10)).until(() -> rx.received().size() >= 2);
            List<Integer> thresholds = new ArrayList<>();
            for (WebhookReceiver.Received r : rx.received()) {
                JsonNode data = JSON.readTree(r.body()).get("data");
                assertThat(data.get("usage_type").asText()).isEqualTo("api.requests");
                assertThat(data.get("used").asLong()).isGreaterThanOrEqualTo(5);
                thresholds.add(data.get("threshold_percent").asInt());
            }
            assertThat(thresholds).containsExactlyInAnyOrder(50, 100);
        }
    }

    /**
     * Completions' usage waits in the spool while the counter a new quota seeds from the ledger is set: the spool is
     * written first, so the calls made just before count (the ledger's sum alone would miss them for ~100 ms).
     */
    @Test
    void aHardQuotaSeededRightAfterSpooledUsageCountsIt() {
        String[] t = tenantWithConversation();
        Map<String, Object> completion = Map.of("model", "quota-agent", "messages", List.of(Map.of("role", "user",
                "content", "Oi")));
        for (int i = 0; i < 2; i++) {
            TestHub.check(hub.post(t[1], "/v1/chat/completions", completion), 200);
        }
        hardQuota(t[0], "api.chat_completions", 3);
        TestHub.check(hub.post(t[1], "/v1/chat/completions", completion), 200);
        TestHub.Reply refused = hub.post(t[1], "/v1/chat/completions", completion);
        assertThat(refused.status()).as(refused.body()).isEqualTo(429);
        assertThat(refused.code()).isEqualTo("quota_exceeded");
    }

    /** A monthly soft quota on {@code usageType} with notices at 50% and 100%, sent to {@code rx}. */
    private void softQuotaNotifying(String[] t, WebhookReceiver rx, String usageType, long limit) {
        TestHub.check(hub.post(t[1], "/v1/webhooks", Map.of("url", rx.url("/q"), "events",
                List.of("quota.threshold"))), 201);
        TestHub.check(hub.post(TestHub.ROOT_KEY, "/admin/tenants/" + t[0] + "/quotas", Map.of("usage_type",
                usageType, "period", "monthly", "limit", limit, "mode", "soft", "thresholds", List.of(50, 100))), 201);
    }

    /** A daily hard quota set by the operator; returns its id. */
    private String hardQuota(String tenantId, String usageType, long limit) {
        return TestHub.check(hub.post(TestHub.ROOT_KEY, "/admin/tenants/" + tenantId + "/quotas", Map.of("usage_type",
                usageType, "period", "daily", "limit", limit, "mode", "hard")), 201).json().get("id").asText();
    }

    private long ledgerSum(String tenantId, String usageType) {
        return hub.app().jdbi().withHandle(h -> h.createQuery("SELECT COALESCE(SUM(quantity), 0) FROM usage_events "
                        + "WHERE tenant_id = :t AND usage_type = :u").bind("t", tenantId).bind("u", usageType)
                .mapTo(Long.class).one());
    }

    @Test
    void exactlyTheLimitOfRacingTurnsPass() throws Exception {
        String[] t = tenantWithConversation();
        int limit = 5;
        hardQuota(t[0], "messages.in", limit);
        List<String> conversations = new ArrayList<>();
        for (int i = 0; i < 3 * limit; i++) {
            conversations.add(TestHub.check(hub.post(t[1], "/v1/conversations", Map.of()), 201).json().get("id")
                    .asText());
        }
        List<TestHub> hubs = new ArrayList<>(List.of(hub));
        if (redisUri() != null) {
            hubs.add(TestHub.replica(hub.database(), pluginsDir, overrides()));
        }
        ExecutorService pool = Executors.newFixedThreadPool(conversations.size());
        try {
            CountDownLatch start = new CountDownLatch(1);
            List<Future<TestHub.Reply>> replies = new ArrayList<>();
            for (int i = 0; i < conversations.size(); i++) {
                TestHub replica = hubs.get(i % hubs.size());
                String path = "/v1/conversations/" + conversations.get(i) + "/messages";
                replies.add(pool.submit(() -> {
                    start.await();
                    return replica.post(t[1], path, Map.of("content", "race"));
                }));
            }
            start.countDown();
            int passed = 0;
            for (Future<TestHub.Reply> f : replies) {
                TestHub.Reply r = f.get(60, TimeUnit.SECONDS);
                if (r.status() == 201) {
                    passed++;
                } else {
                    assertThat(r.status()).as(r.body()).isEqualTo(429);
                    assertThat(r.code()).isEqualTo("quota_exceeded");
                }
            }
            assertThat(passed).isEqualTo(limit);
            assertThat(ledgerSum(t[0], "messages.in")).isEqualTo(limit);
            if (redisUri() != null) {
                try (RedisClient redis = RedisClient.create(URI.create(redisUri()))) {
                    List<String> counters = new ArrayList<>(redis.keys(redisPrefix + t[0] + ":*"));
                    assertThat(counters).as("the counter lives in Redis").hasSize(1);
                    assertThat(redis.get(counters.get(0))).isEqualTo(Integer.toString(limit));
                }
            }
        } finally {
            pool.shutdownNow();
            if (hubs.size() > 1) {
                hubs.get(1).close();
            }
        }
    }

    @Test
    void aFailedTurnGivesBackItsReservation() throws Exception {
        try (FakeOpenAi model = new FakeOpenAi()) {
            String t = hub.createTenant(slug("quota-fail"));
            String key = hub.createKey(t, "admin").get("key").asText();
            TestHub.check(hub.send(key, "PUT", "/v1/model-providers/openai", Map.of("settings",
                    Map.of("base_url", model.baseUrl(), "api_key", "sk-tenant"))), 200);
            TestHub.check(hub.post(key, "/v1/agents", Map.of("slug", "failing-agent", "name", "F")), 201);
            String c = TestHub.check(hub.post(key, "/v1/conversations", Map.of()), 201).json().get("id").asText();
            hardQuota(t, "messages.out", 2);
            String path = "/v1/conversations/" + c + "/messages";
            model.then(FakeOpenAi.error(400, "invalid_request_error", Map.of()))
                    .then(FakeOpenAi.chatReply("one", 3, 1))
                    .then(FakeOpenAi.chatReply("two", 3, 1));

            TestHub.Reply failed = hub.post(key, path, Map.of("content", "fails"));
            assertThat(failed.status()).as(failed.body()).isNotEqualTo(201).isNotEqualTo(429);
            assertThat(hub.post(key, path, Map.of("content", "first")).status()).isEqualTo(201);
            assertThat(hub.post(key, path, Map.of("content", "second")).status()).isEqualTo(201);
            TestHub.Reply refused = hub.post(key, path, Map.of("content", "third"));
            assertThat(refused.code()).isEqualTo("quota_exceeded");
            assertThat(refused.json().get("error").get("details").get("used").asLong()).isEqualTo(2);
            assertThat(model.requests()).hasSize(3);
            assertThat(ledgerSum(t, "messages.out")).isEqualTo(2);
        }
    }

    @Test
    void aRetriedUsageEventDoesNotMoveTheCounter() {
        String[] t = tenantWithConversation();
        hardQuota(t[0], "messages.in", 3);
        String path = "/v1/conversations/" + t[2] + "/messages";
        assertThat(hub.post(t[1], path, Map.of("content", "one")).status()).isEqualTo(201);
        // A channel's webhook delivered twice: the second carries the same idempotency key.
        UsageLedger.UsageEvent inbound = new UsageLedger.UsageEvent(t[0], "messages.in", 1, "message",
                "test-channel", null, null, null, "in:wamid." + t[0]);
        assertThat(hub.app().ledger().record(inbound)).isTrue();
        assertThat(hub.app().ledger().record(inbound)).isFalse();
        assertThat(hub.post(t[1], path, Map.of("content", "two")).status()).isEqualTo(201);
        TestHub.Reply refused = hub.post(t[1], path, Map.of("content", "three"));
        assertThat(refused.code()).isEqualTo("quota_exceeded");
        assertThat(refused.json().get("error").get("details").get("used").asLong()).isEqualTo(3);
    }

    @Test
    void aTokenQuotaCountsTheTokensOfFinishedTurns() {
        String[] t = tenantWithConversation();
        hardQuota(t[0], "model.completion_tokens", 1);
        String path = "/v1/conversations/" + t[2] + "/messages";
        assertThat(hub.post(t[1], path, Map.of("content", "one")).status()).isEqualTo(201);
        TestHub.Reply refused = hub.post(t[1], path, Map.of("content", "two"));
        assertThat(refused.code()).isEqualTo("quota_exceeded");
        assertThat(refused.json().get("error").get("details").get("used").asLong())
                .isEqualTo(ledgerSum(t[0], "model.completion_tokens")).isPositive();
    }

    @Test
    void aQuotaCreatedAgainStartsFromTheLedger() {
        String[] t = tenantWithConversation();
        String quotas = "/admin/tenants/" + t[0] + "/quotas";
        String id = hardQuota(t[0], "messages.in", 1);
        String path = "/v1/conversations/" + t[2] + "/messages";
        assertThat(hub.post(t[1], path, Map.of("content", "one")).status()).isEqualTo(201);
        assertThat(hub.post(t[1], path, Map.of("content", "two")).code()).isEqualTo("quota_exceeded");
        assertThat(hub.delete(TestHub.ROOT_KEY, quotas + "/" + id).status()).isEqualTo(204);
        assertThat(hub.post(t[1], path, Map.of("content", "three")).status()).isEqualTo(201);
        // The new quota has a new counter, seeded from the two messages the ledger holds today.
        hardQuota(t[0], "messages.in", 3);
        assertThat(hub.post(t[1], path, Map.of("content", "four")).status()).isEqualTo(201);
        TestHub.Reply refused = hub.post(t[1], path, Map.of("content", "five"));
        assertThat(refused.code()).isEqualTo("quota_exceeded");
        assertThat(refused.json().get("error").get("details").get("used").asLong()).isEqualTo(3);
    }

    @Test
    void quotasAreTheOperatorsToSetAndValidated() {
        String[] t = tenantWithConversation();
        assertThat(hub.post(t[1], "/admin/tenants/" + t[0] + "/quotas", Map.of("usage_type", "messages.in",
                "period", "daily", "limit", 1)).status()).isEqualTo(403);
        TestHub.Reply bad = hub.post(TestHub.ROOT_KEY, "/admin/tenants/" + t[0] + "/quotas", Map.of("usage_type",
                "Messages In", "period", "weekly", "limit", -1, "mode", "strict"));
        assertThat(bad.code()).isEqualTo("invalid_quota");
        assertThat(bad.json().get("error").get("details").get("errors").fieldNames()).toIterable()
                .contains("usage_type", "period", "limit", "mode");
    }

    /**
     * A quota made soft for a while and hard again counts what was used while it was soft: each mode's counter moves
     * only while it is the quota's, so a change of mode drops them and the next turn seeds from the ledger.
     */
    @Test
    void aQuotaMadeSoftAndHardAgainCountsTheUsageInBetween() {
        String[] t = tenantWithConversation();
        String quotas = "/admin/tenants/" + t[0] + "/quotas";
        String id = hardQuota(t[0], "messages.in", 6);
        String path = "/v1/conversations/" + t[2] + "/messages";
        for (int i = 0; i < 2; i++) {
            TestHub.check(hub.post(t[1], path, Map.of("content", "hard " + i)), 201);
        }
        TestHub.check(hub.patch(TestHub.ROOT_KEY, quotas + "/" + id, Map.of("mode", "soft")), 200);
        for (int i = 0; i < 2; i++) {
            TestHub.check(hub.post(t[1], path, Map.of("content", "soft " + i)), 201);
        }
        TestHub.check(hub.patch(TestHub.ROOT_KEY, quotas + "/" + id, Map.of("mode", "hard")), 200);
        for (int i = 0; i < 2; i++) {
            TestHub.check(hub.post(t[1], path, Map.of("content", "hard again " + i)), 201);
        }
        TestHub.Reply refused = hub.post(t[1], path, Map.of("content", "one too many"));
        assertThat(refused.code()).as(refused.body()).isEqualTo("quota_exceeded");
        assertThat(ledgerSum(t[0], "messages.in")).isEqualTo(6);
    }

    @Test
    void anOperatorChangesAQuotaAndTheNextTurnMeetsTheNewLimit() {
        String[] t = tenantWithConversation();
        String quotas = "/admin/tenants/" + t[0] + "/quotas";
        String id = TestHub.check(hub.post(TestHub.ROOT_KEY, quotas, Map.of("usage_type", "messages.in", "period",
                "daily", "limit", 1)), 201).json().get("id").asText();
        String path = "/v1/conversations/" + t[2] + "/messages";
        TestHub.check(hub.post(t[1], path, Map.of("content", "one")), 201);
        assertThat(hub.post(t[1], path, Map.of("content", "two")).code()).isEqualTo("quota_exceeded");

        JsonNode changed = TestHub.check(hub.patch(TestHub.ROOT_KEY, quotas + "/" + id, Map.of("limit", 2,
                "thresholds", List.of(50))), 200).json();
        assertThat(changed.get("limit").asLong()).isEqualTo(2);
        assertThat(changed.get("used").asLong()).isEqualTo(1);
        assertThat(changed.get("thresholds")).extracting(JsonNode::asInt).containsExactly(50);
        TestHub.check(hub.post(t[1], path, Map.of("content", "two")), 201);
        assertThat(hub.post(t[1], path, Map.of("content", "three")).code()).isEqualTo("quota_exceeded");

        assertThat(hub.patch(TestHub.ROOT_KEY, quotas + "/" + id, Map.of("period", "monthly")).status())
                .isEqualTo(422);
        assertThat(hub.patch(TestHub.ROOT_KEY, quotas + "/" + id, Map.of("limit", -5)).code())
                .isEqualTo("invalid_quota");
        assertThat(hub.patch(t[1], quotas + "/" + id, Map.of("limit", 100)).status()).isEqualTo(403);
        String[] other = tenantWithConversation();
        assertThat(hub.patch(TestHub.ROOT_KEY, "/admin/tenants/" + other[0] + "/quotas/" + id, Map.of("limit", 100))
                .status()).isEqualTo(404);
    }
}
