package io.channelhub.hub.web;

import io.channelhub.hub.support.TestDatabase;

class IdempotencyMariaDbTest extends IdempotencyContract {
    @Override
    protected TestDatabase.Kind database() {
        return TestDatabase.Kind.MARIADB;
    }
}
