package io.channelhub.hub.auth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.channelhub.hub.support.HubIntegrationTest;
import io.channelhub.hub.support.TestHub;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Duration;
import java.time.Instant;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Create, use, expire, revoke and rotate API keys; only a hash is stored. */
abstract class ApiKeyLifecycleContract extends HubIntegrationTest {

    private String tenant;
    private String admin;

    @BeforeAll
    void tenant() {
        tenant = hub.createTenant(slug("keys"));
        admin = hub.createKey(tenant, "admin").get("key").asText();
    }

    private JsonNode create(Map<String, Object> body) {
        return TestHub.check(hub.post(admin, "/v1/api-keys", body), 201).json();
    }

    @Test
    void showsThePlaintextOnceWithARecognisablePrefix() {
        JsonNode k = create(Map.of("name", "ci", "role", "editor"));
        String plaintext = k.get("key").asText();
        assertThat(plaintext).startsWith("chk_").startsWith(k.get("prefix").asText() + "_");
        assertThat(k.get("role").asText()).isEqualTo("editor");

        TestHub.Reply list = hub.get(admin, "/v1/api-keys");
        assertThat(list.body()).doesNotContain(plaintext).contains(k.get("prefix").asText());
        JsonNode listed = find(list.json(), k.get("id").asText());
        assertThat(listed.has("key")).isFalse();
        assertThat(listed.get("created_at").asText()).isNotEmpty();
        assertThat(hub.get(admin, "/v1/api-keys/" + k.get("id").asText()).body()).doesNotContain(plaintext);
    }

