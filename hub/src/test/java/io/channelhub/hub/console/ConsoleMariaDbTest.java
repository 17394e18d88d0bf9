package io.channelhub.hub.console;

import io.channelhub.hub.support.TestDatabase;

class ConsoleMariaDbTest extends ConsoleContract {
    @Override
    protected TestDatabase.Kind database() {
        return TestDatabase.Kind.MARIADB;
    }
}
