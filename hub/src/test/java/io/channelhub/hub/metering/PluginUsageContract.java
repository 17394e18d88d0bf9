package io.channelhub.hub.metering;

import static org.assertj.core.api.Assertions.assertThat;

import io.channelhub.hub.support.HubIntegrationTest;
import io.channelhub.hub.support.TestHub;
import io.channelhub.hub.support.TestPlugins;
import io.dropwizard.testing.ConfigOverride;
import java.net.URI;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import redis.clients.jedis.RedisClient;

/**
 * Usage a channel plugin records while parsing an inbound request is billed only with the work it belongs to, and a
 * hard quota on the plugin's own usage type ({@code sms.segments}) refuses the record itself: the plugin can answer
 * the refusal, or leave it to the hub's 429.
 */
abstract class PluginUsageContract extends HubIntegrationTest {

    private final String redisPrefix = "test:plugin-usage:" + UUID.randomUUID() + ":";

    /** The Redis holding the quota counters, or null for in-process counters. */
    protected String redisUri() {
        return null;
    }

    @Override
    protected ConfigOverride[] overrides() {
        List<ConfigOverride> o = new ArrayList<>();
        if (redisUri() != null) {
            try (RedisClient redis = RedisClient.create(URI.create(redisUri()))) {
                assertThat(redis.ping()).as("Redis at " + redisUri() + " is required for this test").isEqualTo("PONG");
            }
            o.add(ConfigOverride.config("redis.uri", redisUri()));
            o.add(ConfigOverride.config("quotas.keyPrefix", redisPrefix));
        }
        return o.toArray(ConfigOverride[]::new);
    }

    @Override
    protected void morePlugins(Path dir) {
        TestPlugins.smsChannel(dir);
    }

    /** A tenant with an agent and an SMS instance: {tenant id, instance id}. */
    private String[] tenantWithSms() {
        String t = hub.createTenant(slug("sms"));
        String key = hub.createKey(t, "admin").get("key").asText();
        TestHub.check(hub.post(key, "/v1/agents", Map.of("slug", "sms-agent", "name", "S")), 201);
        String ci = TestHub.check(hub.post(key, "/v1/channel-instances", Map.of("plugin_id", "test-sms", "name",
                "sms", "settings", Map.of())), 201).json().get("id").asText();
        return new String[] {t, ci};
    }

    private void hardQuota(String tenant, String type, long limit) {
        TestHub.check(hub.post(TestHub.ROOT_KEY, "/admin/tenants/" + tenant + "/quotas", Map.of("usage_type", type,
                "period", "daily", "limit", limit, "mode", "hard")), 201);
    }

    private TestHub.Reply inbound(String instance, String query) {
        return hub.call("POST", "/hooks/instances/" + instance + "/in?" + query,
                Map.of("Content-Type", "application/json"), "{}");
    }

    private long used(String tenant, String type) {
        return hub.app().jdbi().withHandle(h -> h.createQuery("SELECT COALESCE(SUM(quantity), 0) FROM usage_events "
                + "WHERE tenant_id = :t AND usage_type = :u").bind("t", tenant).bind("u", type).mapTo(Long.class)
                .one());
    }

    private long storedEvents(String tenant) {
        return hub.app().jdbi().withHandle(h -> h.createQuery("SELECT COUNT(*) FROM inbound_events WHERE "
                + "tenant_id = :t").bind("t", tenant).mapTo(Long.class).one());
    }

    @Test
    void pluginUsageOfARefusedTurnIsNotBilled() {
        String[] s = tenantWithSms();
        hardQuota(s[0], "messages.in", 1);
        hardQuota(s[0], "sms.segments", 5);

        TestHub.Reply first = inbound(s[1], "id=m1&segments=2&turn=1");
        assertThat(first.status()).as(first.body()).isEqualTo(200);
        assertThat(first.json().get("reply").get("content").asText()).isNotBlank();

        // The plugin meters 3 segments, then the hub refuses the turn (messages.in is used up).
        TestHub.Reply refused = inbound(s[1], "id=m2&segments=3&turn=1");
        assertThat(refused.status()).isEqualTo(429);
        assertThat(refused.code()).isEqualTo("quota_exceeded");
        assertThat(refused.json().get("error").get("details").get("usage_type").asText()).isEqualTo("messages.in");

        assertThat(used(s[0], "sms.segments")).isEqualTo(2);
        assertThat(storedEvents(s[0])).isEqualTo(1);
        // The refused turn's 3 segments went back to the quota: 2 + 3 fit in 5.
        assertThat(inbound(s[1], "id=m3&segments=3").status()).isEqualTo(200);
        assertThat(used(s[0], "sms.segments")).isEqualTo(5);
    }

