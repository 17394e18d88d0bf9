package io.channelhub.hub.knowledge;

import io.channelhub.hub.support.TestDatabase;

class KnowledgeH2Test extends KnowledgeContract {
    @Override
    protected TestDatabase.Kind database() {
        return TestDatabase.Kind.H2;
    }
}
