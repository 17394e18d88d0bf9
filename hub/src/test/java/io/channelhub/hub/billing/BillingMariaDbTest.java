package io.channelhub.hub.billing;

import io.channelhub.hub.support.TestDatabase;

class BillingMariaDbTest extends BillingContract {
    @Override
    protected TestDatabase.Kind database() {
        return TestDatabase.Kind.MARIADB;
    }
}
