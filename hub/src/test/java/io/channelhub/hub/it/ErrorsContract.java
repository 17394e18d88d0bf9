package io.channelhub.hub.it;

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
