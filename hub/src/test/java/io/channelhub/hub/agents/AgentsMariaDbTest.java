package io.channelhub.hub.agents;

import io.channelhub.hub.support.TestDatabase;

class AgentsMariaDbTest extends AgentsContract {
    @Override
    protected TestDatabase.Kind database() {
        return TestDatabase.Kind.MARIADB;
    }
}
