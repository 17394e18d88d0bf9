package io.channelhub.hub.web;

import io.channelhub.hub.support.TestDatabase;

class MalformedBodiesMariaDbTest extends MalformedBodiesContract {
    @Override
    protected TestDatabase.Kind database() {
        return TestDatabase.Kind.MARIADB;
    }
}
