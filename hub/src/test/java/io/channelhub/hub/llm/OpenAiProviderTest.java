package io.channelhub.hub.llm;

import static org.assertj.core.api.Assertions.assertThat;

import com.openai.core.ObjectMappers;
import com.openai.models.chat.completions.ChatCompletion;
import com.openai.models.responses.Response;
import io.channelhub.hub.support.FakeOpenAi;
import io.channelhub.plugin.model.ModelReply;
import org.junit.jupiter.api.Test;

/** The fake server's documented shapes are read correctly by the SDK mapping. */
class OpenAiProviderTest {

    @Test
    void readsAChatCompletion() throws Exception {
        ChatCompletion cc = ObjectMappers.jsonMapper().readValue(FakeOpenAi.chatReply("Hi", 3, 1).body(),
                ChatCompletion.class);
        ModelReply r = OpenAiProvider.fromChat(cc);
        assertThat(r.content()).isEqualTo("Hi");
        assertThat(r.usage().promptTokens()).isEqualTo(3);
    }

    @Test
    void readsAResponsesApiResponse() throws Exception {
        Response resp = ObjectMappers.jsonMapper().readValue(FakeOpenAi.responsesReply("Hello").body(),
                Response.class);
        ModelReply r = OpenAiProvider.fromResponse(resp);
        assertThat(r.content()).isEqualTo("Hello");
        assertThat(r.usage().completionTokens()).isEqualTo(4);
    }

    @Test
    void readsToolCalls() throws Exception {
        ChatCompletion cc = ObjectMappers.jsonMapper().readValue(
                FakeOpenAi.chatToolCall("call_1", "f", "{}").body(), ChatCompletion.class);
        ModelReply r = OpenAiProvider.fromChat(cc);
        assertThat(r.toolCalls()).singleElement().satisfies(c -> assertThat(c.name()).isEqualTo("f"));
        assertThat(r.finishReason()).isEqualTo("tool_calls");
    }
}
