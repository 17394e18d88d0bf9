package io.channelhub.hub.web;

import static org.assertj.core.api.Assertions.assertThat;

import io.channelhub.hub.support.HubIntegrationTest;
import io.channelhub.hub.support.TestHub;
import org.junit.jupiter.api.Test;

/** One JSON error shape with stable codes; the caller's mistakes are 4xx, never 500. */
abstract class ErrorsContract extends HubIntegrationTest {

    @Test
    void malformedJsonIs400() {
        TestHub.Reply r = hub.post(TestHub.ROOT_KEY, "/admin/tenants", "{\"slug\": ");
        assertThat(r.status()).isEqualTo(400);
        assertThat(r.code()).isEqualTo("invalid_json");
    }

    @Test
    void wrongTypesUnknownFieldsAndMissingFieldsAre422() {
        assertThat(hub.post(TestHub.ROOT_KEY, "/admin/tenants", "{\"slug\": [1], \"name\": \"x\"}").code())
                .isEqualTo("invalid_field");
        assertThat(hub.post(TestHub.ROOT_KEY, "/admin/tenants", "{\"slug\": \"abc\", \"name\": \"x\", \"tenant_id\": 1}")
                .code()).isEqualTo("unknown_field");
        TestHub.Reply r = hub.post(TestHub.ROOT_KEY, "/admin/tenants", "{}");
        assertThat(r.status()).isEqualTo(422);
        assertThat(r.code()).isEqualTo("validation_failed");
        assertThat(r.json().get("error").get("details").get("errors").toString()).contains("slug").contains("name");
        assertThat(hub.post(TestHub.ROOT_KEY, "/admin/tenants", "").status()).isEqualTo(422);
        assertThat(hub.post(TestHub.ROOT_KEY, "/admin/tenants", "[]").status()).isBetween(400, 422);
        assertThat(hub.post(TestHub.ROOT_KEY, "/admin/api-keys", "{\"name\":\"x\",\"role\":\"super_admin\","
                + "\"expires_at\":\"tomorrow\"}").code()).isEqualTo("invalid_field");
    }

    @Test
    void moneyLimitsAndFlagsOfTheWrongJsonTypeAreRefusedNamingTheField() {
        String t = hub.createTenant(slug("strict"));
        String plan = "strict-" + Long.toString(System.nanoTime() % 1_000_000, 36);
        for (Object price : java.util.List.of("4900", 49.5, true)) {
            TestHub.Reply r = hub.post(TestHub.ROOT_KEY, "/admin/billing/plans", java.util.Map.of("code", plan,
                    "name", "Strict", "price_minor", price));
            assertThat(r.status()).as("price_minor %s", price).isEqualTo(422);
            assertThat(r.code()).isEqualTo("invalid_field");
            assertThat(r.json().get("error").get("details").get("field").asText()).isEqualTo("price_minor");
        }
        TestHub.Reply trial = hub.post(TestHub.ROOT_KEY, "/admin/billing/plans", java.util.Map.of("code", plan,
                "name", "Strict", "price_minor", 4900, "trial_days", "7"));
        assertThat(trial.json().get("error").get("details").get("field").asText()).isEqualTo("trial_days");
        TestHub.Reply nullPrice = hub.post(TestHub.ROOT_KEY, "/admin/billing/plans", "{\"code\":\"" + plan
                + "\",\"name\":\"Strict\",\"price_minor\":null}");
        assertThat(nullPrice.status()).isEqualTo(422);
        for (Object limit : java.util.List.of("5", 5.5, false)) {
            TestHub.Reply r = hub.post(TestHub.ROOT_KEY, "/admin/tenants/" + t + "/quotas", java.util.Map.of(
                    "usage_type", "messages.in", "period", "daily", "limit", limit, "mode", "hard"));
            assertThat(r.status()).as("limit %s", limit).isEqualTo(422);
            assertThat(r.json().get("error").get("details").get("field").asText()).isEqualTo("limit");
        }
        String key = hub.createKey(t, "admin").get("key").asText();
        String viewer = hub.createKey(t, "viewer").get("id").asText();
        TestHub.Reply grace = hub.post(key, "/v1/api-keys/" + viewer + "/rotate", java.util.Map.of("grace_seconds",
                "60"));
        assertThat(grace.status()).isEqualTo(422);
        assertThat(grace.json().get("error").get("details").get("field").asText()).isEqualTo("grace_seconds");
        // Nothing was created by the refused requests.
        assertThat(hub.get(TestHub.ROOT_KEY, "/admin/billing/plans").body()).doesNotContain(plan);
        assertThat(hub.get(TestHub.ROOT_KEY, "/admin/tenants/" + t + "/quotas").json().get("data")).isEmpty();
    }

