package io.channelhub.hub.channels;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.channelhub.hub.support.HubIntegrationTest;
import io.channelhub.hub.support.TestHub;
import io.channelhub.hub.support.TestHub.Reply;
import io.dropwizard.testing.ConfigOverride;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The web widget's public protocol (docs/channel-web.md) against the real channel-web plugin jar of the build:
 * origins and CORS, visitor tokens, identity verification, SSE and JSON turns, de-duplication, per-visitor limits,
 * quotas and metering through the core, and isolation between visitors, widgets and tenants.
 */
abstract class WebChannelContract extends HubIntegrationTest {

    static final String SITE = "https://www.acme.example";
    static final String SECRET = "identity-secret-of-acme-0123456789";
    static final int VISITOR_LIMIT = 4;

    String tenantId;
    String admin;
    String widget;
    String verifiedWidget;

    @Override
    protected ConfigOverride[] overrides() {
        return new ConfigOverride[] {
                ConfigOverride.config("rateLimits.channelContact.capacity", Integer.toString(VISITOR_LIMIT)),
                ConfigOverride.config("rateLimits.channelContact.period", "1h")};
    }

    @Override
    protected void morePlugins(Path dir) {
        io.channelhub.hub.support.TestPlugins.copyBundled(dir, "channel-web");
    }

    @BeforeAll
    void widgets() {
        tenantId = hub.createTenant(slug("acme"));
        admin = hub.createKey(tenantId, "admin").get("key").asText();
        TestHub.check(hub.post(admin, "/v1/agents", Map.of("slug", "support", "name", "Support")), 201);
        widget = createWidget(admin, Map.of("allowed_origins", List.of(SITE), "prechat_fields", List.of("name",
                "email")));
        verifiedWidget = createWidget(admin, Map.of("allowed_origins", List.of(SITE), "identity_verification", true,
                "identity_secret", SECRET));
    }

    /** Another tenant with an agent and a widget on SITE. */
    record TenantWidget(String tenantId, String key, String widget) {
    }

    TenantWidget tenantWithWidget(String base) {
        String t = hub.createTenant(slug(base));
        String key = hub.createKey(t, "admin").get("key").asText();
        TestHub.check(hub.post(key, "/v1/agents", Map.of("slug", "assistant-" + base, "name", "A")), 201);
        return new TenantWidget(t, key, createWidget(key, Map.of("allowed_origins", List.of(SITE))));
    }

    String createWidget(String key, Map<String, Object> settings) {
        return TestHub.check(hub.post(key, "/v1/channel-instances", Map.of("plugin_id", "channel-web", "name",
                "site " + UUID.randomUUID(), "settings", settings)), 201).json().get("id").asText();
    }

    Reply call(String method, String path, String origin, String token, String accept, String body) {
        Map<String, String> h = new LinkedHashMap<>();
        if (origin != null) {
            h.put("Origin", origin);
        }
        if (token != null) {
            h.put("Authorization", "Bearer " + token);
        }
        if (body != null) {
            h.put("Content-Type", "application/json");
        }
        h.put("Accept", accept == null ? "application/json" : accept);
        return hub.call(method, path, h, body);
    }

    JsonNode session(String w, String body) {
        return TestHub.check(call("POST", "/hooks/instances/" + w + "/sessions", SITE, null, null, body), 200)
                .json();
    }

    Reply send(String w, String token, String clientId, String text, boolean stream) {
        return call("POST", "/hooks/instances/" + w + "/messages", SITE, token, stream ? "text/event-stream" : null,
                "{\"client_message_id\":\"" + clientId + "\",\"text\":\"" + text + "\"}");
    }

    static String hmac(String secret, String userId) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
            return HexFormat.of().formatHex(mac.doFinal(userId.getBytes(StandardCharsets.UTF_8)));
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    long count(String sql, Object... args) {
        return hub.count(sql, args);
    }

