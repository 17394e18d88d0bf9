package io.channelhub.hub.persistence;

import io.channelhub.hub.support.TestDatabase;

class SchemaH2Test extends SchemaContract {
    @Override
    protected TestDatabase.Kind database() {
        return TestDatabase.Kind.H2;
    }
}
