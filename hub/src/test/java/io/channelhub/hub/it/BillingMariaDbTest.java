package io.channelhub.hub.it;

import io.channelhub.hub.support.TestDatabase;

class BillingMariaDbTest extends BillingContract {
    @Override
    protected TestDatabase.Kind database() {
        return TestDatabase.Kind.MARIADB;
    }
}
