package io.channelhub.hub.persistence;

import io.channelhub.hub.support.TestDatabase;

class MigrationCommandsMariaDbTest extends MigrationCommandsContract {
    @Override
    protected TestDatabase.Kind database() {
        return TestDatabase.Kind.MARIADB;
    }
}
