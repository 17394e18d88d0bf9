package io.channelhub.hub.conversations;

import io.channelhub.hub.support.TestDatabase;

class ConversationsMariaDbTest extends ConversationsContract {
    @Override
    protected TestDatabase.Kind database() {
        return TestDatabase.Kind.MARIADB;
    }
}