    @Test
    void servesTheWidgetScriptAndStylesheetToAnyPage() {
        Reply js = hub.call("GET", "/hooks/plugins/channel-web/v1/widget.js", Map.of(), null);
        assertThat(js.status()).isEqualTo(200);
        assertThat(js.headers().firstValue("Content-Type").orElse("")).startsWith("text/javascript");
        assertThat(js.body()).contains("ChannelHub");
        Reply css = hub.call("GET", "/hooks/plugins/channel-web/v1/widget.css", Map.of(), null);
        assertThat(css.status()).isEqualTo(200);
        assertThat(css.headers().firstValue("Content-Type").orElse("")).startsWith("text/css");
        Reply other = hub.call("GET", "/hooks/plugins/channel-web/v1/../../etc/passwd", Map.of(), null);
        assertThat(other.status()).isIn(400, 404);
        assertThat(hub.call("GET", "/hooks/plugins/no-such-plugin/x", Map.of(), null).status()).isEqualTo(404);
    }

    @Test
    void refusesPagesWhoseOriginIsNotAllowed() {
        for (String origin : new String[] {"https://evil.example", "http://www.acme.example", null}) {
            Reply r = call("GET", "/hooks/instances/" + widget + "/config", origin, null, null, null);
            assertThat(r.status()).as(String.valueOf(origin)).isEqualTo(403);
            assertThat(r.code()).isEqualTo("origin_not_allowed");
            assertThat(r.headers().firstValue("Access-Control-Allow-Origin")).isEmpty();
        }
        Reply ok = call("GET", "/hooks/instances/" + widget + "/config", SITE, null, null, null);
        assertThat(ok.status()).isEqualTo(200);
        assertThat(ok.headers().firstValue("Access-Control-Allow-Origin")).contains(SITE);
        assertThat(ok.json().get("prechat_fields").toString()).contains("email");
        assertThat(ok.json().toString()).doesNotContain(SECRET);
    }

    /**
     * A page the hub serves itself (the demo) makes same-origin GETs, which carry no Origin: the browser's
     * Sec-Fetch-Site (or, before Fetch Metadata, its Referer) names the hub's own origin, which the core passes on.
     */
    @Test
    void servesTheHubsOwnPagesByTheirOriginAsTheHubSeesIt() {
        String self = hub.url("");
        String w = createWidget(admin, Map.of("allowed_origins", List.of(self)));
        String config = "/hooks/instances/" + w + "/config";
        Reply sameOrigin = hub.call("GET", config, Map.of("Sec-Fetch-Site", "same-origin", "Referer",
                self + "/demo"), null);
        assertThat(sameOrigin.status()).as(sameOrigin.body()).isEqualTo(200);
        assertThat(sameOrigin.headers().firstValue("Access-Control-Allow-Origin")).contains(self);
        Reply olderBrowser = hub.call("GET", config, Map.of("Referer", self + "/demo"), null);
        assertThat(olderBrowser.status()).isEqualTo(200);

        for (Map<String, String> h : List.of(Map.<String, String>of(), Map.of("Sec-Fetch-Site", "cross-site"),
                Map.of("Sec-Fetch-Site", "none"), Map.of("Sec-Fetch-Site", "same-site", "Referer", self + "/demo"),
                Map.of("Referer", "https://evil.example/"), Map.of("Origin", "https://evil.example",
                        "Sec-Fetch-Site", "cross-site"))) {
            Reply refused = hub.call("GET", config, h, null);
            assertThat(refused.status()).as(h.toString()).isEqualTo(403);
            assertThat(refused.code()).isEqualTo("origin_not_allowed");
            assertThat(refused.headers().firstValue("Access-Control-Allow-Origin")).isEmpty();
        }
        // The same hub under another name is another origin, which this widget does not list.
        String otherName = self.replace("localhost", "127.0.0.1") + config;
        assertThat(hub.call("GET", otherName, Map.of("Sec-Fetch-Site", "same-origin"), null).status())
                .isEqualTo(403);
        // A tenant's widget that does not list the hub's origin is not served on the hub's pages.
        assertThat(hub.call("GET", "/hooks/instances/" + widget + "/config", Map.of("Sec-Fetch-Site",
                "same-origin"), null).status()).isEqualTo(403);
    }

