package io.channelhub.hub.acl;

import io.channelhub.hub.support.TestDatabase;

class IsolationH2Test extends IsolationContract {
    @Override
    protected TestDatabase.Kind database() {
        return TestDatabase.Kind.H2;
    }
}
