package io.channelhub.hub.conversations;

import io.channelhub.hub.support.TestDatabase;

class HandoffsH2Test extends HandoffsContract {
    @Override
    protected TestDatabase.Kind database() {
        return TestDatabase.Kind.H2;
    }
}
