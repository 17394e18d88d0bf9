package io.channelhub.hub.agents;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.channelhub.hub.support.HubIntegrationTest;
import io.channelhub.hub.support.TestHub;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Agents and prompts: validation, defaults, the single default agent, immutable prompt versions. */
abstract class AgentsContract extends HubIntegrationTest {

    private String admin;

    @BeforeAll
    void tenant() {
        String t = hub.createTenant(slug("agents"));
        admin = hub.createKey(t, "admin").get("key").asText();
    }

    private JsonNode agent(Map<String, Object> body) {
        return TestHub.check(hub.post(admin, "/v1/agents", body), 201).json();
    }

    @Test
    void createsAnAgentWithDefaultsAndOpenAiShapedTools() {
        Map<String, Object> tool = Map.of("type", "function", "function", Map.of("name", "get_order",
                "description", "Look up an order", "parameters", Map.of("type", "object",
                        "properties", Map.of("id", Map.of("type", "string")))));
        JsonNode a = agent(Map.of("slug", slug("support"), "name", "Support", "model", "gpt-4.1-mini",
                "temperature", 0.2, "tools", List.of(tool), "response_format", Map.of("type", "json_schema",
                        "json_schema", Map.of("name", "answer", "schema", Map.of("type", "object")))));
        assertThat(a.get("provider").asText()).isEqualTo("openai");
        assertThat(a.get("api").asText()).isEqualTo("chat_completions");
        assertThat(a.get("history").get("max_messages").asInt()).isEqualTo(20);
        assertThat(a.get("tools").get(0).get("function").get("name").asText()).isEqualTo("get_order");
        assertThat(a.get("temperature").decimalValue()).isEqualByComparingTo("0.2");
        JsonNode read = hub.get(admin, "/v1/agents/" + a.get("id").asText()).json();
        assertThat(read.get("response_format").get("json_schema").get("name").asText()).isEqualTo("answer");
        assertThat(read.get("fallbacks")).isEmpty();
        JsonNode patched = TestHub.check(hub.patch(admin, "/v1/agents/" + a.get("id").asText(), Map.of("fallbacks",
                List.of(Map.of("provider", "openai", "model", "gpt-4o-mini", "api", "chat_completions")))), 200)
                .json();
        assertThat(patched.get("fallbacks").toString())
                .isEqualTo("[{\"provider\":\"openai\",\"model\":\"gpt-4o-mini\",\"api\":\"chat_completions\"}]");
        assertThat(patched.get("model").asText()).isEqualTo("gpt-4.1-mini");
    }

    @Test
    void rejectsInvalidAgentsNamingEachField() {
        Map<String, Object> body = new HashMap<>(Map.of("slug", slug("bad"), "name", "Bad", "api", "completions",
                "temperature", 3, "top_p", -1, "max_output_tokens", 0));
        body.put("tools", List.of(Map.of("type", "function", "function", Map.of("name", "has space"))));
        TestHub.Reply r = hub.post(admin, "/v1/agents", body);
        assertThat(r.status()).isEqualTo(422);
        assertThat(r.code()).isEqualTo("invalid_agent");
        assertThat(r.json().get("error").get("details").get("errors").fieldNames())
                .toIterable().contains("api", "temperature", "top_p", "max_output_tokens", "tools[0]");
        assertThat(hub.post(admin, "/v1/agents", Map.of("slug", slug("p"), "name", "P", "provider", "nope"))
                .code()).isEqualTo("unknown_provider");
        TestHub.Reply badFallbacks = hub.post(admin, "/v1/agents", Map.of("slug", slug("f"), "name", "F",
                "fallbacks", List.of(Map.of("provider", "openai"), Map.of("provider", "openai", "model", "m",
                        "api", "completions"))));
        assertThat(badFallbacks.code()).isEqualTo("invalid_agent");
        assertThat(badFallbacks.json().get("error").get("details").get("errors").fieldNames()).toIterable()
                .containsExactly("fallbacks[0]", "fallbacks[1]");
        assertThat(hub.post(admin, "/v1/agents", Map.of("slug", slug("f"), "name", "F", "fallbacks",
                List.of(Map.of("provider", "nope", "model", "m")))).code()).isEqualTo("unknown_provider");
        assertThat(hub.post(admin, "/v1/agents", Map.of("slug", "Bad Slug", "name", "x")).code())
                .isEqualTo("invalid_slug");
        String s = slug("dup");
        agent(Map.of("slug", s, "name", "One"));
        assertThat(hub.post(admin, "/v1/agents", Map.of("slug", s, "name", "Two")).code()).isEqualTo("slug_taken");
    }

