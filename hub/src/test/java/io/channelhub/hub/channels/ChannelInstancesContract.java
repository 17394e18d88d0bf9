package io.channelhub.hub.channels;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.channelhub.hub.support.HubIntegrationTest;
import io.channelhub.hub.support.TestHub;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Channel instances: schema validation, secrets at rest, write-only secrets, live changes, grants. */
abstract class ChannelInstancesContract extends HubIntegrationTest {

    private String tenant;
    private String admin;
    private JsonNode editor;
    private String viewer;

    @BeforeAll
    void tenant() {
        tenant = hub.createTenant(slug("ci"));
        admin = hub.createKey(tenant, "admin").get("key").asText();
        editor = hub.createKey(tenant, "editor");
        viewer = hub.createKey(tenant, "viewer").get("key").asText();
    }

    private static String phone() {
        return "+55" + System.nanoTime();
    }

    private JsonNode create(String key, Map<String, Object> settings) {
        return TestHub.check(hub.post(key, "/v1/channel-instances", Map.of("plugin_id", "test-channel",
                "name", "site", "settings", settings)), 201).json();
    }

    @Test
    void refusesSettingsThatNameAnotherTenantsAgent() {
        String other = hub.createTenant(slug("ci-other"));
        String otherKey = hub.createKey(other, "admin").get("key").asText();
        String foreign = TestHub.check(hub.post(otherKey, "/v1/agents", Map.of("slug", "theirs", "name", "T")), 201)
                .json().get("id").asText();
        String admin = hub.createKey(tenant, "admin").get("key").asText();
        for (String ref : List.of(foreign, "theirs", "nobody")) {
            TestHub.Reply r = hub.post(admin, "/v1/channel-instances", Map.of("plugin_id", "test-channel", "name",
                    "x", "settings", Map.of("phone", phone(), "token", "t", "agent", ref)));
            assertThat(r.status()).as(ref).isEqualTo(422);
            assertThat(r.code()).isEqualTo("invalid_settings");
            assertThat(r.json().get("error").get("details").get("errors").has("agent")).isTrue();
        }
        TestHub.check(hub.post(admin, "/v1/agents", Map.of("slug", "ours", "name", "O")), 201);
        String id = TestHub.check(hub.post(admin, "/v1/channel-instances", Map.of("plugin_id", "test-channel",
                "name", "x", "settings", Map.of("phone", phone(), "token", "t", "agent", "ours"))), 201).json()
                .get("id").asText();
        TestHub.Reply moved = hub.patch(admin, "/v1/channel-instances/" + id, Map.of("settings", Map.of("agent",
                foreign)));
        assertThat(moved.status()).isEqualTo(422);
        assertThat(hub.get(admin, "/v1/channel-instances/" + id).json().get("settings").get("agent").asText())
                .isEqualTo("ours");
    }

    @Test
    void validatesSettingsAgainstThePluginSchema() {
        TestHub.Reply r = hub.post(admin, "/v1/channel-instances", Map.of("plugin_id", "test-channel", "name", "x",
                "settings", Map.of("mode", "c", "origins", "not-a-list", "limit", "ten", "extra", 1)));
        assertThat(r.status()).isEqualTo(422);
        assertThat(r.code()).isEqualTo("invalid_settings");
        JsonNode errors = r.json().get("error").get("details").get("errors");
        assertThat(errors.get("phone").asText()).isEqualTo("required");
        assertThat(errors.get("token").asText()).isEqualTo("required");
        assertThat(errors.get("mode").asText()).contains("one of");
        assertThat(errors.get("origins").asText()).contains("list");
        assertThat(errors.get("limit").asText()).contains("integer");
        assertThat(errors.get("extra").asText()).isEqualTo("unknown setting");

        TestHub.Reply plugin = hub.post(admin, "/v1/channel-instances", Map.of("plugin_id", "test-channel",
                "name", "x", "settings", Map.of("phone", phone(), "token", "t", "limit", -1)));
        assertThat(plugin.code()).isEqualTo("invalid_settings");
        assertThat(plugin.json().get("error").get("details").get("errors").get("limit").asText())
                .isEqualTo("must not be negative");
    }

