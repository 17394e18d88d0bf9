package io.channelhub.hub.it;

import io.channelhub.hub.support.TestDatabase;

class ConsoleMariaDbTest extends ConsoleContract {
    @Override
    protected TestDatabase.Kind database() {
        return TestDatabase.Kind.MARIADB;
    }
}