    @Test
    void answersPreflightsOfAllowedOriginsOnly() {
        Map<String, String> h = Map.of("Origin", SITE, "Access-Control-Request-Method", "POST",
                "Access-Control-Request-Headers", "authorization,content-type");
        Reply r = hub.call("OPTIONS", "/hooks/instances/" + widget + "/messages", h, null);
        assertThat(r.status()).isEqualTo(204);
        assertThat(r.headers().firstValue("Access-Control-Allow-Origin")).contains(SITE);
        assertThat(r.headers().firstValue("Access-Control-Allow-Headers").orElse("")).contains("Authorization");
        Reply evil = hub.call("OPTIONS", "/hooks/instances/" + widget + "/messages",
                Map.of("Origin", "https://evil.example", "Access-Control-Request-Method", "POST"), null);
        assertThat(evil.status()).isEqualTo(403);
        assertThat(evil.headers().firstValue("Access-Control-Allow-Origin")).isEmpty();
    }

    @Test
    void anUnknownDisabledOrSuspendedWidgetIsNotFound() {
        assertThat(call("GET", "/hooks/instances/ci_doesNotExist/config", SITE, null, null, null).code())
                .isEqualTo("channel_not_found");
        String t = hub.createTenant(slug("paused"));
        String key = hub.createKey(t, "admin").get("key").asText();
        String w = createWidget(key, Map.of("allowed_origins", List.of(SITE)));
        assertThat(call("GET", "/hooks/instances/" + w + "/config", SITE, null, null, null).status()).isEqualTo(200);
        TestHub.check(hub.patch(key, "/v1/channel-instances/" + w, Map.of("enabled", false)), 200);
        assertThat(call("GET", "/hooks/instances/" + w + "/config", SITE, null, null, null).status()).isEqualTo(404);
        TestHub.check(hub.patch(key, "/v1/channel-instances/" + w, Map.of("enabled", true)), 200);
        TestHub.check(hub.post(key, "/v1/plugins/channel-web/disable", null), 200);
        assertThat(call("GET", "/hooks/instances/" + w + "/config", SITE, null, null, null).status()).isEqualTo(404);
        TestHub.check(hub.post(key, "/v1/plugins/channel-web/enable", null), 200);
        TestHub.check(hub.post(TestHub.ROOT_KEY, "/admin/tenants/" + t + "/suspend", null), 200);
        assertThat(call("GET", "/hooks/instances/" + w + "/config", SITE, null, null, null).status()).isEqualTo(404);
        TestHub.check(hub.post(TestHub.ROOT_KEY, "/admin/tenants/" + t + "/activate", null), 200);
        assertThat(call("GET", "/hooks/instances/" + w + "/config", SITE, null, null, null).status()).isEqualTo(200);
    }

    @Test
    void anAnonymousVisitorChatsStreamedAndPlainAndResumesWithItsToken() {
        JsonNode s = session(widget, "{}");
        String token = s.get("visitor_token").asText();
        assertThat(s.get("verified").asBoolean()).isFalse();
        assertThat(s.get("conversation_id").isNull()).isTrue();

        Reply plain = send(widget, token, "m-1", "Olá, tudo bem?", false);
        assertThat(plain.status()).as(plain.body()).isEqualTo(200);
        assertThat(plain.headers().firstValue("Access-Control-Allow-Origin")).contains(SITE);
        assertThat(plain.json().get("reply").get("content").asText()).contains("Olá, tudo bem?");
        String conversation = plain.json().get("conversation_id").asText();

        Reply streamed = send(widget, token, "m-2", "second question", true);
        assertThat(streamed.status()).isEqualTo(200);
        assertThat(streamed.headers().firstValue("Content-Type").orElse("")).startsWith("text/event-stream");
        assertThat(streamed.headers().firstValue("Access-Control-Allow-Origin")).contains(SITE);
        String body = streamed.body();
        assertThat(body).contains("event: start").contains("event: delta").contains("event: done");
        assertThat(body.indexOf("event: start")).isLessThan(body.indexOf("event: delta"));
        assertThat(body.split("event: delta", -1).length - 1).as("several deltas").isGreaterThan(2);
        assertThat(body).contains(conversation);

        JsonNode again = session(widget, "{\"visitor_token\":\"" + token + "\"}");
        assertThat(again.get("visitor_id").asText()).isEqualTo(s.get("visitor_id").asText());
        assertThat(again.get("conversation_id").asText()).isEqualTo(conversation);
        JsonNode history = TestHub.check(call("GET", "/hooks/instances/" + widget + "/messages", SITE,
                again.get("visitor_token").asText(), null, null), 200).json();
        List<String> roles = new java.util.ArrayList<>();
        history.get("messages").forEach(m -> roles.add(m.get("role").asText()));
        assertThat(roles).containsExactly("user", "assistant", "user", "assistant");
        assertThat(history.get("messages").get(2).get("content").asText()).isEqualTo("second question");

        // Metered through the core, attributed to the widget.
        assertThat(count("SELECT COUNT(*) FROM usage_events WHERE tenant_id = ? AND usage_type = 'messages.in' "
                + "AND channel_instance_id = ?", tenantId, widget)).isGreaterThanOrEqualTo(2);
        assertThat(count("SELECT COUNT(*) FROM contacts WHERE tenant_id = ? AND channel_instance_id = ? AND "
                + "external_id = ?", tenantId, widget, s.get("visitor_id").asText())).isEqualTo(1);
    }