    @Test
    void usageAPluginRecordsAfterItsRequestEndedIsBilledNotLost() {
        String[] s = tenantWithSms();
        // The plugin keeps the request's context and meters 4 segments from its own thread, after the request
        // was answered and its usage committed.
        assertThat(inbound(s[1], "id=late1&segments=1&later=4").status()).isEqualTo(200);
        org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(10))
                .until(() -> used(s[0], "sms.segments") == 5);
        long late = hub.app().jdbi().withHandle(h -> h.createQuery("SELECT COUNT(*) FROM usage_events WHERE "
                + "tenant_id = :t AND idempotency_key = 'test-sms:late:late1'").bind("t", s[0]).mapTo(Long.class)
                .one());
        assertThat(late).isEqualTo(1);
    }

    @Test
    void aSendThePluginMetersPastAHardQuotaFailsTheReplyOnceInsteadOfRetrying() {
        String[] s = tenantWithSms();
        hardQuota(s[0], "sms.segments", 1);
        // The inbound message uses the one segment; the reply's send would use a second.
        assertThat(inbound(s[1], "id=meter-on-send-1&segments=1").status()).isEqualTo(200);
        String sql = "SELECT m.status, m.error_code FROM messages m WHERE m.tenant_id = :t AND m.role = 'assistant'";
        org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(20)).until(() -> hub.app().jdbi()
                .withHandle(h -> h.createQuery(sql).bind("t", s[0]).mapToMap().list()).stream()
                .anyMatch(r -> "failed".equals(r.get("status"))));
        Map<String, Object> reply = hub.app().jdbi().withHandle(h -> h.createQuery(sql).bind("t", s[0]).mapToMap()
                .one());
        assertThat(reply.get("error_code")).isEqualTo("quota_exceeded");
        long attempts = hub.app().jdbi().withHandle(h -> h.createQuery("SELECT SUM(attempts) FROM outbox WHERE "
                + "tenant_id = :t AND kind = 'channel'").bind("t", s[0]).mapTo(Long.class).one());
        assertThat(attempts).as("refused once, not retried").isEqualTo(1);
        assertThat(used(s[0], "sms.segments")).isEqualTo(1);
    }

    @Test
    void aHardQuotaOnAPluginUsageTypeRefusesTheRecord() {
        String[] s = tenantWithSms();
        hardQuota(s[0], "sms.segments", 5);

        assertThat(inbound(s[1], "id=a&segments=3").status()).isEqualTo(200);

        // Left to the hub: its JSON 429, and nothing of the request stored.
        TestHub.Reply refused = inbound(s[1], "id=b&segments=3");
        assertThat(refused.status()).isEqualTo(429);
        assertThat(refused.code()).isEqualTo("quota_exceeded");
        assertThat(refused.json().get("error").get("details").get("usage_type").asText()).isEqualTo("sms.segments");
        assertThat(refused.json().get("error").get("details").get("limit").asLong()).isEqualTo(5);

        // Handled by the plugin: its own answer.
        TestHub.Reply handled = inbound(s[1], "id=c&segments=3&catch=1");
        assertThat(handled.status()).isEqualTo(429);
        assertThat(handled.json().get("refused").asText()).isEqualTo("sms.segments");
        assertThat(handled.json().get("limit").asLong()).isEqualTo(5);

        // Exactly up to the limit passes.
        assertThat(inbound(s[1], "id=d&segments=2").status()).isEqualTo(200);
        assertThat(inbound(s[1], "id=e&segments=1").status()).isEqualTo(429);
        assertThat(used(s[0], "sms.segments")).isEqualTo(5);
        assertThat(storedEvents(s[0])).isEqualTo(2);

        // A retried webhook (same event, same usage key) is stored and billed once.
        assertThat(inbound(s[1], "id=a&segments=3").status()).isEqualTo(200);
        assertThat(used(s[0], "sms.segments")).isEqualTo(5);
    }
}
