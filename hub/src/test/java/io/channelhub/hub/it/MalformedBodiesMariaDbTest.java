package io.channelhub.hub.it;

import io.channelhub.hub.support.TestDatabase;

class MalformedBodiesMariaDbTest extends MalformedBodiesContract {
    @Override
    protected TestDatabase.Kind database() {
        return TestDatabase.Kind.MARIADB;
    }
}
