package io.channelhub.hub.leads;

import io.channelhub.hub.support.TestDatabase;

class LeadsMariaDbTest extends LeadsContract {
    @Override
    protected TestDatabase.Kind database() {
        return TestDatabase.Kind.MARIADB;
    }
}