    @Test
    void textThatCannotBeStoredIsRefused() {
        for (String bad : java.util.List.of("a\\u0000b", "a\\ud800b", "\\udc00", "x\\ud83d")) {
            TestHub.Reply r = hub.post(TestHub.ROOT_KEY, "/admin/tenants", "{\"slug\":\"" + slug("nul")
                    + "\",\"name\":\"" + bad + "\"}");
            assertThat(r.status()).as(bad).isEqualTo(422);
            assertThat(r.code()).isEqualTo("invalid_text");
            assertThat(r.json().get("error").get("details").get("field").asText()).isEqualTo("name");
        }
        // A paired surrogate (an emoji) is text like any other.
        TestHub.check(hub.post(TestHub.ROOT_KEY, "/admin/tenants", "{\"slug\":\"" + slug("emoji")
                + "\",\"name\":\"Caf\\u00e9 \\ud83d\\ude00\"}"), 201);
        String t = hub.createTenant(slug("text"));
        String key = hub.createKey(t, "admin").get("key").asText();
        TestHub.Reply prompt = hub.post(key, "/v1/prompts", "{\"slug\":\"p\",\"name\":\"p\",\"content\":\"Be \\u0000brief\"}");
        assertThat(prompt.code()).isEqualTo("invalid_text");
        // Raw JSON kept as written (an agent's tool schemas) is text too.
        TestHub.Reply tools = hub.post(key, "/v1/agents", "{\"slug\":\"a\",\"name\":\"a\",\"tools\":[{\"type\":"
                + "\"function\",\"function\":{\"name\":\"lookup\",\"description\":\"x\\ud800\"}}]}");
        assertThat(tools.status()).isEqualTo(422);
        assertThat(tools.code()).isEqualTo("invalid_text");
        assertThat(hub.get(key, "/v1/agents").json().get("data")).isEmpty();
        TestHub.Reply settings = hub.post(key, "/v1/channel-instances", "{\"plugin_id\":\"test-channel\","
                + "\"name\":\"n\",\"settings\":{\"phone\":\"+5511\\u0000\",\"token\":\"t\"}}");
        assertThat(settings.status()).isEqualTo(422);
        assertThat(settings.code()).isEqualTo("invalid_text");
        TestHub.Reply key2 = hub.post(key, "/v1/channel-instances", "{\"plugin_id\":\"test-channel\","
                + "\"name\":\"n\",\"settings\":{\"ph\\ud800\":\"1\"}}");
        // Jackson's parser itself refuses an unpaired surrogate in a field name (400 invalid_json).
        assertThat(key2.status()).isIn(400, 422);
        assertThat(key2.code()).isIn("invalid_json", "invalid_text");
        assertThat(hub.get(key, "/v1/channel-instances").json().get("data")).isEmpty();
    }

    @Test
    void jettyRefusalsHaveTheJsonShapeAndNeverEchoThePath() throws Exception {
        for (String path : java.util.List.of("/v1/agents/%2F", "//v1/agents", "/v1//agents", "/v1/%2e%2e/admin",
                "/v1/agents/%", "/v1/agents/a%00b", "/..;/admin/tenants")) {
            String r = raw("GET " + path + " HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n");
            assertThat(r).as(path).startsWith("HTTP/1.1 400");
            assertThat(r).as(path).containsIgnoringCase("Content-Type: application/json");
            String body = r.substring(r.indexOf("\r\n\r\n") + 4);
            assertThat(body).as(path).contains("\"code\":\"bad_request\"").doesNotContain("<html")
                    .doesNotContain("agents").doesNotContain("admin");
        }
        String tooLong = raw("GET /v1/agents/" + "a".repeat(20_000) + " HTTP/1.1\r\nHost: localhost\r\n"
                + "Connection: close\r\n\r\n");
        assertThat(tooLong).startsWith("HTTP/1.1 414").contains("\"code\":\"uri_too_long\"");
        String bigHeaders = raw("GET /v1/me HTTP/1.1\r\nHost: localhost\r\nX-Big: " + "b".repeat(20_000)
                + "\r\nConnection: close\r\n\r\n");
        assertThat(bigHeaders).startsWith("HTTP/1.1 431").contains("\"code\":\"headers_too_large\"");
    }

    /** A request exactly as written: java.net.http refuses malformed URIs and a chosen Host header. */
    private String raw(String request) throws java.io.IOException {
        java.net.URI u = java.net.URI.create(hub.url("/"));
        try (java.net.Socket s = new java.net.Socket(u.getHost(), u.getPort())) {
            s.getOutputStream().write(request.getBytes(java.nio.charset.StandardCharsets.ISO_8859_1));
            return new String(s.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.ISO_8859_1);
        }
    }

    @Test
    void apiAnswersCarrySecurityHeaders() {
        TestHub.Reply ok = hub.get(TestHub.ROOT_KEY, "/admin/tenants?limit=1");
        TestHub.Reply refused = hub.get(null, "/v1/me");
        for (TestHub.Reply r : java.util.List.of(ok, refused)) {
            assertThat(r.headers().firstValue("X-Content-Type-Options")).contains("nosniff");
            assertThat(r.headers().firstValue("Cache-Control")).contains("no-store");
            assertThat(r.headers().firstValue("X-Frame-Options")).contains("DENY");
        }
    }

