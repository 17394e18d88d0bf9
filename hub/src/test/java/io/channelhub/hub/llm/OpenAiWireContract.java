package io.channelhub.hub.llm;

import io.channelhub.plugin.Settings;
import io.channelhub.plugin.testing.ModelProviderContract;
import io.channelhub.plugin.testing.ProviderAnswer;
import java.util.List;
import java.util.Map;

/**
 * The test kit's model provider contract with OpenAI's documented Chat Completions answers, for the hub's own OpenAI
 * providers (the lean HTTP one and the official SDK): what the kit asks of a plugin's provider, the built-in ones keep
 * too, and the contract is shown to fit a real wire protocol.
 */
abstract class OpenAiWireContract extends ModelProviderContract {

    @Override
    protected Settings settings(String baseUrl) {
        return new Settings(Map.of("base_url", baseUrl + "/v1", "api_key", "sk-contract"));
    }

    @Override
    protected ProviderAnswer completion(String text, long prompt, long completion) {
        return new ProviderAnswer(200, "{\"id\":\"chatcmpl-1\",\"object\":\"chat.completion\",\"created\":1,"
                + "\"model\":\"contract-model\",\"choices\":[{\"index\":0,\"message\":{\"role\":\"assistant\","
                + "\"content\":\"" + text + "\"},\"finish_reason\":\"stop\"}],\"usage\":{\"prompt_tokens\":"
                + prompt + ",\"completion_tokens\":" + completion + ",\"total_tokens\":" + (prompt + completion)
                + "}}");
    }

    @Override
    protected String streamed(List<String> pieces, long prompt, long completion) {
        StringBuilder b = new StringBuilder();
        for (String p : pieces) {
            b.append("data: {\"id\":\"chatcmpl-1\",\"object\":\"chat.completion.chunk\",\"created\":1,\"model\":"
                    + "\"contract-model\",\"choices\":[{\"index\":0,\"delta\":{\"content\":\"").append(p)
                    .append("\"},\"finish_reason\":null}]}\n\n");
        }
        b.append("data: {\"id\":\"chatcmpl-1\",\"object\":\"chat.completion.chunk\",\"created\":1,\"model\":"
                + "\"contract-model\",\"choices\":[{\"index\":0,\"delta\":{},\"finish_reason\":\"stop\"}],"
                + "\"usage\":{\"prompt_tokens\":" + prompt + ",\"completion_tokens\":" + completion
                + ",\"total_tokens\":" + (prompt + completion) + "}}\n\n");
        return b.append("data: [DONE]\n\n").toString();
    }
}
