package io.channelhub.hub.web.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.openai.client.OpenAIClient;
import com.openai.client.okhttp.OpenAIOkHttpClient;
import com.openai.core.http.StreamResponse;
import com.openai.errors.NotFoundException;
import com.openai.errors.PermissionDeniedException;
import com.openai.errors.UnauthorizedException;
import com.openai.models.chat.completions.ChatCompletion;
import com.openai.models.chat.completions.ChatCompletionChunk;
import com.openai.models.chat.completions.ChatCompletionCreateParams;
import com.openai.models.chat.completions.ChatCompletionStreamOptions;
import com.openai.models.models.Model;
import com.openai.models.models.ModelRetrieveParams;
import io.channelhub.hub.support.HubIntegrationTest;
import io.channelhub.hub.support.TestHub;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The official openai-java client, unmodified, against the hub's OpenAI-compatible endpoint. */
abstract class OpenAiCompatibleContract extends HubIntegrationTest {

    private OpenAIClient client;
    private String tenant;
    private String key;

    @BeforeAll
    void client() {
        tenant = hub.createTenant(slug("sdk"));
        key = hub.createKey(tenant, "editor").get("key").asText();
        TestHub.check(hub.post(key, "/v1/agents", Map.of("slug", "helper", "name", "Helper")), 201);
        client = OpenAIOkHttpClient.builder().baseUrl(hub.url("/v1")).apiKey(key).maxRetries(0).build();
    }

    @AfterAll
    void close() {
        client.close();
    }

    @Test
    void listsTheTenantsAgentsAsModels() {
        List<String> ids = client.models().list().data().stream().map(Model::id).toList();
        assertThat(ids).containsExactly("helper");
    }

    @Test
    void answersAChatCompletion() {
        ChatCompletion cc = client.chat().completions().create(ChatCompletionCreateParams.builder()
                .model("helper").addSystemMessage("Be brief.").addUserMessage("Olá, tudo bem?").build());
        assertThat(cc.model()).isEqualTo("helper");
        assertThat(cc.choices().get(0).message().content()).hasValueSatisfying(t ->
                assertThat(t).startsWith("[demo]").contains("Olá, tudo bem?"));
        assertThat(cc.choices().get(0).finishReason().asString()).isEqualTo("stop");
        assertThat(cc.usage()).hasValueSatisfying(u -> assertThat(u.completionTokens()).isPositive());
        hub.app().ledger().flush();
        long calls = hub.app().jdbi().withHandle(h -> h.createQuery("SELECT COUNT(*) FROM usage_events WHERE "
                + "tenant_id = :t AND usage_type = 'api.chat_completions'").bind("t", tenant).mapTo(Long.class).one());
        assertThat(calls).isPositive();
    }

    @Test
    void streamsAChatCompletion() {
        StringBuilder text = new StringBuilder();
        List<ChatCompletionChunk> chunks = new ArrayList<>();
        try (StreamResponse<ChatCompletionChunk> s = client.chat().completions().createStreaming(
                ChatCompletionCreateParams.builder().model("helper").addUserMessage("stream me")
                        .streamOptions(ChatCompletionStreamOptions.builder().includeUsage(true).build()).build())) {
            s.stream().forEach(chunk -> {
                chunks.add(chunk);
                chunk.choices().forEach(c -> c.delta().content().ifPresent(text::append));
            });
        }
        assertThat(text.toString()).startsWith("[demo]").contains("stream me");
        assertThat(chunks.size()).isGreaterThan(3);
        assertThat(chunks.get(chunks.size() - 1).usage()).isPresent();
        assertThat(chunks.stream().flatMap(c -> c.choices().stream()).flatMap(c -> c.finishReason().stream())
                .map(f -> f.asString()).toList()).containsExactly("stop");
    }

    @Test
    void anUnknownModelIs404AndABadKeyIs401() {
        assertThatThrownBy(() -> client.chat().completions().create(ChatCompletionCreateParams.builder()
                .model("gpt-4o").addUserMessage("hi").build())).isInstanceOf(NotFoundException.class);
        OpenAIClient bad = OpenAIOkHttpClient.builder().baseUrl(hub.url("/v1")).apiKey("sk-not-ours")
                .maxRetries(0).build();
        try {
            assertThatThrownBy(() -> bad.models().list()).isInstanceOf(UnauthorizedException.class);
        } finally {
            bad.close();
        }
    }

    @Test
    void anotherTenantsAgentIsNotAModelHere() {
        String other = hub.createTenant(slug("sdk-other"));
        String otherKey = hub.createKey(other, "admin").get("key").asText();
        TestHub.check(hub.post(otherKey, "/v1/agents", Map.of("slug", "secret-agent", "name", "S")), 201);
        assertThat(client.models().list().data().stream().map(Model::id).toList()).doesNotContain("secret-agent");
        assertThatThrownBy(() -> client.chat().completions().create(ChatCompletionCreateParams.builder()
                .model("secret-agent").addUserMessage("hi").build())).isInstanceOf(NotFoundException.class);
    }

    @Test
    void retrievesOneModelAsTheListShowsIt() {
        Model listed = client.models().list().data().stream().filter(m -> m.id().equals("helper")).findFirst()
                .orElseThrow();
        Model one = client.models().retrieve(ModelRetrieveParams.builder().model("helper").build());
        assertThat(one.id()).isEqualTo("helper");
        assertThat(one.ownedBy()).isEqualTo("channelhub");
        assertThat(one.created()).isEqualTo(listed.created()).isPositive();
        assertThat(one._object_().toString()).contains("model");
    }

    @Test
    void retrievingAnUnknownOrForeignModelIs404InTheErrorShapeTheSdkReads() {
        assertThatThrownBy(() -> client.models().retrieve(ModelRetrieveParams.builder().model("gpt-4o").build()))
                .isInstanceOfSatisfying(NotFoundException.class, e -> {
                    assertThat(e.statusCode()).isEqualTo(404);
                    assertThat(e.code()).contains("model_not_found");
                });
        String other = hub.createTenant(slug("sdk-foreign"));
        String otherKey = hub.createKey(other, "admin").get("key").asText();
        TestHub.check(hub.post(otherKey, "/v1/agents", Map.of("slug", "their-agent", "name", "T")), 201);
        assertThatThrownBy(() -> client.models().retrieve(ModelRetrieveParams.builder().model("their-agent")
                .build())).isInstanceOf(NotFoundException.class);
    }

    @Test
    void aViewerMayListModelsButNotSpendOnACompletion() {
        String viewer = hub.createKey(tenant, "viewer").get("key").asText();
        OpenAIClient readOnly = OpenAIOkHttpClient.builder().baseUrl(hub.url("/v1")).apiKey(viewer).maxRetries(0)
                .build();
        try {
            assertThat(readOnly.models().list().data().stream().map(Model::id).toList()).contains("helper");
            assertThat(readOnly.models().retrieve(ModelRetrieveParams.builder().model("helper").build()).id())
                    .isEqualTo("helper");
            assertThatThrownBy(() -> readOnly.chat().completions().create(ChatCompletionCreateParams.builder()
                    .model("helper").addUserMessage("hi").build()))
                    .isInstanceOfSatisfying(PermissionDeniedException.class, e ->
                            assertThat(e.code()).contains("permission_denied"));
            // The same rule as for a conversation: a viewer starts no agent turn.
            assertThat(hub.post(viewer, "/v1/conversations", Map.of()).status()).isEqualTo(403);
        } finally {
            readOnly.close();
        }
    }
}
