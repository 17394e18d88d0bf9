package io.channelhub.hub.web.api;

import io.channelhub.hub.support.TestDatabase;

class OpenAiCompatibleH2Test extends OpenAiCompatibleContract {
    @Override
    protected TestDatabase.Kind database() {
        return TestDatabase.Kind.H2;
    }
}
