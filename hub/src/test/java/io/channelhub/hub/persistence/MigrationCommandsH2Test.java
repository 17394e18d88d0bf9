package io.channelhub.hub.persistence;

import io.channelhub.hub.support.TestDatabase;

class MigrationCommandsH2Test extends MigrationCommandsContract {
    @Override
    protected TestDatabase.Kind database() {
        return TestDatabase.Kind.H2;
    }
}
