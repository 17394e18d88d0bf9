package io.channelhub.hub.it;

import io.channelhub.hub.support.TestDatabase;

class ConversationsMariaDbTest extends ConversationsContract {
    @Override
    protected TestDatabase.Kind database() {
        return TestDatabase.Kind.MARIADB;
    }
}
