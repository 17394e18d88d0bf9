package io.channelhub.hub.persistence;

import io.channelhub.hub.support.TestDatabase;

class SchemaMariaDbTest extends SchemaContract {
    @Override
    protected TestDatabase.Kind database() {
        return TestDatabase.Kind.MARIADB;
    }
}
