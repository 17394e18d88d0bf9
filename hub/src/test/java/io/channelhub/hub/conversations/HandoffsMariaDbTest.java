package io.channelhub.hub.conversations;

import io.channelhub.hub.support.TestDatabase;

class HandoffsMariaDbTest extends HandoffsContract {
    @Override
    protected TestDatabase.Kind database() {
        return TestDatabase.Kind.MARIADB;
    }
}
