package io.channelhub.hub.auth;

import io.channelhub.hub.support.TestDatabase;

class ApiKeyLifecycleMariaDbTest extends ApiKeyLifecycleContract {
    @Override
    protected TestDatabase.Kind database() {
        return TestDatabase.Kind.MARIADB;
    }
}
