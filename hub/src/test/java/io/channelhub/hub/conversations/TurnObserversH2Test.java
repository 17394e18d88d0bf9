package io.channelhub.hub.conversations;

import io.channelhub.hub.support.TestDatabase;

class TurnObserversH2Test extends TurnObserversContract {
    @Override
    protected TestDatabase.Kind database() {
        return TestDatabase.Kind.H2;
    }
}
