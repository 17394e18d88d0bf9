package io.channelhub.hub.llm;

import io.channelhub.plugin.model.ModelProvider;

/** The official openai-java SDK (models.client: sdk). */
class OpenAiSdkProviderContractTest extends OpenAiWireContract {
    @Override
    protected ModelProvider provider() {
        return new OpenAiProvider();
    }
}