    @Test
    void aNewVisitorStartsWithoutHistoryAndCannotReadAnotherVisitorsConversation() {
        String a = session(widget, "{}").get("visitor_token").asText();
        TestHub.check(send(widget, a, "shared-id", "my order number is ORDER-KESTREL", false), 200);
        String b = session(widget, "{}").get("visitor_token").asText();
        JsonNode history = TestHub.check(call("GET", "/hooks/instances/" + widget + "/messages", SITE, b, null,
                null), 200).json();
        assertThat(history.get("messages").size()).isZero();
        // The same client id from another visitor is their own new message, never a replay of the first.
        Reply other = send(widget, b, "shared-id", "hello", false);
        assertThat(other.status()).isEqualTo(200);
        // A word no id or timestamp can hold: digits alone once matched a reply's microseconds.
        assertThat(other.body()).doesNotContain("KESTREL");
        assertThat(other.headers().firstValue("Idempotent-Replayed")).isEmpty();
    }

    @Test
    void forgedExpiredOrForeignVisitorTokensAreRefused() {
        String token = session(widget, "{}").get("visitor_token").asText();
        String[] parts = token.split("\\.");
        String tampered = parts[0] + "." + parts[1].substring(0, parts[1].length() - 2) + "AA." + parts[2];
        String foreign = session(verifiedWidget, "{}").get("visitor_token").asText();
        for (String bad : new String[] {tampered, foreign, "v1.x.y", "garbage", ""}) {
            Reply r = call("GET", "/hooks/instances/" + widget + "/messages", SITE, bad, null, null);
            assertThat(r.status()).as(bad).isEqualTo(401);
            assertThat(r.code()).isEqualTo("invalid_visitor_token");
            assertThat(r.headers().firstValue("Access-Control-Allow-Origin")).contains(SITE);
        }
        assertThat(send(widget, tampered, "x-1", "hi", false).status()).isEqualTo(401);
        // A forged token passed to /sessions is not an error: the visitor simply gets a new identity.
        JsonNode fresh = session(widget, "{\"visitor_token\":\"" + tampered + "\"}");
        assertThat(fresh.get("visitor_token").asText()).isNotEqualTo(token);
    }

