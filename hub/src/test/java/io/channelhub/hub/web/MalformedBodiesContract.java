package io.channelhub.hub.web;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.channelhub.hub.support.HubIntegrationTest;
import io.channelhub.hub.support.TestHub;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Walks every operation the hub publishes in {@code /openapi.json} with the bodies a careless or hostile client
 * sends: {@code null}, {@code []}, truncated JSON, every field of the documented body with the wrong JSON type, and
 * no body at all. Each answer must be the caller's fault (never a 5xx) and the documented JSON error shape (never an
 * HTML page). A new route is walked the day it is documented, without being listed here.
 */
abstract class MalformedBodiesContract extends HubIntegrationTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Pattern PARAM = Pattern.compile("\\{([A-Za-z]+)}");

    private final Map<String, String> ids = new LinkedHashMap<>();
    private String tenantKey;

    @BeforeAll
    void resources() {
        String tenant = hub.createTenant(slug("walk"));
        tenantKey = hub.createKey(tenant, "admin").get("key").asText();
        ids.put("tenantId", tenant);
        // Ids of real resources, so that an operation reaches the code that reads its body instead of a 404.
        ids.put("keyId", hub.createKey(tenant, "viewer").get("id").asText());
        ids.put("agentId", TestHub.check(hub.post(tenantKey, "/v1/agents", Map.of("slug", "walker", "name", "W")),
                201).json().get("id").asText());
        ids.put("conversationId", TestHub.check(hub.post(tenantKey, "/v1/conversations", Map.of()), 201).json()
                .get("id").asText());
        ids.put("promptId", TestHub.check(hub.post(tenantKey, "/v1/prompts", Map.of("slug", "walk", "name",
                "walk prompt", "content", "Be brief.")), 201).json().get("id").asText());
        ids.put("webhookId", TestHub.check(hub.post(tenantKey, "/v1/webhooks", Map.of("url",
                "https://example.com/hook", "events", List.of("message.received"))), 201).json().get("id").asText());
        ids.put("instanceId", TestHub.check(hub.post(tenantKey, "/v1/channel-instances", Map.of("plugin_id",
                "test-channel", "name", "walk", "settings", Map.of("phone", "+5511999990000", "token", "t"))), 201)
                .json().get("id").asText());
        ids.put("pluginId", "test-channel");
        ids.put("providerId", "openai");
        ids.put("version", "1");
    }

    @Test
    void everyOperationRefusesMalformedBodiesWithAJsonError() throws Exception {
        JsonNode doc = TestHub.check(hub.get(null, "/openapi.json"), 200).json();
        List<String> failures = new ArrayList<>();
        int walked = 0;
        for (Iterator<Map.Entry<String, JsonNode>> paths = doc.get("paths").fields(); paths.hasNext(); ) {
            Map.Entry<String, JsonNode> path = paths.next();
            for (Iterator<Map.Entry<String, JsonNode>> ops = path.getValue().fields(); ops.hasNext(); ) {
                Map.Entry<String, JsonNode> op = ops.next();
                String method = op.getKey().toUpperCase(Locale.ROOT);
                if (!List.of("POST", "PUT", "PATCH").contains(method) || path.getKey().startsWith("/hooks")) {
                    continue;
                }
                String url = fill(path.getKey());
                String key = path.getKey().startsWith("/admin") ? TestHub.ROOT_KEY : tenantKey;
                for (String body : bodies(doc, op.getValue())) {
                    walked++;
                    TestHub.Reply r = hub.send(key, method, url, body);
                    String problem = problem(r);
                    if (problem != null) {
                        failures.add(method + " " + url + " with " + abbreviate(body) + ": " + problem);
                    }
                }
                TestHub.Reply none = hub.call(method, url, Map.of("Authorization", "Bearer " + key), null);
                walked++;
                String problem = problem(none);
                if (problem != null) {
                    failures.add(method + " " + url + " without a body: " + problem);
                }
                if (url.endsWith("/suspend") && none.status() < 300) {
                    // Suspending the walked tenant would refuse the rest of the walk before any body is read.
                    TestHub.check(hub.post(TestHub.ROOT_KEY, url.replace("/suspend", "/activate"), "{}"), 200);
                }
            }
        }
        assertThat(walked).as("operations walked").isGreaterThan(100);
        assertThat(failures).isEmpty();
    }

    @Test
    void everyReadAnswersWithoutAServerError() {
        JsonNode doc = TestHub.check(hub.get(null, "/openapi.json"), 200).json();
        List<String> failures = new ArrayList<>();
        int walked = 0;
        for (Iterator<Map.Entry<String, JsonNode>> paths = doc.get("paths").fields(); paths.hasNext(); ) {
            Map.Entry<String, JsonNode> path = paths.next();
            if (!path.getValue().has("get") || path.getKey().startsWith("/hooks")
                    || path.getKey().startsWith("/console") || path.getKey().startsWith("/demo")) {
                continue;
            }
            String url = fill(path.getKey());
            List<String> keys = path.getKey().startsWith("/admin") ? List.of(TestHub.ROOT_KEY)
                    : List.of(tenantKey, TestHub.ROOT_KEY);
            for (String key : keys) {
                walked++;
                TestHub.Reply r = hub.get(key, url);
                String problem = problem(r);
                if (problem != null) {
                    failures.add("GET " + url + ": " + problem);
                }
            }
        }
        assertThat(walked).as("reads walked").isGreaterThan(40);
        assertThat(failures).isEmpty();
    }

    private static String problem(TestHub.Reply r) {
        if (r.status() >= 500) {
            return r.status() + " " + abbreviate(r.body());
        }
        if (r.status() >= 400) {
            String ct = r.headers().firstValue("Content-Type").orElse("");
            if (!ct.startsWith("application/json") || r.json() == null || !r.json().path("error").path("code")
                    .isTextual()) {
                return "not the JSON error shape: " + r.status() + " " + ct + " " + abbreviate(r.body());
            }
        }
        return null;
    }

    private List<String> bodies(JsonNode doc, JsonNode op) throws Exception {
        List<String> out = new ArrayList<>(List.of("null", "[]", "{\"name\": ", "\"text\"", "42", "{\"a\":[}"));
        JsonNode schema = resolve(doc, op.path("requestBody").path("content").path("application/json")
                .path("schema"));
        JsonNode props = schema.path("properties");
        if (props.isObject() && props.size() > 0) {
            ObjectNode wrong = JSON.createObjectNode();
            props.fields().forEachRemaining(p -> wrong.set(p.getKey(), wrongType(resolve(doc, p.getValue()))));
            out.add(JSON.writeValueAsString(wrong));
            // One wrong field at a time too: a body wrong everywhere may be refused for its first field alone.
            props.fields().forEachRemaining(p -> {
                ObjectNode one = JSON.createObjectNode();
                one.set(p.getKey(), wrongType(resolve(doc, p.getValue())));
                out.add(one.toString());
            });
        }
        return out;
    }

    private static JsonNode resolve(JsonNode doc, JsonNode schema) {
        String ref = schema.path("$ref").asText("");
        if (ref.startsWith("#/components/schemas/")) {
            return doc.path("components").path("schemas").path(ref.substring("#/components/schemas/".length()));
        }
        return schema;
    }

    private static JsonNode wrongType(JsonNode schema) {
        return switch (schema.path("type").asText("object")) {
            case "string" -> JSON.getNodeFactory().numberNode(12);
            case "integer", "number" -> JSON.getNodeFactory().textNode("1");
            case "boolean" -> JSON.getNodeFactory().textNode("true");
            case "array" -> JSON.createObjectNode().put("a", 1);
            default -> JSON.createArrayNode().add(1);
        };
    }

    private String fill(String template) {
        Matcher m = PARAM.matcher(template);
        StringBuilder sb = new StringBuilder();
        while (m.find()) {
            m.appendReplacement(sb, ids.getOrDefault(m.group(1), "missing_" + m.group(1)));
        }
        m.appendTail(sb);
        return sb.toString();
    }

    private static String abbreviate(String s) {
        return s == null ? "" : s.length() > 160 ? s.substring(0, 160) + "…" : s;
    }
}
