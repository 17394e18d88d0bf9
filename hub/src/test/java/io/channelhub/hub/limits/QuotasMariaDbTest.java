package io.channelhub.hub.limits;

import io.channelhub.hub.support.TestDatabase;

class QuotasMariaDbTest extends QuotasContract {
    @Override
    protected TestDatabase.Kind database() {
        return TestDatabase.Kind.MARIADB;
    }
}
