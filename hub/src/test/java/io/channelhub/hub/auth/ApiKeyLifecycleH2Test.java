package io.channelhub.hub.auth;

import io.channelhub.hub.support.TestDatabase;

class ApiKeyLifecycleH2Test extends ApiKeyLifecycleContract {
    @Override
    protected TestDatabase.Kind database() {
        return TestDatabase.Kind.H2;
    }
}