    @Test
    void aVerifiedUserResumesOnAnyDeviceAndAForgedHashIsRefused() {
        String user = "user-" + UUID.randomUUID();
        JsonNode first = session(verifiedWidget, "{\"user_id\":\"" + user + "\",\"user_hash\":\""
                + hmac(SECRET, user) + "\"}");
        assertThat(first.get("verified").asBoolean()).isTrue();
        String conversation = TestHub.check(send(verifiedWidget, first.get("visitor_token").asText(), "d1-1",
                "from my phone", false), 200).json().get("conversation_id").asText();

        JsonNode second = session(verifiedWidget, "{\"user_id\":\"" + user + "\",\"user_hash\":\""
                + hmac(SECRET, user).toUpperCase() + "\"}");
        assertThat(second.get("visitor_id").asText()).isEqualTo("u:" + user);
        assertThat(second.get("conversation_id").asText()).isEqualTo(conversation);
        JsonNode history = TestHub.check(call("GET", "/hooks/instances/" + verifiedWidget + "/messages", SITE,
                second.get("visitor_token").asText(), null, null), 200).json();
        assertThat(history.toString()).contains("from my phone");

        String forged = hmac(SECRET, user + "x");
        Reply r = call("POST", "/hooks/instances/" + verifiedWidget + "/sessions", SITE, null, null,
                "{\"user_id\":\"" + user + "\",\"user_hash\":\"" + forged + "\"}");
        assertThat(r.status()).isEqualTo(401);
        assertThat(r.code()).isEqualTo("invalid_user_hash");
        Reply noHash = call("POST", "/hooks/instances/" + verifiedWidget + "/sessions", SITE, null, null,
                "{\"user_id\":\"" + user + "\"}");
        assertThat(noHash.code()).isEqualTo("invalid_user_hash");
        assertThat(r.body()).doesNotContain("from my phone");

        // Without identity verification a claimed user id is not trusted: the visitor is anonymous.
        JsonNode claimed = session(widget, "{\"user_id\":\"" + user + "\",\"user_hash\":\"" + hmac(SECRET, user)
                + "\"}");
        assertThat(claimed.get("verified").asBoolean()).isFalse();
        assertThat(claimed.get("visitor_id").asText()).doesNotContain(user);
    }

    @Test
    void aRepeatedClientMessageIdIsStoredOnceAndGetsTheStoredReply() {
        String token = session(widget, "{}").get("visitor_token").asText();
        Reply first = send(widget, token, "retry-1", "only once please", false);
        Reply again = send(widget, token, "retry-1", "only once please", false);
        Reply streamed = send(widget, token, "retry-1", "only once please", true);
        assertThat(again.status()).isEqualTo(200);
        assertThat(again.headers().firstValue("Idempotent-Replayed")).contains("true");
        assertThat(again.json().get("message").get("id")).isEqualTo(first.json().get("message").get("id"));
        assertThat(again.json().get("reply").get("id")).isEqualTo(first.json().get("reply").get("id"));
        assertThat(streamed.body()).contains("event: done").contains(first.json().get("reply").get("id").asText())
                .doesNotContain("event: delta");
        String conv = first.json().get("conversation_id").asText();
        assertThat(count("SELECT COUNT(*) FROM messages WHERE tenant_id = ? AND conversation_id = ? AND "
                + "content = 'only once please'", tenantId, conv)).isEqualTo(1);
        assertThat(count("SELECT COUNT(*) FROM inbound_events WHERE tenant_id = ? AND message_id = ?", tenantId,
                first.json().get("message").get("id").asText())).isEqualTo(1);
    }

    @Test
    void aVisitorOverItsRateLimitIsRefusedBeforeAnythingIsStored() {
        String token = session(widget, "{}").get("visitor_token").asText();
        for (int i = 0; i < VISITOR_LIMIT; i++) {
            TestHub.check(send(widget, token, "burst-" + i, "message " + i, false), 200);
        }
        Reply refused = send(widget, token, "burst-x", "one too many", false);
        assertThat(refused.status()).isEqualTo(429);
        assertThat(refused.code()).isEqualTo("rate_limited");
        assertThat(refused.json().get("error").get("details").get("limit").asText()).isEqualTo("visitor");
        assertThat(refused.headers().firstValue("Retry-After")).isPresent();
        assertThat(refused.headers().firstValue("Access-Control-Allow-Origin")).contains(SITE);
        assertThat(count("SELECT COUNT(*) FROM messages WHERE tenant_id = ? AND content = 'one too many'",
                tenantId)).isZero();
        // Other visitors of the same widget are not affected.
        String other = session(widget, "{}").get("visitor_token").asText();
        assertThat(send(widget, other, "o-1", "hi", false).status()).isEqualTo(200);
    }

