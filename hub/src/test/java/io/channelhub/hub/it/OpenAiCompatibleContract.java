package io.channelhub.hub.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.openai.client.OpenAIClient;
import com.openai.client.okhttp.OpenAIOkHttpClient;
import com.openai.core.http.StreamResponse;
import com.openai.errors.NotFoundException;
import com.openai.errors.UnauthorizedException;
import com.openai.models.chat.completions.ChatCompletion;
import com.openai.models.chat.completions.ChatCompletionChunk;
import com.openai.models.chat.completions.ChatCompletionCreateParams;
import com.openai.models.chat.completions.ChatCompletionStreamOptions;
import com.openai.models.models.Model;
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
}
