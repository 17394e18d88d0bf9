package io.channelhub.hub.conversations;

import io.channelhub.hub.support.TestDatabase;

class ConversationsH2Test extends ConversationsContract {
    @Override
    protected TestDatabase.Kind database() {
        return TestDatabase.Kind.H2;
    }
}
