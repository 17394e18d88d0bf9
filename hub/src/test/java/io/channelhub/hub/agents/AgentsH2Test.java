package io.channelhub.hub.agents;

import io.channelhub.hub.support.TestDatabase;

class AgentsH2Test extends AgentsContract {
    @Override
    protected TestDatabase.Kind database() {
        return TestDatabase.Kind.H2;
    }
}
