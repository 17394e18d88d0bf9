package io.channelhub.hub.webhooks;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.channelhub.hub.support.HubIntegrationTest;
import io.channelhub.hub.support.TestHub;
import io.channelhub.hub.support.WebhookReceiver;
import io.dropwizard.testing.ConfigOverride;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Integrator webhooks: signed events, retries, the dead-letter state, replay and secret rotation. */
abstract class WebhooksContract extends HubIntegrationTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private String admin;

    @Override
    protected ConfigOverride[] overrides() {
        return new ConfigOverride[] {
            ConfigOverride.config("delivery.allowPrivateTargets", "true"),
            ConfigOverride.config("delivery.maxAttempts", "3"),
            ConfigOverride.config("delivery.initialBackoff", "50ms"),
            ConfigOverride.config("delivery.maxBackoff", "200ms"),
            ConfigOverride.config("delivery.pollInterval", "100ms")};
    }

    @BeforeAll
    void tenant() {
        String t = hub.createTenant(slug("hooks"));
        admin = hub.createKey(t, "admin").get("key").asText();
        TestHub.check(hub.post(admin, "/v1/agents", Map.of("slug", "hook-agent", "name", "A")), 201);
    }

    private JsonNode subscribe(String url, List<String> events) {
        return TestHub.check(hub.post(admin, "/v1/webhooks", Map.of("url", url, "events", events)), 201).json();
    }

    private void chat() {
        String c = TestHub.check(hub.post(admin, "/v1/conversations", Map.of()), 201).json().get("id").asText();
        TestHub.check(hub.post(admin, "/v1/conversations/" + c + "/messages", Map.of("content", "hello hooks")), 201);
    }

    static String hmac(String secret, String text) throws Exception {
        Mac mac = Mac.getInstance("HmacSHA256");
        mac.init(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
        return HexFormat.of().formatHex(mac.doFinal(text.getBytes(StandardCharsets.UTF_8)));
    }

    /** What a receiver does: timestamp within 5 minutes, and one v1 matches HMAC(secret, t + "." + body). */
    static boolean verifies(WebhookReceiver.Received r, String secret) throws Exception {
        String header = r.header("ChannelHub-Signature");
        long t = 0;
        List<String> v1 = new ArrayList<>();
        for (String part : header.split(",")) {
            String[] kv = part.split("=", 2);
            if (kv[0].equals("t")) {
                t = Long.parseLong(kv[1]);
            } else if (kv[0].equals("v1")) {
                v1.add(kv[1]);
            }
        }
        if (Math.abs(Instant.now().getEpochSecond() - t) > 300) {
            return false;
        }
        return v1.contains(hmac(secret, t + "." + r.body()));
    }

    @Test
    void conversationEventsArriveSigned() throws Exception {
        try (WebhookReceiver rx = new WebhookReceiver()) {
            JsonNode hook = subscribe(rx.url("/hooks"), List.of("*"));
            String secret = hook.get("secret").asText();
            assertThat(secret).startsWith("whsec_");
            assertThat(hub.get(admin, "/v1/webhooks/" + hook.get("id").asText()).json().has("secret")).isFalse();
            chat();
            await().atMost(Duration.ofSeconds(10)).until(() -> rx.received().size() >= 3);
            List<String> types = new ArrayList<>();
            for (WebhookReceiver.Received r : rx.received()) {
                assertThat(verifies(r, secret)).as("signature of " + r.body()).isTrue();
                assertThat(verifies(r, "whsec_wrong")).isFalse();
                JsonNode event = JSON.readTree(r.body());
                assertThat(event.get("id").asText()).isEqualTo(r.header("ChannelHub-Event-Id"));
                types.add(event.get("type").asText());
            }
            assertThat(types).contains("conversation.created", "message.received", "message.sent");
            JsonNode sent = rx.received().stream().map(r -> {
                try {
                    return JSON.readTree(r.body());
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            }).filter(e -> e.get("type").asText().equals("message.sent")).findFirst().orElseThrow();
            assertThat(sent.get("data").get("message").get("content").asText()).startsWith("[demo]");
            hub.delete(admin, "/v1/webhooks/" + hook.get("id").asText());
        }
    }

    @Test
    void onlySubscribedEventsAreSent() throws Exception {
        try (WebhookReceiver rx = new WebhookReceiver()) {
            JsonNode hook = subscribe(rx.url("/only-sent"), List.of("message.sent"));
            chat();
            await().atMost(Duration.ofSeconds(10)).until(() -> rx.received().size() >= 1);
            assertThat(rx.received()).allMatch(r -> "message.sent".equals(r.header("ChannelHub-Event-Type")));
            hub.delete(admin, "/v1/webhooks/" + hook.get("id").asText());
        }
    }

    @Test
    void aFailingEndpointIsRetriedUntilItAnswers() throws Exception {
        try (WebhookReceiver rx = new WebhookReceiver()) {
            rx.answer(500, 503);
            JsonNode hook = subscribe(rx.url("/flaky"), List.of("conversation.created"));
            String id = hook.get("id").asText();
            TestHub.check(hub.post(admin, "/v1/conversations", Map.of()), 201);
            await().atMost(Duration.ofSeconds(10)).until(() -> "delivered".equals(
                    hub.get(admin, "/v1/webhooks/" + id + "/deliveries").json().get("data").get(0).get("status")
                            .asText()));
            JsonNode d = hub.get(admin, "/v1/webhooks/" + id + "/deliveries").json().get("data").get(0);
            assertThat(d.get("attempts").asInt()).isEqualTo(3);
            assertThat(rx.received()).hasSize(3);
            assertThat(rx.received().get(0).header("ChannelHub-Event-Id"))
                    .isEqualTo(rx.received().get(2).header("ChannelHub-Event-Id"));
            hub.delete(admin, "/v1/webhooks/" + id);
        }
    }

    /** A tenant (its admin and viewer keys) subscribed to conversation.created at {@code rx}. */
    record Subscriber(String tenantId, String admin, String viewer) {
    }

    /** Such a tenant, with one conversation created: its delivery to {@code rx}, answering {@code status}, is under way. */
    Subscriber subscriberOfConversations(String name, WebhookReceiver rx, int status) {
        String t = hub.createTenant(slug(name));
        String key = hub.createKey(t, "admin").get("key").asText();
        String viewer = hub.createKey(t, "viewer").get("key").asText();
        TestHub.check(hub.post(key, "/v1/agents", Map.of("slug", name + "-agent", "name", "A")), 201);
        rx.always(status);
        TestHub.check(hub.post(key, "/v1/webhooks", Map.of("url", rx.url("/" + name), "events",
                List.of("conversation.created"))), 201);
        TestHub.check(hub.post(key, "/v1/conversations", Map.of()), 201);
        return new Subscriber(t, key, viewer);
    }

    @Test
    void deadLettersOfEveryKindAreListedAndRetriedWhereSafe() throws Exception {
        try (WebhookReceiver rx = new WebhookReceiver()) {
            Subscriber sub = subscriberOfConversations("dead", rx, 500);
            String t = sub.tenantId();
            String key = sub.admin();
            String viewer = sub.viewer();
            await().atMost(Duration.ofSeconds(10)).until(() -> hub.get(key, "/v1/dead-letters").json().get("data")
                    .size() == 1);
            JsonNode letter = hub.get(key, "/v1/dead-letters").json().get("data").get(0);
            assertThat(letter.get("kind").asText()).isEqualTo("webhook");
            assertThat(letter.get("event_type").asText()).isEqualTo("conversation.created");
            assertThat(letter.get("attempts").asInt()).isEqualTo(3);
            assertThat(letter.get("retryable").asBoolean()).isTrue();

            // A channel event whose processing was given up, as the processor leaves it.
            hub.app().jdbi().useHandle(h -> h.createUpdate("INSERT INTO inbound_events (id, tenant_id, "
                            + "channel_instance_id, plugin_id, external_id, event_type, payload, status, received_at, "
                            + "attempts, last_error) VALUES ('ine_deadtest', :t, 'ci_gone', 'test-channel', 'x-1', 'message', "
                            + "'{}', 'failed', :at, 8, 'boom')").bind("t", t).bind("at", java.time.Instant.now())
                    .execute());
            JsonNode both = hub.get(key, "/v1/dead-letters").json().get("data");
            assertThat(both).extracting(n -> n.get("kind").asText()).containsExactlyInAnyOrder("webhook",
                    "channel_event");

            assertThat(hub.get(viewer, "/v1/dead-letters").status()).isEqualTo(403);
            String other = hub.createKey(hub.createTenant(slug("other")), "admin").get("key").asText();
            assertThat(hub.post(other, "/v1/dead-letters/" + letter.get("id").asText() + "/retry", null).status())
                    .isEqualTo(404);

            rx.always(0);
            JsonNode retried = TestHub.check(hub.post(key, "/v1/dead-letters/" + letter.get("id").asText()
                    + "/retry", null), 202).json();
            assertThat(retried.get("id").asText()).isNotEqualTo(letter.get("id").asText());
            // Once: a second retry (a double click, the operator at the same time) sends nothing more.
            assertThat(hub.post(key, "/v1/dead-letters/" + letter.get("id").asText() + "/retry", null).code())
                    .isEqualTo("not_dead");
            await().atMost(Duration.ofSeconds(10)).until(() -> rx.received().stream()
                    .anyMatch(r -> r.body().contains("conversation.created")));
            TestHub.check(hub.post(key, "/v1/dead-letters/ine_deadtest/retry", null), 202);
            assertThat(hub.count("SELECT COUNT(*) FROM inbound_events WHERE id = 'ine_deadtest' AND status <> "
                    + "'failed'")).isEqualTo(1);
            assertThat(hub.post(key, "/v1/dead-letters/ine_deadtest/retry", null).status()).isEqualTo(404);
            assertThat(hub.post(key, "/v1/dead-letters/" + retried.get("id").asText() + "/retry", null).code())
                    .isEqualTo("not_dead");
        }
    }

    /**
     * The tenant's background work as jobs: a delivery waiting an hour for its next attempt (as the default backoff
     * leaves it after a few failures) is tried at once when asked, once its target works again; given-up work shows as
     * dead beside it.
     */
    @Test
    void jobsShowWorkInProgressAndGivenUpAndARetryBringsTheNextAttemptForward() throws Exception {
        try (WebhookReceiver rx = new WebhookReceiver()) {
            Subscriber sub = subscriberOfConversations("jobs", rx, 503);
            String t = sub.tenantId();
            String key = sub.admin();
            String viewer = sub.viewer();
            await().atMost(Duration.ofSeconds(10)).until(() -> hub.get(key, "/v1/jobs?state=dead").json().get("data")
                    .size() == 1);
            JsonNode dead = hub.get(key, "/v1/jobs?state=dead").json().get("data").get(0);
            assertThat(dead.get("kind").asText()).isEqualTo("webhook");
            assertThat(dead.get("attempts").asInt()).isEqualTo(3);
            assertThat(dead.get("last_error").asText()).contains("503");

            // Another delivery, between attempts: two failed, the next one due in an hour.
            TestHub.check(hub.post(key, "/v1/conversations", Map.of()), 201);
            await().atMost(Duration.ofSeconds(10)).until(() -> hub.get(key, "/v1/jobs?state=dead").json().get("data")
                    .size() == 2);
            String waiting = hub.get(key, "/v1/jobs?state=dead").json().get("data").get(0).get("id").asText();
            hub.app().jdbi().useHandle(h -> h.createUpdate("UPDATE outbox SET status = 'pending', attempts = 2, "
                    + "next_attempt_at = :later WHERE tenant_id = :t AND delivery_id = :d").bind("t", t)
                    .bind("d", waiting).bind("later", java.time.Instant.now().plusSeconds(3600)).execute());
            JsonNode job = TestHub.check(hub.get(key, "/v1/jobs/" + waiting), 200).json();
            assertThat(job.get("state").asText()).isEqualTo("retrying");
            assertThat(job.get("retryable").asBoolean()).isTrue();
            assertThat(java.time.Instant.parse(job.get("next_attempt_at").asText()))
                    .isAfter(java.time.Instant.now().plusSeconds(3000));
            JsonNode all = TestHub.check(hub.get(key, "/v1/jobs"), 200).json().get("data");
            assertThat(all).extracting(n -> n.get("state").asText()).containsExactlyInAnyOrder("retrying", "dead");
            assertThat(TestHub.check(hub.get(key, "/v1/jobs?state=retrying"), 200).json().get("data"))
                    .singleElement().satisfies(j -> assertThat(j.get("id").asText()).isEqualTo(waiting));
            assertThat(TestHub.check(hub.get(key, "/v1/jobs?state=open"), 200).json().get("data")).hasSize(1);
            assertThat(hub.get(key, "/v1/jobs?state=sleeping").code()).isEqualTo("invalid_field");

            assertThat(hub.get(viewer, "/v1/jobs").status()).isEqualTo(403);
            String other = hub.createKey(hub.createTenant(slug("other-jobs")), "admin").get("key").asText();
            assertThat(hub.get(other, "/v1/jobs/" + waiting).status()).isEqualTo(404);
            assertThat(hub.post(other, "/v1/jobs/" + waiting + "/retry", null).status()).isEqualTo(404);
            assertThat(TestHub.check(hub.get(other, "/v1/jobs"), 200).json().get("data")).isEmpty();

            // The CRM is back: asked, the waiting delivery goes now rather than in an hour.
            rx.always(0);
            int before = rx.received().size();
            TestHub.check(hub.post(key, "/v1/jobs/" + waiting + "/retry", null), 202);
            await().atMost(Duration.ofSeconds(10)).until(() -> rx.received().size() > before);
            await().atMost(Duration.ofSeconds(10)).until(() -> hub.get(key, "/v1/jobs/" + waiting).status() == 404);
            // The dead one is sent again through the same route.
            JsonNode again = TestHub.check(hub.post(key, "/v1/jobs/" + dead.get("id").asText() + "/retry", null), 202)
                    .json();
            assertThat(again.get("id").asText()).isNotEqualTo(dead.get("id").asText());
            assertThat(hub.post(key, "/v1/jobs/" + dead.get("id").asText() + "/retry", null).code())
                    .isEqualTo("not_retryable");
            assertThat(TestHub.check(hub.get(key, "/v1/jobs?state=open"), 200).json().get("data"))
                    .allMatch(j -> !"dead".equals(j.get("state").asText()));
            assertThat(hub.count("SELECT COUNT(*) FROM audit_log WHERE tenant_id = ? AND action = 'job.retry'", t))
                    .isEqualTo(2);
        }
    }

    @Test
    void aDeadDeliveryIsReportedAndCanBeReplayed() throws Exception {
        try (WebhookReceiver rx = new WebhookReceiver(); WebhookReceiver ops = new WebhookReceiver()) {
            rx.always(500);
            JsonNode hook = subscribe(rx.url("/down"), List.of("conversation.created"));
            JsonNode watcher = subscribe(ops.url("/ops"), List.of("delivery.failed"));
            String id = hook.get("id").asText();
            TestHub.check(hub.post(admin, "/v1/conversations", Map.of()), 201);
            await().atMost(Duration.ofSeconds(10)).until(() -> "dead".equals(
                    hub.get(admin, "/v1/webhooks/" + id + "/deliveries").json().get("data").get(0).get("status")
                            .asText()));
            JsonNode dead = hub.get(admin, "/v1/webhooks/" + id + "/deliveries").json().get("data").get(0);
            assertThat(dead.get("attempts").asInt()).isEqualTo(3);
            assertThat(dead.get("last_status_code").asInt()).isEqualTo(500);
            // The watcher hears of every dead delivery of the tenant (an earlier case's too): this one's among them.
            await().atMost(Duration.ofSeconds(10)).until(() -> ops.received().stream().anyMatch(r -> {
                try {
                    return id.equals(JSON.readTree(r.body()).get("data").get("webhook_id").asText());
                } catch (java.io.IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
            }));

            rx.always(0);
            TestHub.Reply replay = hub.post(admin, "/v1/webhooks/" + id + "/deliveries/" + dead.get("id").asText()
                    + "/replay", null);
            assertThat(replay.status()).isEqualTo(202);
            String newId = replay.json().get("id").asText();
            await().atMost(Duration.ofSeconds(10)).until(() -> hub.get(admin, "/v1/webhooks/" + id + "/deliveries")
                    .json().get("data").get(0).get("status").asText().equals("delivered"));
            assertThat(hub.get(admin, "/v1/webhooks/" + id + "/deliveries").json().get("data").get(0).get("id")
                    .asText()).isEqualTo(newId);
            hub.delete(admin, "/v1/webhooks/" + id);
            hub.delete(admin, "/v1/webhooks/" + watcher.get("id").asText());
        }
    }

    @Test
    void duringARotationBothSecretsSign() throws Exception {
        try (WebhookReceiver rx = new WebhookReceiver()) {
            JsonNode hook = subscribe(rx.url("/rotating"), List.of("conversation.created"));
            String id = hook.get("id").asText();
            String old = hook.get("secret").asText();
            JsonNode rotated = TestHub.check(hub.post(admin, "/v1/webhooks/" + id + "/rotate-secret",
                    Map.of("grace_seconds", 600)), 200).json();
            String next = rotated.get("secret").asText();
            assertThat(next).isNotEqualTo(old);
            TestHub.check(hub.post(admin, "/v1/conversations", Map.of()), 201);
            await().atMost(Duration.ofSeconds(10)).until(() -> !rx.received().isEmpty());
            assertThat(verifies(rx.received().get(0), next)).isTrue();
            assertThat(verifies(rx.received().get(0), old)).isTrue();

            TestHub.check(hub.post(admin, "/v1/webhooks/" + id + "/rotate-secret", Map.of("grace_seconds", 0)), 200);
            TestHub.check(hub.post(admin, "/v1/conversations", Map.of()), 201);
            await().atMost(Duration.ofSeconds(10)).until(() -> rx.received().size() >= 2);
            assertThat(verifies(rx.received().get(1), next)).as("the first secret's grace ended").isFalse();
            hub.delete(admin, "/v1/webhooks/" + id);
        }
    }

    @Test
    void subscriptionsAreValidated() {
        assertThat(hub.post(admin, "/v1/webhooks", Map.of("url", "ftp://x")).code()).isEqualTo("invalid_url");
        assertThat(hub.post(admin, "/v1/webhooks", Map.of("url", "https://example.com/h", "events",
                List.of("everything"))).code()).isEqualTo("invalid_event");
    }

    @Test
    void deliveryIdsAreRandomIdsInTheHeaderTheLogAndReplay() throws Exception {
        try (WebhookReceiver rx = new WebhookReceiver()) {
            JsonNode hook = subscribe(rx.url("/ids"), List.of("conversation.created"));
            String id = hook.get("id").asText();
            TestHub.check(hub.post(admin, "/v1/conversations", Map.of()), 201);
            TestHub.check(hub.post(admin, "/v1/conversations", Map.of()), 201);
            await().atMost(Duration.ofSeconds(10)).until(() -> rx.received().size() == 2);
            JsonNode log = hub.get(admin, "/v1/webhooks/" + id + "/deliveries").json().get("data");
            List<String> ids = new ArrayList<>();
            log.forEach(d -> ids.add(d.get("id").asText()));
            assertThat(ids).hasSize(2).allMatch(d -> d.matches("whd_[0-9A-Za-z]{22}"));
            assertThat(rx.received().stream().map(r -> r.header("ChannelHub-Delivery")).toList())
                    .containsExactlyInAnyOrderElementsOf(ids);
            // Paging and replay take the same ids.
            JsonNode older = hub.get(admin, "/v1/webhooks/" + id + "/deliveries?limit=1&before=" + ids.get(0))
                    .json().get("data");
            assertThat(older).hasSize(1);
            assertThat(older.get(0).get("id").asText()).isEqualTo(ids.get(1));
            TestHub.Reply replay = TestHub.check(hub.post(admin, "/v1/webhooks/" + id + "/deliveries/" + ids.get(1)
                    + "/replay", null), 202);
            assertThat(replay.json().get("id").asText()).matches("whd_[0-9A-Za-z]{22}").isNotIn(ids);
            assertThat(hub.post(admin, "/v1/webhooks/" + id + "/deliveries/whd_unknown/replay", null).status())
                    .isEqualTo(404);
            hub.delete(admin, "/v1/webhooks/" + id);
        }
    }

    @Test
    void aDeliveryLoggedBeforeIdsWereRandomIsStillFoundByItsNumber() throws Exception {
        try (WebhookReceiver rx = new WebhookReceiver()) {
            JsonNode hook = subscribe(rx.url("/legacy"), List.of("conversation.created"));
            String id = hook.get("id").asText();
            TestHub.check(hub.post(admin, "/v1/conversations", Map.of()), 201);
            await().atMost(Duration.ofSeconds(10)).until(() -> rx.received().size() == 1);
            // What migration 015 made of a row written before it: its old number kept as whd_<number>.
            long number = hub.app().jdbi().withHandle(h -> {
                long n = h.createQuery("SELECT id FROM outbox WHERE target_id = :w").bind("w", id)
                        .mapTo(Long.class).one();
                h.createUpdate("UPDATE outbox SET delivery_id = CONCAT('whd_', id) WHERE id = :n").bind("n", n)
                        .execute();
                return n;
            });
            JsonNode logged = hub.get(admin, "/v1/webhooks/" + id + "/deliveries").json().get("data").get(0);
            assertThat(logged.get("id").asText()).isEqualTo("whd_" + number);
            TestHub.check(hub.post(admin, "/v1/webhooks/" + id + "/deliveries/" + number + "/replay", null), 202);
            await().atMost(Duration.ofSeconds(10)).until(() -> rx.received().size() == 2);
            hub.delete(admin, "/v1/webhooks/" + id);
        }
    }
}
