package io.channelhub.hub.channels;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.channelhub.hub.support.FakeOpenAi;
import io.channelhub.hub.support.HubIntegrationTest;
import io.channelhub.hub.support.TestDatabase;
import io.channelhub.hub.support.TestHub;
import io.dropwizard.testing.ConfigOverride;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

/**
 * Files a widget visitor uploads reach the model as the OpenAI APIs document them: images as image inputs, PDFs as
 * file inputs, text inline; checked on the requests a fake OpenAI server receives, for both APIs.
 */
class ChannelAttachmentsTest extends HubIntegrationTest {

    private static final String SITE = "https://shop.example";
    private static final byte[] PNG = WebChannelContract.PNG;
    private static final byte[] PDF = "%PDF-1.4\n%test\n".getBytes(StandardCharsets.UTF_8);
    private static FakeOpenAi fake;

    @Override
    protected TestDatabase.Kind database() {
        return TestDatabase.Kind.H2;
    }

    @Override
    protected ConfigOverride[] overrides() {
        try {
            fake = new FakeOpenAi();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return fake.asOperatorModel();
    }

    @Override
    protected void morePlugins(Path dir) {
        io.channelhub.hub.support.TestPlugins.copyBundled(dir, "channel-web");
    }

    @AfterAll
    void stopFake() {
        fake.close();
    }

    private String widget(String api) {
        String t = hub.createTenant(slug("files"));
        String admin = hub.createKey(t, "admin").get("key").asText();
        TestHub.check(hub.post(admin, "/v1/agents", Map.of("slug", "vision", "name", "Vision", "api", api)), 201);
        return TestHub.check(hub.post(admin, "/v1/channel-instances", Map.of("plugin_id", "channel-web", "name",
                "shop", "settings", Map.of("allowed_origins", List.of(SITE), "uploads_enabled", true,
                        "upload_types", List.of("image/png", "application/pdf", "text/plain")))), 201).json()
                .get("id").asText();
    }

    private String upload(String w, String token, String type, String name, byte[] bytes) {
        Map<String, String> h = new LinkedHashMap<>(Map.of("Origin", SITE, "Authorization", "Bearer " + token,
                "Content-Type", type, "X-File-Name", name));
        return TestHub.check(hub.callBinary("POST", "/hooks/instances/" + w + "/uploads", h, bytes), 201).json()
                .get("upload_id").asText();
    }

    private JsonNode sendWithFiles(String w) {
        String token = TestHub.check(hub.call("POST", "/hooks/instances/" + w + "/sessions", Map.of("Origin", SITE,
                "Content-Type", "application/json"), "{}"), 200).json().get("visitor_token").asText();
        String png = upload(w, token, "image/png", "photo.png", PNG);
        String pdf = upload(w, token, "application/pdf", "invoice.pdf", PDF);
        String txt = upload(w, token, "text/plain", "notes.txt", "order 4711, blue".getBytes(StandardCharsets.UTF_8));
        return TestHub.check(hub.call("POST", "/hooks/instances/" + w + "/messages", Map.of("Origin", SITE,
                "Authorization", "Bearer " + token, "Content-Type", "application/json", "Accept",
                "application/json"), "{\"client_message_id\":\"1\",\"text\":\"what is this?\",\"attachments\":[\""
                + png + "\",\"" + pdf + "\",\"" + txt + "\"]}"), 200).json();
    }

    @Test
    void chatCompletionsGetImageFileAndTextParts() {
        fake.reset();
        fake.then(FakeOpenAi.chatReply("A blue order.", 30, 4));
        JsonNode turn = sendWithFiles(widget("chat_completions"));
        assertThat(turn.get("reply").get("content").asText()).isEqualTo("A blue order.");
        assertThat(fake.problems()).isEmpty();
        JsonNode messages = fake.requests().get(0).get("messages");
        JsonNode parts = messages.get(messages.size() - 1).get("content");
        assertThat(parts.get(0).get("type").asText()).isEqualTo("text");
        assertThat(parts.get(0).get("text").asText()).startsWith("what is this?").contains("order 4711, blue")
                .contains("notes.txt");
        assertThat(parts.get(1).get("image_url").get("url").asText())
                .isEqualTo("data:image/png;base64," + Base64.getEncoder().encodeToString(PNG));
        assertThat(parts.get(2).get("file").get("filename").asText()).isEqualTo("invoice.pdf");
        assertThat(parts.get(2).get("file").get("file_data").asText()).startsWith("data:application/pdf;base64,");
    }

    @Test
    void theResponsesApiGetsInputImageAndInputFile() {
        fake.reset();
        fake.then(FakeOpenAi.responsesReply("Seen."));
        JsonNode turn = sendWithFiles(widget("responses"));
        assertThat(turn.get("reply").get("content").asText()).isEqualTo("Seen.");
        assertThat(fake.problems()).isEmpty();
        JsonNode input = fake.requests().get(0).get("input");
        JsonNode parts = input.get(input.size() - 1).get("content");
        assertThat(parts.get(0).get("type").asText()).isEqualTo("input_text");
        assertThat(parts.get(1).get("type").asText()).isEqualTo("input_image");
        assertThat(parts.get(1).get("image_url").asText()).startsWith("data:image/png;base64,");
        assertThat(parts.get(2).get("type").asText()).isEqualTo("input_file");
        assertThat(parts.get(2).get("filename").asText()).isEqualTo("invoice.pdf");
    }
}
