package io.channelhub.hub.docs;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.channelhub.hub.support.HubIntegrationTest;
import io.channelhub.hub.support.Routes;
import io.channelhub.hub.support.TestDatabase;
import io.channelhub.hub.support.TestHub;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.junit.jupiter.api.Test;

/** /openapi.json and docs/api.md describe every route the hub serves. */
class ApiDocsTest extends HubIntegrationTest {

    @Override
    protected TestDatabase.Kind database() {
        return TestDatabase.Kind.H2;
    }

    @Test
    void theOpenApiDocumentIsPublicAndCoversEveryRoute() {
        TestHub.Reply r = hub.get(null, "/openapi.json");
        assertThat(r.status()).isEqualTo(200);
        JsonNode doc = r.json();
        assertThat(doc.get("openapi").asText()).startsWith("3.");
        List<String> missing = new ArrayList<>();
        for (Routes.Route route : Routes.of(hub)) {
            if (route.template().equals("/openapi.json")) {
                continue;
            }
            JsonNode path = doc.path("paths").path(route.template());
            if (path.path(route.method().toLowerCase(Locale.ROOT)).isMissingNode()) {
                missing.add(route.toString());
            }
        }
        assertThat(missing).isEmpty();
        assertThat(doc.path("components").path("schemas").path("AgentView").path("properties").has("max_output_tokens"))
                .as("snake_case names in schemas").isTrue();
    }

    @Test
    void theOpenApiDocumentDescribesAMessagesTypeAttachmentsAndChannelError() {
        JsonNode schemas = hub.get(null, "/openapi.json").json().path("components").path("schemas");
        JsonNode message = schemas.path("MessageView").path("properties");
        assertThat(message.path("type").path("enum").toString()).contains("image", "location", "interactive");
        assertThat(message.path("attachments").path("type").asText()).isEqualTo("array");
        assertThat(message.has("error_title")).isTrue();
        assertThat(message.has("error_details")).isTrue();
        assertThat(schemas.path("AttachmentView").path("properties").has("content_type")).isTrue();
    }

    @Test
    void theAuthenticatedCallerIsNeverDocumentedAsARequestBody() {
        JsonNode doc = hub.get(null, "/openapi.json").json();
        assertThat(doc.toString()).doesNotContain("Caller");
        List<String> getsWithBody = new ArrayList<>();
        doc.path("paths").fields().forEachRemaining(p -> {
            if (p.getValue().path("get").has("requestBody")) {
                getsWithBody.add(p.getKey());
            }
        });
        assertThat(getsWithBody).isEmpty();
        // A route that takes the caller and a body documents the body.
        assertThat(doc.path("paths").path("/v1/agents").path("post").path("requestBody").toString())
                .contains("AgentBody");
        assertThat(doc.path("paths").path("/v1/webhooks").path("post").path("requestBody").toString())
                .contains("CreateWebhook");
    }

    @Test
    void docsApiMdListsEveryRoute() throws Exception {
        String md = Files.readString(Path.of(System.getProperty("channelhub.root", "..")).resolve("docs/api.md"));
        List<String> missing = new ArrayList<>();
        for (Routes.Route route : Routes.of(hub)) {
            if (!md.contains("| " + route.method() + " | `" + route.template() + "` |")) {
                missing.add(route.toString());
            }
        }
        assertThat(missing).as("routes missing from docs/api.md").isEmpty();
    }
}
