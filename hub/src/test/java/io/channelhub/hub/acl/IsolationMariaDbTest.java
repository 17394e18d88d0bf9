package io.channelhub.hub.acl;

import io.channelhub.hub.support.TestDatabase;

class IsolationMariaDbTest extends IsolationContract {
    @Override
    protected TestDatabase.Kind database() {
        return TestDatabase.Kind.MARIADB;
    }
}
