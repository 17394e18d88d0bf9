package io.channelhub.hub.conversations;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.channelhub.hub.support.HubIntegrationTest;
import io.channelhub.hub.support.TestHub;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Conversations with no model key configured: the demo provider, history, idempotency, ACL. */
abstract class ConversationsContract extends HubIntegrationTest {

    private String admin;
    private String tenant;

    @BeforeAll
    void tenant() {
        tenant = hub.createTenant(slug("conv"));
        admin = hub.createKey(tenant, "admin").get("key").asText();
        TestHub.check(hub.post(admin, "/v1/agents", Map.of("slug", "helper", "name", "Helper")), 201);
    }

    private String conversation(String key) {
        return TestHub.check(hub.post(key, "/v1/conversations", Map.of("end_user_id", "user-1")), 201).json()
                .get("id").asText();
    }

    @Test
    void theMostRecentlyActiveComeFirstPageByPage() {
        String t = hub.createTenant(slug("recent"));
        String key = hub.createKey(t, "admin").get("key").asText();
        TestHub.check(hub.post(key, "/v1/agents", Map.of("slug", "helper", "name", "Helper")), 201);
        String first = conversation(key);
        String second = conversation(key);
        String third = conversation(key);
        String empty = conversation(key);
        // Activity: first, then third, then second; the empty one counts from its creation, before them all.
        for (String c : java.util.List.of(first, third, second)) {
            TestHub.check(hub.post(key, "/v1/conversations/" + c + "/messages", Map.of("content", "hi")), 201);
        }
        var page1 = TestHub.check(hub.get(key, "/v1/conversations?order=recent&limit=2"), 200).json();
        assertThat(page1.get("data")).extracting(n -> n.get("id").asText()).containsExactly(second, third);
        String cursor = page1.get("next_cursor").asText();
        var page2 = TestHub.check(hub.get(key, "/v1/conversations?order=recent&limit=2&after=" + cursor), 200).json();
        assertThat(page2.get("data")).extracting(n -> n.get("id").asText()).containsExactly(first, empty);
        assertThat(page2.path("next_cursor").asText(null)).isNull();
        assertThat(hub.get(key, "/v1/conversations?order=oldest").status()).isEqualTo(422);
        assertThat(hub.get(key, "/v1/conversations?order=recent&after=cnv_nope").status()).isEqualTo(422);
        // A page stays where it ended when its last conversation moves to the top meanwhile.
        TestHub.check(hub.post(key, "/v1/conversations/" + third + "/messages", Map.of("content", "again")), 201);
        var again = TestHub.check(hub.get(key, "/v1/conversations?order=recent&limit=2&after=" + cursor), 200).json();
        assertThat(again.get("data")).extracting(n -> n.get("id").asText()).containsExactly(first, empty);
    }

    @Test
    void withoutAModelKeyTheDemoProviderAnswersAndSaysSo() {
        String c = conversation(admin);
        TestHub.Reply r = hub.post(admin, "/v1/conversations/" + c + "/messages", Map.of("content", "Olá!"));
        assertThat(r.status()).isEqualTo(201);
        String reply = r.json().get("reply").get("content").asText();
        assertThat(reply).startsWith("[demo]").contains("Olá!").contains("no model API key is configured");
        assertThat(r.json().get("reply").get("model").asText()).isEqualTo("demo");
        assertThat(hub.get(admin, "/v1/model-providers/openai").json().get("demo").asBoolean()).isTrue();
    }

    @Test
    void historyIsPagedOldestFirst() {
        String c = conversation(admin);
        for (int i = 0; i < 3; i++) {
            TestHub.check(hub.post(admin, "/v1/conversations/" + c + "/messages", Map.of("content", "m" + i)), 201);
        }
        JsonNode first = hub.get(admin, "/v1/conversations/" + c + "/messages?limit=4").json();
        assertThat(first.get("data")).hasSize(4);
        assertThat(first.get("data").get(0).get("content").asText()).isEqualTo("m0");
        assertThat(first.get("data").get(1).get("role").asText()).isEqualTo("assistant");
        JsonNode rest = hub.get(admin, "/v1/conversations/" + c + "/messages?limit=4&after="
                + first.get("next_cursor").asText()).json();
        assertThat(rest.get("data")).hasSize(2);
        assertThat(rest.get("data").get(0).get("content").asText()).isEqualTo("m2");
        assertThat(rest.has("next_cursor")).isFalse();
        assertThat(hub.get(admin, "/v1/conversations/" + c + "/messages?after=msg_nope").code())
                .isEqualTo("invalid_cursor");
    }