    @Test
    void aUsedUpHardQuotaRefusesTheTurnAsJsonBeforeStoringIt() {
        TenantWidget tw = tenantWithWidget("quota");
        String t = tw.tenantId();
        String w = tw.widget();
        TestHub.check(hub.post(TestHub.ROOT_KEY, "/admin/tenants/" + t + "/quotas", Map.of("usage_type",
                "messages.in", "period", "daily", "limit", 1, "mode", "hard")), 201);
        String token = session(w, "{}").get("visitor_token").asText();
        TestHub.check(send(w, token, "q-1", "first", false), 200);
        for (boolean stream : new boolean[] {false, true}) {
            Reply r = send(w, token, "q-2-" + stream, "second", stream);
            assertThat(r.status()).isEqualTo(429);
            assertThat(r.code()).isEqualTo("quota_exceeded");
            assertThat(r.headers().firstValue("Access-Control-Allow-Origin")).contains(SITE);
        }
        assertThat(count("SELECT COUNT(*) FROM messages WHERE tenant_id = ? AND content = 'second'", t)).isZero();
    }

    @Test
    void aWidgetOfATenantWithoutAgentsSaysSoBeforeStoringTheMessage() {
        String t = hub.createTenant(slug("agentless"));
        String key = hub.createKey(t, "admin").get("key").asText();
        String w = createWidget(key, Map.of("allowed_origins", List.of(SITE)));
        String token = session(w, "{}").get("visitor_token").asText();
        Reply r = send(w, token, "a-1", "anyone there?", false);
        assertThat(r.status()).as(r.body()).isEqualTo(503);
        assertThat(r.code()).isEqualTo("channel_misconfigured");
        assertThat(r.headers().firstValue("Access-Control-Allow-Origin")).contains(SITE);
        assertThat(count("SELECT COUNT(*) FROM messages WHERE tenant_id = ?", t)).isZero();
    }

    @Test
    void racingVisitorsAtAHardQuotaGetExactlyTheLimit() throws Exception {
        TenantWidget tw = tenantWithWidget("race");
        String t = tw.tenantId();
        String w = tw.widget();
        int limit = 4;
        TestHub.check(hub.post(TestHub.ROOT_KEY, "/admin/tenants/" + t + "/quotas", Map.of("usage_type",
                "messages.in", "period", "daily", "limit", limit, "mode", "hard")), 201);
        List<String> tokens = new java.util.ArrayList<>();
        for (int i = 0; i < limit * 3; i++) {
            tokens.add(session(w, "{}").get("visitor_token").asText());
        }
        var pool = java.util.concurrent.Executors.newFixedThreadPool(8);
        try {
            List<java.util.concurrent.Future<Integer>> results = new java.util.ArrayList<>();
            for (int i = 0; i < tokens.size(); i++) {
                String token = tokens.get(i);
                boolean stream = i % 2 == 0;
                results.add(pool.submit(() -> send(w, token, "race", "go", stream).status()));
            }
            long ok = 0;
            for (var f : results) {
                int status = f.get(60, java.util.concurrent.TimeUnit.SECONDS);
                assertThat(status).isIn(200, 429);
                ok += status == 200 ? 1 : 0;
            }
            assertThat(ok).isEqualTo(limit);
        } finally {
            pool.shutdownNow();
        }
        assertThat(count("SELECT COUNT(*) FROM usage_events WHERE tenant_id = ? AND usage_type = 'messages.in'", t))
                .isEqualTo(limit);
    }

    @Test
    void preChatAnswersBecomeTheContactsProfile() {
        JsonNode s = session(widget, "{}");
        Reply r = call("POST", "/hooks/instances/" + widget + "/messages", SITE, s.get("visitor_token").asText(),
                null, "{\"client_message_id\":\"p-1\",\"text\":\"hi\",\"fields\":{\"name\":\"Ana Souza\","
                        + "\"email\":\"ana@example.com\"}}");
        assertThat(r.status()).isEqualTo(200);
        String profile = hub.app().jdbi().withHandle(h -> h.createQuery("SELECT profile FROM contacts WHERE "
                        + "tenant_id = :t AND external_id = :x").bind("t", tenantId)
                .bind("x", s.get("visitor_id").asText()).mapTo(String.class).one());
        assertThat(profile).contains("ana@example.com").contains("Ana Souza");
    }