    @Test
    void storesOnlyAHashOfTheKey() throws Exception {
        JsonNode k = create(Map.of("name", "hashed", "role", "viewer"));
        String plaintext = k.get("key").asText();
        String secretPart = plaintext.substring(plaintext.lastIndexOf('_') + 1);
        Map<String, Object> row = hub.app().jdbi().withHandle(h -> h.createQuery(
                "SELECT * FROM api_keys WHERE id = :id").bind("id", k.get("id").asText()).mapToMap().one());
        String expected = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256")
                .digest(plaintext.getBytes(StandardCharsets.UTF_8)));
        assertThat(row.get("key_hash")).isEqualTo(expected);
        assertThat(row.values()).noneMatch(v -> v != null && v.toString().contains(secretPart));
    }

    @Test
    void aKeyWorksAndRecordsItsLastUse() {
        JsonNode k = create(Map.of("name", "user", "role", "viewer"));
        TestHub.Reply me = hub.get(k.get("key").asText(), "/v1/me");
        assertThat(me.status()).isEqualTo(200);
        assertThat(me.json().get("tenant_id").asText()).isEqualTo(tenant);
        assertThat(me.json().get("role").asText()).isEqualTo("viewer");
        JsonNode after = hub.get(admin, "/v1/api-keys/" + k.get("id").asText()).json();
        assertThat(after.get("last_used_at").isNull()).isFalse();
    }

    @Test
    void rejectsMissingMalformedAndUnknownKeys() {
        assertThat(hub.get(null, "/v1/me").code()).isEqualTo("missing_credentials");
        assertThat(hub.get(null, "/v1/me").status()).isEqualTo(401);
        assertThat(hub.get("not-a-key", "/v1/me").code()).isEqualTo("invalid_api_key");
        assertThat(hub.get("chk_AAAAAAAA_" + "x".repeat(32), "/v1/me").code()).isEqualTo("invalid_api_key");
        String real = create(Map.of("name", "t", "role", "viewer")).get("key").asText();
        String tampered = real.substring(0, real.length() - 1) + (real.endsWith("a") ? "b" : "a");
        assertThat(hub.get(tampered, "/v1/me").code()).isEqualTo("invalid_api_key");
    }

    @Test
    void anExpiredKeyIsRefused() {
        Instant soon = Instant.now().plusSeconds(2);
        JsonNode k = create(Map.of("name", "short", "role", "viewer", "expires_at", soon.toString()));
        String key = k.get("key").asText();
        assertThat(hub.get(key, "/v1/me").status()).isEqualTo(200);
        await().atMost(Duration.ofSeconds(10)).until(() -> hub.get(key, "/v1/me").status() == 401);
        assertThat(hub.get(key, "/v1/me").code()).isEqualTo("api_key_expired");
        assertThat(hub.get(admin, "/v1/api-keys/" + k.get("id").asText()).json().get("status").asText())
                .isEqualTo("expired");
    }

    @Test
    void refusesAnExpiryInThePast() {
        TestHub.Reply r = hub.post(admin, "/v1/api-keys", Map.of("name", "past", "role", "viewer",
                "expires_at", Instant.now().minusSeconds(60).toString()));
        assertThat(r.status()).isEqualTo(422);
        assertThat(r.code()).isEqualTo("invalid_expiry");
    }

    @Test
    void aRevokedKeyIsRefused() {
        JsonNode k = create(Map.of("name", "revoke-me", "role", "editor"));
        String key = k.get("key").asText();
        assertThat(hub.get(key, "/v1/me").status()).isEqualTo(200);
        TestHub.Reply r = hub.delete(admin, "/v1/api-keys/" + k.get("id").asText());
        assertThat(r.status()).isEqualTo(200);
        assertThat(r.json().get("status").asText()).isEqualTo("revoked");
        assertThat(hub.get(key, "/v1/me").code()).isEqualTo("api_key_revoked");
        assertThat(hub.delete(admin, "/v1/api-keys/" + k.get("id").asText()).code()).isEqualTo("already_revoked");
    }

    @Test
    void rotationKeepsTheOldKeyForTheGraceThenOnlyTheNewOne() {
        JsonNode k = create(Map.of("name", "rotating", "role", "editor"));
        String old = k.get("key").asText();
        TestHub.Reply r = hub.post(admin, "/v1/api-keys/" + k.get("id").asText() + "/rotate",
                Map.of("grace_seconds", 2));
        assertThat(r.status()).isEqualTo(201);
        String next = r.json().get("key").asText();
        assertThat(next).isNotEqualTo(old);
        assertThat(r.json().get("rotated_from").asText()).isEqualTo(k.get("id").asText());
        assertThat(r.json().get("role").asText()).isEqualTo("editor");
        assertThat(hub.get(old, "/v1/me").status()).isEqualTo(200);
        assertThat(hub.get(next, "/v1/me").status()).isEqualTo(200);
        await().atMost(Duration.ofSeconds(10)).until(() -> hub.get(old, "/v1/me").status() == 401);
        assertThat(hub.get(old, "/v1/me").code()).isEqualTo("api_key_expired");
        assertThat(hub.get(next, "/v1/me").status()).isEqualTo(200);
    }

    @Test
    void rotationWithoutGraceEndsTheOldKeyAtOnce() {
        JsonNode k = create(Map.of("name", "leaked", "role", "viewer"));
        String old = k.get("key").asText();
        String next = TestHub.check(hub.post(admin, "/v1/api-keys/" + k.get("id").asText() + "/rotate",
                Map.of("grace_seconds", 0)), 201).json().get("key").asText();
        assertThat(hub.get(old, "/v1/me").status()).isEqualTo(401);
        assertThat(hub.get(next, "/v1/me").status()).isEqualTo(200);
        assertThat(hub.post(admin, "/v1/api-keys/" + k.get("id").asText() + "/rotate", Map.of()).code())
                .isEqualTo("api_key_inactive");
    }

    @Test
    void aTenantKeyCannotBeSuperAdminAndRolesAreChecked() {
        assertThat(hub.post(admin, "/v1/api-keys", Map.of("name", "x", "role", "super_admin")).code())
                .isEqualTo("invalid_role");
        assertThat(hub.post(admin, "/v1/api-keys", Map.of("name", "x", "role", "owner")).code())
                .isEqualTo("invalid_role");
    }

    @Test
    void theOperatorManagesPlatformKeys() {
        TestHub.Reply r = hub.post(TestHub.ROOT_KEY, "/admin/api-keys", Map.of("name", "ops", "role", "super_admin"));
        assertThat(r.status()).isEqualTo(201);
        String ops = r.json().get("key").asText();
        assertThat(hub.get(ops, "/admin/tenants").status()).isEqualTo(200);
        assertThat(hub.post(TestHub.ROOT_KEY, "/admin/api-keys", Map.of("name", "x", "role", "admin")).code())
                .isEqualTo("invalid_role");
        assertThat(hub.get(admin, "/admin/api-keys").status()).isEqualTo(403);
    }

    private static JsonNode find(JsonNode page, String id) {
        for (JsonNode n : page.get("data")) {
            if (n.get("id").asText().equals(id)) {
                return n;
            }
        }
        throw new AssertionError("key " + id + " not listed");
    }

    static List<String> ids(JsonNode page) {
        return java.util.stream.StreamSupport.stream(page.get("data").spliterator(), false)
                .map(n -> n.get("id").asText()).toList();
    }
}
