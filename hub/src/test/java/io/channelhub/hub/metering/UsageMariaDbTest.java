package io.channelhub.hub.metering;

import io.channelhub.hub.support.TestDatabase;

class UsageMariaDbTest extends UsageContract {
    @Override
    protected TestDatabase.Kind database() {
        return TestDatabase.Kind.MARIADB;
    }
}