    @Test
    void badRequestsGetStableCodes() {
        String token = session(widget, "{}").get("visitor_token").asText();
        String base = "/hooks/instances/" + widget;
        assertThat(call("POST", base + "/messages", SITE, token, null, "{\"text\":\"no id\"}").code())
                .isEqualTo("invalid_message");
        assertThat(call("POST", base + "/messages", SITE, token, null, "{\"client_message_id\":\"e1\","
                + "\"text\":\"\"}").code()).isEqualTo("invalid_message");
        assertThat(call("POST", base + "/messages", SITE, token, null, "{\"client_message_id\":\"e2\","
                + "\"text\":\"" + "x".repeat(4001) + "\"}").code()).isEqualTo("invalid_message");
        assertThat(call("POST", base + "/messages", SITE, token, null, "not json").code()).isEqualTo("invalid_json");
        assertThat(call("POST", base + "/messages", SITE, token, null, "{\"client_message_id\":7,\"text\":\"a\"}")
                .status()).isEqualTo(422);
        assertThat(call("GET", base + "/nowhere", SITE, token, null, null).status()).isEqualTo(404);
        // The hub answers 413 from the declared length and closes the connection: a client still sending the rest of
        // the 11 MiB may read the answer or find the connection gone (seen once in CI); both are a refusal.
        Reply huge;
        try {
            huge = call("POST", base + "/messages", SITE, token, null, "{\"text\":\"" + "x".repeat(11 * 1024 * 1024)
                    + "\"}");
        } catch (java.io.UncheckedIOException closedWhileSending) {
            huge = null;
        }
        if (huge != null) {
            assertThat(huge.status()).isEqualTo(413);
            assertThat(huge.code()).isEqualTo("body_too_large");
        }
        assertThat(count("SELECT COUNT(*) FROM messages m JOIN conversations c ON c.tenant_id = m.tenant_id AND c.id = "
                + "m.conversation_id WHERE c.channel_instance_id = ? AND LENGTH(m.content) > 4000", widget)).isZero();
    }

    static final byte[] PNG = {(byte) 0x89, 'P', 'N', 'G', 0x0D, 0x0A, 0x1A, 0x0A, 0, 0, 0, 13, 'I', 'H', 'D', 'R'};

    Reply upload(String w, String token, String type, String name, byte[] bytes) {
        Map<String, String> h = new LinkedHashMap<>();
        h.put("Origin", SITE);
        h.put("Authorization", "Bearer " + token);
        h.put("Content-Type", type);
        h.put("X-File-Name", java.net.URLEncoder.encode(name, StandardCharsets.UTF_8));
        return hub.callBinary("POST", "/hooks/instances/" + w + "/uploads", h, bytes);
    }

    @Test
    void uploadsAreRefusedUnlessTheWidgetAllowsThem() {
        String token = session(widget, "{}").get("visitor_token").asText();
        Reply r = upload(widget, token, "image/png", "a.png", PNG);
        assertThat(r.status()).isEqualTo(403);
        assertThat(r.code()).isEqualTo("uploads_disabled");
        Reply m = call("POST", "/hooks/instances/" + widget + "/messages", SITE, token, null,
                "{\"client_message_id\":\"f-0\",\"text\":\"see file\",\"attachments\":[\"med_x\"]}");
        assertThat(m.code()).isEqualTo("uploads_disabled");
        assertThat(count("SELECT COUNT(*) FROM media WHERE tenant_id = ?", tenantId)).isZero();
    }