    @Test
    void aTenantHasOneDefaultAgent() {
        String t = hub.createTenant(slug("defaults"));
        String key = hub.createKey(t, "admin").get("key").asText();
        JsonNode first = TestHub.check(hub.post(key, "/v1/agents", Map.of("slug", "first", "name", "F")), 201).json();
        assertThat(first.get("is_default").asBoolean()).as("the first agent is the default").isTrue();
        JsonNode second = TestHub.check(hub.post(key, "/v1/agents", Map.of("slug", "second", "name", "S",
                "is_default", true)), 201).json();
        assertThat(second.get("is_default").asBoolean()).isTrue();
        assertThat(hub.get(key, "/v1/agents/" + first.get("id").asText()).json().get("is_default").asBoolean())
                .isFalse();
        TestHub.check(hub.patch(key, "/v1/agents/" + first.get("id").asText(), Map.of("is_default", true)), 200);
        assertThat(hub.get(key, "/v1/agents/" + second.get("id").asText()).json().get("is_default").asBoolean())
                .isFalse();
    }

    @Test
    void promptVersionsAreImmutableAndAgentsPinOrFollowThem() {
        JsonNode p = TestHub.check(hub.post(admin, "/v1/prompts", Map.of("slug", slug("tone"), "name", "Tone",
                "content", "Be brief.")), 201).json();
        String pid = p.get("id").asText();
        JsonNode v2 = TestHub.check(hub.post(admin, "/v1/prompts/" + pid + "/versions",
                Map.of("content", "Be brief and kind.", "note", "kinder")), 201).json();
        assertThat(v2.get("version").asInt()).isEqualTo(2);
        assertThat(hub.get(admin, "/v1/prompts/" + pid + "/versions/1").json().get("content").asText())
                .isEqualTo("Be brief.");
        assertThat(hub.get(admin, "/v1/prompts/" + pid).json().get("latest_version").asInt()).isEqualTo(2);
        assertThat(hub.get(admin, "/v1/prompts/" + pid + "/versions").json().get("data")).hasSize(2);
        assertThat(hub.send(admin, "PUT", "/v1/prompts/" + pid + "/versions/1", Map.of("content", "x")).status())
                .isEqualTo(405);

        JsonNode pinned = agent(Map.of("slug", slug("pinned"), "name", "Pinned", "prompt_id", pid,
                "prompt_version", 1));
        assertThat(pinned.get("prompt_version").asInt()).isEqualTo(1);
        JsonNode follows = agent(Map.of("slug", slug("follows"), "name", "Follows", "prompt_id", pid));
        assertThat(follows.get("prompt_version").isNull()).isTrue();
        assertThat(hub.post(admin, "/v1/agents", Map.of("slug", slug("x"), "name", "X", "prompt_id", pid,
                "prompt_version", 9)).code()).isEqualTo("unknown_prompt_version");

        assertThat(hub.delete(admin, "/v1/prompts/" + pid).code()).isEqualTo("prompt_in_use");
        JsonNode detached = TestHub.check(hub.patch(admin, "/v1/agents/" + follows.get("id").asText(),
                java.util.Collections.singletonMap("prompt_id", null)), 200).json();
        assertThat(detached.get("prompt_id").isNull()).isTrue();
    }

    @Test
    void patchingRejectsUnknownFields() {
        JsonNode a = agent(Map.of("slug", slug("patch"), "name", "Patch"));
        assertThat(hub.patch(admin, "/v1/agents/" + a.get("id").asText(), Map.of("colour", "red")).code())
                .isEqualTo("unknown_field");
        JsonNode u = TestHub.check(hub.patch(admin, "/v1/agents/" + a.get("id").asText(),
                Map.of("model", "llama3.1", "api", "responses")), 200).json();
        assertThat(u.get("model").asText()).isEqualTo("llama3.1");
        assertThat(u.get("api").asText()).isEqualTo("responses");
        assertThat(u.get("version").asInt()).isEqualTo(2);
    }
}
