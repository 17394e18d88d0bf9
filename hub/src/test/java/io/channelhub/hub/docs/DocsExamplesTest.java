package io.channelhub.hub.docs;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.channelhub.hub.acl.ResourceType;
import io.channelhub.hub.support.HubIntegrationTest;
import io.channelhub.hub.support.TestDatabase;
import io.channelhub.hub.support.TestHub;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * The examples of docs/ run against a real hub as a reader would run them: privacy.md's curl sequence in bash, the
 * model provider body of api.md, and a grant on every resource type architecture.md says grants work on.
 */
class DocsExamplesTest extends HubIntegrationTest {

    @Override
    protected TestDatabase.Kind database() {
        return TestDatabase.Kind.H2;
    }

    @Override
    protected void morePlugins(Path dir) {
        // Redaction's detectors come from the bundled privacy policy, as on the embedded default.
        Path dist = Path.of(System.getProperty("channelhub.dist", "../target/channelhub")).resolve("plugins");
        try (var files = Files.list(dist)) {
            Path jar = files.filter(p -> p.getFileName().toString().startsWith("compliance-privacy-")).findFirst()
                    .orElseThrow(() -> new AssertionError("no compliance-privacy jar in " + dist + "; run mvn package"));
            Files.copy(jar, dir.resolve(jar.getFileName()), StandardCopyOption.REPLACE_EXISTING);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The first fenced block of {@code lang} after {@code heading}. */
    static String blockAfter(String doc, String heading, String lang) {
        int at = doc.indexOf(heading);
        assertThat(at).as("'" + heading + "' in the doc").isNotNegative();
        Matcher m = Pattern.compile("```" + lang + "\\n(.*?)\\n```", Pattern.DOTALL).matcher(doc);
        assertThat(m.find(at)).as("a " + lang + " block after '" + heading + "'").isTrue();
        return m.group(1);
    }

    @Test
    void privacyMdTryItRunsAsWrittenAndRedactsTheStoredMessage() throws Exception {
        String doc = DocsMatchCodeTest.read("docs/privacy.md");
        String script = blockAfter(doc, "### Try it", "sh");
        String hostPort = URI.create(hub.url("/")).getAuthority();
        // The reader's hub listens on localhost:8080; this one on a free port. --fail-with-body makes a refused
        // request (an unknown field, a wrong value) end the script, which the reader would see as an error body.
        String run = "set -euo pipefail\ncurl() { command curl --fail-with-body \"$@\"; }\n"
                + script.replace("localhost:8080", hostPort);
        ProcessBuilder pb = new ProcessBuilder("bash", "-c", run).redirectErrorStream(true);
        pb.environment().put("ROOT", TestHub.ROOT_KEY);
        Process p;
        try {
            p = pb.start();
        } catch (IOException e) {
            throw new AssertionError("privacy.md's sequence needs bash, curl and jq on the PATH", e);
        }
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).as("the sequence failed:\n" + out).isZero();

        Matcher claim = Pattern.compile("The stored message reads `([^`]+)`").matcher(doc);
        assertThat(claim.find()).isTrue();
        assertThat(out).contains(claim.group(1)).doesNotContain("529.982.247-25").doesNotContain("PED-123456");
        assertThat(out).contains("\"messages\":\"mask\"");
        var json = new com.fasterxml.jackson.databind.ObjectMapper();
        List<String> finds = new java.util.ArrayList<>();
        for (String line : out.split("\n")) {
            if (line.startsWith("{") && line.contains("\"pii_type\"")) {
                JsonNode row = json.readTree(line);
                finds.add(row.get("target").asText() + ":" + row.get("pii_type").asText() + ":" + row.get("hits").asInt());
            }
        }
        assertThat(finds).as("the redaction report").containsExactlyInAnyOrder("messages:cpf:1", "messages:order:1");
    }

    @Test
    void apiMdModelProviderBodyIsAcceptedAndAFlatOneIsNot() throws Exception {
        String body = blockAfter(DocsMatchCodeTest.read("docs/api.md"), "A tenant sets its own with", "json");
        String key = hub.createKey(hub.createTenant(slug("models")), "admin").get("key").asText();

        JsonNode provider = TestHub.check(hub.send(key, "PUT", "/v1/model-providers/openai", body), 200).json();
        JsonNode sent = new com.fasterxml.jackson.databind.ObjectMapper().readTree(body).get("settings");
        assertThat(provider.get("settings").get("api_key").asText()).isEqualTo("********");
        assertThat(provider.get("settings").get("base_url").asText()).isEqualTo(sent.get("base_url").asText());
        assertThat(provider.get("demo").asBoolean()).isFalse();

        TestHub.Reply flat = hub.send(key, "PUT", "/v1/model-providers/openai", sent.toString());
        assertThat(flat.status()).as(flat.body()).isEqualTo(422);
    }

    @Test
    void grantsWorkOnExactlyTheResourceTypesArchitectureMdNames() throws Exception {
        Set<String> grantable = DocsMatchCodeTest.namesAfter(DocsMatchCodeTest.read("docs/architecture.md"),
                "and grants work on them:");
        String tenant = hub.createTenant(slug("grants"));
        String admin = hub.createKey(tenant, "admin").get("key").asText();
        String grantee = hub.createKey(tenant, "viewer").get("id").asText();

        TestHub.check(hub.post(admin, "/v1/agents", Map.of("slug", "support", "name", "Support")), 201);
        Map<String, String> ids = new LinkedHashMap<>();
        ids.put("agent", hub.get(admin, "/v1/agents").json().get("data").get(0).get("id").asText());
        ids.put("prompt", TestHub.check(hub.post(admin, "/v1/prompts", Map.of("slug", "greeting", "name", "Greeting",
                "content", "Be kind.")), 201).json().get("id").asText());
        ids.put("conversation", TestHub.check(hub.post(admin, "/v1/conversations", Map.of("agent", "support")), 201)
                .json().get("id").asText());
        ids.put("channel_instance", TestHub.check(hub.post(admin, "/v1/channel-instances", Map.of("plugin_id",
                "test-channel", "name", "Line", "settings", Map.of("phone", slug("ph"), "token", "t"))), 201)
                .json().get("id").asText());
        // Events that never fire here, so nothing is sent to the address.
        ids.put("webhook", TestHub.check(hub.post(admin, "/v1/webhooks", Map.of("url", "https://hooks.example.com/ch",
                "events", List.of("quota.threshold"))), 201).json().get("id").asText());
        String file = TestHub.check(hub.upload(admin, "/v1/files", "assistants", "faq.txt",
                "Opening hours: 9 to 18.".getBytes(java.nio.charset.StandardCharsets.UTF_8)), 200).json().get("id")
                .asText();
        ids.put("file", file);
        ids.put("vector_store", TestHub.check(hub.post(admin, "/v1/vector_stores", Map.of("name", "faq")), 200)
                .json().get("id").asText());
        // A lead as the leads plugin's report leaves it (LeadsContract runs the plugin itself).
        String lead = "lead_docs" + Long.toString(System.nanoTime(), 36);
        hub.app().jdbi().useHandle(h -> h.createUpdate("INSERT INTO leads (id, tenant_id, conversation_id, "
                        + "source_plugin, score, stage, created_at, updated_at) VALUES (:id, :t, :c, 'leads', 70, "
                        + "'qualified', :now, :now)").bind("id", lead).bind("t", tenant).bind("c", ids.get("conversation"))
                .bind("now", java.time.Instant.now()).execute());
        ids.put("lead", lead);
        assertThat(ids.keySet()).as("this test creates one resource of each grantable type").isEqualTo(grantable);

        for (ResourceType type : ResourceType.values()) {
            String id = ids.getOrDefault(type.wire(), type.wire() + "_000000000000000000000000");
            TestHub.Reply r = hub.post(admin, "/v1/grants", Map.of("resource_type", type.wire(), "resource_id", id,
                    "api_key_id", grantee, "permission", "update"));
            if (grantable.contains(type.wire())) {
                assertThat(r.status()).as(type.wire() + ": " + r.body()).isEqualTo(201);
            } else {
                assertThat(r.status()).as(type.wire() + ": " + r.body()).isEqualTo(404);
                assertThat(r.code()).isEqualTo("not_found");
            }
        }
    }
}