    @Test
    void anIdempotencyKeyReplaysTheFirstAnswerAndRefusesAnotherBody() throws Exception {
        String c = conversation(admin);
        String path = "/v1/conversations/" + c + "/messages";
        HttpClient http = HttpClient.newHttpClient();
        List<HttpResponse<String>> answers = new ArrayList<>();
        for (String body : List.of("{\"content\":\"pay\"}", "{\"content\":\"pay\"}", "{\"content\":\"other\"}")) {
            answers.add(http.send(HttpRequest.newBuilder(URI.create(hub.url(path)))
                    .header("Authorization", "Bearer " + admin).header("Content-Type", "application/json")
                    .header("Idempotency-Key", "order-77").POST(HttpRequest.BodyPublishers.ofString(body)).build(),
                    HttpResponse.BodyHandlers.ofString()));
        }
        assertThat(answers.get(0).statusCode()).isEqualTo(201);
        assertThat(answers.get(1).statusCode()).isEqualTo(201);
        assertThat(answers.get(1).body()).isEqualTo(answers.get(0).body());
        assertThat(answers.get(1).headers().firstValue("Idempotent-Replayed")).hasValue("true");
        assertThat(answers.get(2).statusCode()).isEqualTo(422);
        assertThat(answers.get(2).body()).contains("idempotency_key_reused");
        JsonNode history = hub.get(admin, path).json().get("data");
        assertThat(history).as("the replay did not run a second turn").hasSize(2);
    }

    @Test
    void conversationsNeedAnAgentOfTheTenant() {
        String t = hub.createTenant(slug("noagent"));
        String key = hub.createKey(t, "admin").get("key").asText();
        assertThat(hub.post(key, "/v1/conversations", Map.of()).code()).isEqualTo("no_agent");
        assertThat(hub.post(key, "/v1/conversations", Map.of("agent", "helper")).status()).isEqualTo(404);
        assertThat(hub.post(key, "/v1/conversations", Map.of("colour", "red")).code()).isEqualTo("unknown_field");
    }

    @Test
    void badMessagesAreRefusedClearly() {
        String c = conversation(admin);
        String path = "/v1/conversations/" + c + "/messages";
        assertThat(hub.post(admin, path, Map.of("content", "")).code()).isEqualTo("invalid_field");
        assertThat(hub.post(admin, path, Map.of("content", "x", "role", "system")).code()).isEqualTo("invalid_field");
        assertThat(hub.post(admin, path, Map.of("content", "x", "role", "tool")).code()).isEqualTo("invalid_field");
        assertThat(hub.post(admin, path, "{\"content\": 5}").status()).isEqualTo(422);
        assertThat(hub.post(admin, path, "{not json").code()).isEqualTo("invalid_json");
    }

    @Test
    void editorsTalkInTheirOwnConversationsOnly() {
        String editor = hub.createKey(tenant, "editor").get("key").asText();
        String viewer = hub.createKey(tenant, "viewer").get("key").asText();
        String mine = conversation(editor);
        assertThat(hub.post(editor, "/v1/conversations/" + mine + "/messages", Map.of("content", "hi")).status())
                .isEqualTo(201);
        String theirs = conversation(admin);
        assertThat(hub.post(editor, "/v1/conversations/" + theirs + "/messages", Map.of("content", "hi")).code())
                .isEqualTo("permission_denied");
        assertThat(hub.get(viewer, "/v1/conversations/" + theirs + "/messages").status()).isEqualTo(200);
        assertThat(hub.post(viewer, "/v1/conversations", Map.of()).code()).isEqualTo("permission_denied");
    }

    @Test
    void recordsMessagesAndTokensInTheUsageLedger() {
        String c = conversation(admin);
        JsonNode r = TestHub.check(hub.post(admin, "/v1/conversations/" + c + "/messages",
                Map.of("content", "count me")), 201).json();
        List<Map<String, Object>> rows = hub.app().jdbi().withHandle(h -> h.createQuery("SELECT usage_type, "
                        + "quantity FROM usage_events WHERE tenant_id = :t AND (idempotency_key = :in OR "
                        + "idempotency_key = :out OR idempotency_key LIKE :tok)")
                .bind("t", tenant).bind("in", "in:" + r.get("message").get("id").asText())
                .bind("out", "out:" + r.get("reply").get("id").asText())
                .bind("tok", "%:" + r.get("reply").get("id").asText() + ":0").mapToMap().list());
        assertThat(rows).extracting(m -> m.get("usage_type")).containsExactlyInAnyOrder("messages.in",
                "messages.out", "model.prompt_tokens", "model.completion_tokens");
    }
}