    @Test
    void aVisitorUploadsAFileTheAgentReceivesWithTheMessage() {
        String w = createWidget(admin, Map.of("allowed_origins", List.of(SITE), "uploads_enabled", true,
                "upload_max_bytes", 1000, "upload_types", List.of("image/png", "text/plain")));
        JsonNode config = call("GET", "/hooks/instances/" + w + "/config", SITE, null, null, null).json();
        assertThat(config.get("uploads").get("enabled").asBoolean()).isTrue();
        assertThat(config.get("uploads").get("max_bytes").asLong()).isEqualTo(1000);
        JsonNode s = session(w, "{}");
        String token = s.get("visitor_token").asText();

        assertThat(upload(w, token, "image/png", "big.png", new byte[1001]).code()).isEqualTo("upload_too_large");
        assertThat(upload(w, token, "application/zip", "a.zip", new byte[] {'P', 'K', 3, 4}).code())
                .isEqualTo("upload_type_not_allowed");
        assertThat(upload(w, token, "image/png", "fake.png", "<script>".getBytes(StandardCharsets.UTF_8)).code())
                .as("bytes that are not a PNG").isEqualTo("upload_type_not_allowed");
        assertThat(upload(w, "forged", "image/png", "a.png", PNG).status()).isEqualTo(401);

        Reply up = upload(w, token, "image/png", "recibo março.png", PNG);
        assertThat(up.status()).as(up.body()).isEqualTo(201);
        assertThat(up.headers().firstValue("Access-Control-Allow-Origin")).contains(SITE);
        String id = up.json().get("upload_id").asText();
        assertThat(up.json().get("name").asText()).isEqualTo("recibo março.png");

        Reply sent = call("POST", "/hooks/instances/" + w + "/messages", SITE, token, null,
                "{\"client_message_id\":\"f-1\",\"text\":\"here is my receipt\",\"attachments\":[\"" + id
                        + "\"]}");
        assertThat(sent.status()).as(sent.body()).isEqualTo(200);
        // The demo model names what it received: the file reached the agent's prompt.
        assertThat(sent.json().get("reply").get("content").asText()).contains("recibo março.png (image/png, 16 bytes)");
        JsonNode history = call("GET", "/hooks/instances/" + w + "/messages", SITE, token, null, null).json();
        assertThat(history.get("messages").get(0).get("attachments").get(0).get("upload_id").asText()).isEqualTo(id);
        assertThat(count("SELECT COUNT(*) FROM usage_events WHERE tenant_id = ? AND usage_type = 'media.bytes' AND "
                + "quantity = 16 AND channel_instance_id = ?", tenantId, w)).isEqualTo(1);

        // Another visitor cannot attach (and so read through the model) someone else's file.
        String other = session(w, "{}").get("visitor_token").asText();
        Reply stolen = call("POST", "/hooks/instances/" + w + "/messages", SITE, other, null,
                "{\"client_message_id\":\"f-2\",\"text\":\"mine now\",\"attachments\":[\"" + id + "\"]}");
        assertThat(stolen.status()).isEqualTo(422);
        assertThat(stolen.code()).isEqualTo("invalid_message");
        assertThat(count("SELECT COUNT(*) FROM messages WHERE tenant_id = ? AND content = 'mine now'", tenantId))
                .isZero();
    }

    @Test
    void widgetSettingsAreValidated() {
        Reply badOrigin = hub.post(admin, "/v1/channel-instances", Map.of("plugin_id", "channel-web", "name",
                "bad", "settings", Map.of("allowed_origins", List.of("https://acme.example/path"))));
        assertThat(badOrigin.status()).isEqualTo(422);
        assertThat(badOrigin.body()).contains("allowed_origins");
        Reply noSecret = hub.post(admin, "/v1/channel-instances", Map.of("plugin_id", "channel-web", "name", "bad2",
                "settings", Map.of("allowed_origins", List.of(SITE), "identity_verification", true)));
        assertThat(noSecret.status()).isEqualTo(422);
        assertThat(noSecret.body()).contains("identity_secret");
        JsonNode shown = hub.get(admin, "/v1/channel-instances/" + verifiedWidget).json();
        assertThat(shown.toString()).doesNotContain(SECRET);
    }

    @Test
    void anotherTenantsWidgetIdAndTokensReachNothingOfThisTenant() {
        TenantWidget tw = tenantWithWidget("other");
        String key = tw.key();
        String theirs = tw.widget();
        String ours = session(widget, "{}").get("visitor_token").asText();
        TestHub.check(send(widget, ours, "iso-1", "acme secret 99", false), 200);
        String theirToken = session(theirs, "{}").get("visitor_token").asText();
        assertThat(call("GET", "/hooks/instances/" + widget + "/messages", SITE, theirToken, null, null).status())
                .isEqualTo(401);
        Reply mine = call("GET", "/hooks/instances/" + theirs + "/messages", SITE, ours, null, null);
        assertThat(mine.status()).isEqualTo(401);
        assertThat(mine.body()).doesNotContain("acme secret 99");
        // The tenant's API sees the widget conversation; the other tenant's does not.
        assertThat(hub.get(admin, "/v1/conversations").body()).contains(widget);
        assertThat(hub.get(key, "/v1/conversations").body()).doesNotContain(widget);
    }
}
