package io.channelhub.hub.knowledge;

import io.channelhub.hub.support.TestDatabase;

class KnowledgeMariaDbTest extends KnowledgeContract {
    @Override
    protected TestDatabase.Kind database() {
        return TestDatabase.Kind.MARIADB;
    }
}