    @Test
    void appliesDefaultsAndNeverReturnsSecrets() {
        JsonNode ci = create(admin, Map.of("phone", phone(), "token", "super-secret-token",
                "origins", List.of("https://a.example")));
        assertThat(ci.get("settings").get("mode").asText()).isEqualTo("a");
        assertThat(ci.get("settings").get("token").asText()).isEqualTo("********");
        String id = ci.get("id").asText();
        for (String body : List.of(hub.get(admin, "/v1/channel-instances/" + id).body(),
                hub.get(admin, "/v1/channel-instances").body(), hub.get(admin, "/v1/audit").body())) {
            assertThat(body).doesNotContain("super-secret-token");
        }
    }

    @Test
    void storesSecretsEncrypted() {
        JsonNode ci = create(admin, Map.of("phone", phone(), "token", "at-rest-secret"));
        String stored = hub.app().jdbi().withHandle(h -> h.createQuery(
                "SELECT settings FROM channel_instances WHERE id = :id").bind("id", ci.get("id").asText())
                .mapTo(String.class).one());
        assertThat(stored).doesNotContain("at-rest-secret").contains("\"token\":{\"sealed\":\"v1:");
    }

    @Test
    void updatesApplyAtOnceAndTheMaskKeepsTheStoredSecret() {
        JsonNode ci = create(admin, Map.of("phone", phone(), "token", "first"));
        String id = ci.get("id").asText();
        JsonNode u = TestHub.check(hub.patch(admin, "/v1/channel-instances/" + id, Map.of("name", "renamed",
                "settings", Map.of("mode", "b", "token", "********"))), 200).json();
        assertThat(u.get("name").asText()).isEqualTo("renamed");
        assertThat(u.get("version").asInt()).isEqualTo(2);
        JsonNode read = hub.get(admin, "/v1/channel-instances/" + id).json();
        assertThat(read.get("settings").get("mode").asText()).isEqualTo("b");
        var settings = hub.app().jdbi().withHandle(h -> h.createQuery(
                "SELECT settings FROM channel_instances WHERE id = :id").bind("id", id).mapTo(String.class).one());
        assertThat(settings).contains("\"token\":{\"sealed\":\"v1:");

        TestHub.Reply missing = hub.patch(admin, "/v1/channel-instances/" + id,
                Map.of("settings", java.util.Collections.singletonMap("phone", null)));
        assertThat(missing.code()).isEqualTo("invalid_settings");
    }

    @Test
    void aRoutingKeyBelongsToOneInstanceAcrossTenants() {
        String p = phone();
        create(admin, Map.of("phone", p, "token", "t"));
        String other = hub.createTenant(slug("other"));
        String otherAdmin = hub.createKey(other, "admin").get("key").asText();
        TestHub.Reply r = hub.post(otherAdmin, "/v1/channel-instances", Map.of("plugin_id", "test-channel",
                "name", "steal", "settings", Map.of("phone", p, "token", "t")));
        assertThat(r.status()).isEqualTo(409);
        assertThat(r.code()).isEqualTo("routing_key_taken");
        assertThat(r.body()).doesNotContain(tenant);
    }

