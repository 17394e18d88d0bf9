package io.channelhub.hub.metering;

import io.channelhub.hub.support.TestDatabase;

class UsageOutageMariaDbTest extends UsageOutageContract {
    @Override
    protected TestDatabase.Kind database() {
        return TestDatabase.Kind.MARIADB;
    }
}
