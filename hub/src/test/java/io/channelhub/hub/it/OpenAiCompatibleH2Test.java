package io.channelhub.hub.it;

import io.channelhub.hub.support.TestDatabase;

class OpenAiCompatibleH2Test extends OpenAiCompatibleContract {
    @Override
    protected TestDatabase.Kind database() {
        return TestDatabase.Kind.H2;
    }
}