    @Test
    void theConsoleRedirectIgnoresTheHostHeader() throws Exception {
        String answer = raw("GET /console HTTP/1.1\r\nHost: evil.example.com\r\nConnection: close\r\n\r\n");
        assertThat(answer).startsWith("HTTP/1.1 303");
        assertThat(answer).containsIgnoringCase("Location: /console/\r\n").doesNotContain("evil.example.com");
    }

    @Test
    void unknownRoutesAndMethodsHaveTheSameShape() {
        TestHub.Reply r = hub.get(TestHub.ROOT_KEY, "/v1/nothing-here");
        assertThat(r.status()).isEqualTo(404);
        assertThat(r.code()).isEqualTo("not_found");
        TestHub.Reply m = hub.send(TestHub.ROOT_KEY, "PUT", "/admin/tenants", "{}");
        assertThat(m.status()).isEqualTo(405);
        assertThat(m.code()).isEqualTo("method_not_allowed");
        TestHub.Reply unknown = hub.get(TestHub.ROOT_KEY, "/admin/tenants/ten_missing");
        assertThat(unknown.status()).isEqualTo(404);
        assertThat(unknown.code()).isEqualTo("not_found");
    }

    @Test
    void refusedRequestsWithABodyKeepTheConnectionUsable() {
        String big = "{\"pad\":\"" + "x".repeat(20_000) + "\"}";
        for (int i = 0; i < 40; i++) {
            assertThat(hub.send(TestHub.ROOT_KEY, "PUT", "/admin/tenants", big).status()).isEqualTo(405);
            assertThat(hub.send("chk_AAAAAAAA_" + "y".repeat(32), "POST", "/admin/tenants", big).status())
                    .isEqualTo(401);
            assertThat(hub.send(TestHub.ROOT_KEY, "POST", "/v1/nowhere", big).status()).isEqualTo(404);
            assertThat(hub.get(TestHub.ROOT_KEY, "/admin/tenants?limit=1").status()).isEqualTo(200);
        }
    }

    @Test
    void oddButWellFormedInputIsRefusedNot500() {
        String t = hub.createTenant(slug("odd"));
        String key = hub.createKey(t, "admin").get("key").asText();
        java.util.List<Object> nullEvent = new java.util.ArrayList<>();
        nullEvent.add(null);
        assertThat(hub.post(key, "/v1/webhooks", java.util.Map.of("url", "https://example.com/h", "events",
                nullEvent)).code()).isEqualTo("invalid_event");
        assertThat(hub.post(TestHub.ROOT_KEY, "/admin/tenants/" + t + "/quotas", "{\"usage_type\":\"messages.in\","
                + "\"limit\":5}").code()).isEqualTo("invalid_quota");
        assertThat(hub.post(key, "/v1/api-keys", java.util.Map.of("name", "far", "role", "viewer", "expires_at",
                "9000-01-01T00:00:00Z")).code()).isEqualTo("invalid_expiry");
        String id = hub.createKey(t, "viewer").get("id").asText();
        assertThat(hub.post(key, "/v1/api-keys/" + id + "/rotate", java.util.Map.of("grace_seconds",
                Long.MAX_VALUE)).code()).isEqualTo("invalid_grace");
        TestHub.check(hub.post(key, "/v1/agents", java.util.Map.of("slug", "odd-agent", "name", "O")), 201);
        String c = TestHub.check(hub.post(key, "/v1/conversations", java.util.Map.of()), 201).json().get("id")
                .asText();
        assertThat(hub.post(key, "/v1/conversations/" + c + "/messages", java.util.Map.of("content", "x",
                "external_id", "e".repeat(300))).code()).isEqualTo("invalid_field");
        assertThat(hub.post(key, "/v1/conversations/" + c + "/messages", java.util.Map.of("content", "x",
                "role", "tool", "tool_call_id", "c".repeat(300))).code()).isEqualTo("invalid_field");
    }

    @Test
    void aTenantCannotBeChosenByHeader() {
        String a = hub.createTenant(slug("hdr-a"));
        String b = hub.createTenant(slug("hdr-b"));
        String key = hub.createKey(a, "admin").get("key").asText();
        var req = java.net.http.HttpRequest.newBuilder(java.net.URI.create(hub.url("/v1/tenant")))
                .header("Authorization", "Bearer " + key).header("X-Tenant-ID", b).GET().build();
        try {
            var res = java.net.http.HttpClient.newHttpClient().send(req,
                    java.net.http.HttpResponse.BodyHandlers.ofString());
            assertThat(res.body()).contains(a).doesNotContain(b);
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }
}
