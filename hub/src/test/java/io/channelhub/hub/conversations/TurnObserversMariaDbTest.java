package io.channelhub.hub.conversations;

import io.channelhub.hub.support.TestDatabase;

class TurnObserversMariaDbTest extends TurnObserversContract {
    @Override
    protected TestDatabase.Kind database() {
        return TestDatabase.Kind.MARIADB;
    }
}
