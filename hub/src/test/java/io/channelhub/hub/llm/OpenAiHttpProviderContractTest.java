package io.channelhub.hub.llm;

import io.channelhub.plugin.model.ModelProvider;

/** The lean HTTP client the hub uses by default. */
class OpenAiHttpProviderContractTest extends OpenAiWireContract {
    @Override
    protected ModelProvider provider() {
        return new OpenAiHttpProvider(new OpenAiProvider());
    }
}
