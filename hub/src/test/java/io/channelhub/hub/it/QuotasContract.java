package io.channelhub.hub.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
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
import org.junit.jupiter.api.Test;

/** Hard quotas stop a conversation mid-way (JSON and SSE); soft quotas let it go on and notify once. */
abstract class QuotasContract extends HubIntegrationTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    @Override
    protected ConfigOverride[] overrides() {
        return new ConfigOverride[] {ConfigOverride.config("delivery.allowPrivateTargets", "true")};
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
        assertThat(sse.body()).startsWith("event: error\n").contains("quota_exceeded");
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
            TestHub.check(hub.post(t[1], "/v1/webhooks", Map.of("url", rx.url("/q"), "events",
                    List.of("quota.threshold"))), 201);
            TestHub.check(hub.post(TestHub.ROOT_KEY, "/admin/tenants/" + t[0] + "/quotas", Map.of("usage_type",
                    "messages.out", "period", "monthly", "limit", 2, "mode", "soft", "thresholds", List.of(50, 100))),
                    201);
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
}