    @Test
    void disablingAPluginForATenantAppliesToTheNextRequest() {
        String t = hub.createTenant(slug("toggle"));
        String a = hub.createKey(t, "admin").get("key").asText();
        TestHub.check(hub.post(a, "/v1/plugins/test-channel/disable", null), 200);
        assertThat(hub.get(a, "/v1/plugins/test-channel").json().get("enabled").asBoolean()).isFalse();
        TestHub.Reply r = hub.post(a, "/v1/channel-instances", Map.of("plugin_id", "test-channel", "name", "x",
                "settings", Map.of("phone", phone(), "token", "t")));
        assertThat(r.code()).isEqualTo("plugin_disabled");
        TestHub.check(hub.post(a, "/v1/plugins/test-channel/enable", null), 200);
        assertThat(hub.post(a, "/v1/channel-instances", Map.of("plugin_id", "test-channel", "name", "x",
                "settings", Map.of("phone", phone(), "token", "t"))).status()).isEqualTo(201);
        // Another tenant is unaffected by this tenant's switch.
        assertThat(hub.get(admin, "/v1/plugins/test-channel").json().get("enabled").asBoolean()).isTrue();
    }

    @Test
    void editorsChangeWhatTheyOwnOrWereGranted() {
        String editorKey = editor.get("key").asText();
        JsonNode own = create(editorKey, Map.of("phone", phone(), "token", "t"));
        assertThat(hub.patch(editorKey, "/v1/channel-instances/" + own.get("id").asText(),
                Map.of("name", "mine")).status()).isEqualTo(200);

        JsonNode theirs = create(admin, Map.of("phone", phone(), "token", "t"));
        String path = "/v1/channel-instances/" + theirs.get("id").asText();
        assertThat(hub.patch(editorKey, path, Map.of("name", "nope")).code()).isEqualTo("permission_denied");

        TestHub.check(hub.post(admin, "/v1/grants", Map.of("resource_type", "channel_instance",
                "resource_id", theirs.get("id").asText(), "api_key_id", editor.get("id").asText(),
                "permission", "update")), 201);
        assertThat(hub.patch(editorKey, path, Map.of("name", "granted")).status()).isEqualTo(200);
        assertThat(hub.delete(editorKey, path).code()).isEqualTo("permission_denied");
        assertThat(hub.patch(viewer, path, Map.of("name", "v")).code()).isEqualTo("permission_denied");
    }

    @Test
    void grantsFollowAKeyThroughRotation() {
        JsonNode theirs = create(admin, Map.of("phone", phone(), "token", "t"));
        JsonNode ed = hub.createKey(tenant, "editor");
        TestHub.check(hub.post(admin, "/v1/grants", Map.of("resource_type", "channel_instance",
                "resource_id", theirs.get("id").asText(), "api_key_id", ed.get("id").asText(),
                "permission", "admin")), 201);
        String next = TestHub.check(hub.post(admin, "/v1/api-keys/" + ed.get("id").asText() + "/rotate",
                Map.of("grace_seconds", 0)), 201).json().get("key").asText();
        assertThat(hub.delete(next, "/v1/channel-instances/" + theirs.get("id").asText()).status()).isEqualTo(204);
    }

    @Test
    void grantsNeedAResourceOfTheTenantAndAKnownKey() {
        assertThat(hub.post(admin, "/v1/grants", Map.of("resource_type", "channel_instance", "resource_id",
                "ci_doesnotexist", "api_key_id", editor.get("id").asText(), "permission", "read")).status())
                .isEqualTo(404);
        JsonNode ci = create(admin, Map.of("phone", phone(), "token", "t"));
        assertThat(hub.post(admin, "/v1/grants", Map.of("resource_type", "channel_instance", "resource_id",
                ci.get("id").asText(), "api_key_id", "key_nope", "permission", "read")).code())
                .isEqualTo("unknown_api_key");
        assertThat(hub.post(admin, "/v1/grants", Map.of("resource_type", "spaceship", "resource_id",
                ci.get("id").asText(), "api_key_id", editor.get("id").asText(), "permission", "read")).code())
                .isEqualTo("invalid_resource_type");
        assertThat(hub.post(admin, "/v1/grants", Map.of("resource_type", "channel_instance", "resource_id",
                ci.get("id").asText(), "api_key_id", editor.get("id").asText(), "permission", "own")).code())
                .isEqualTo("invalid_permission");
    }
}
