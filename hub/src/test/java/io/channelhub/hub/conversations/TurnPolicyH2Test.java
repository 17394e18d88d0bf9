package io.channelhub.hub.conversations;

import io.channelhub.hub.support.TestDatabase;

class TurnPolicyH2Test extends TurnPolicyContract {
    @Override
    protected TestDatabase.Kind database() {
        return TestDatabase.Kind.H2;
    }
}
