package io.channelhub.hub.conversations;

import io.channelhub.hub.support.TestDatabase;

class TurnPolicyMariaDbTest extends TurnPolicyContract {
    @Override
    protected TestDatabase.Kind database() {
        return TestDatabase.Kind.MARIADB;
    }
}
