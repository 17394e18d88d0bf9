package io.channelhub.hub.billing;

import io.channelhub.hub.support.TestDatabase;

class AsaasBillingMariaDbTest extends AsaasBillingContract {
    @Override
    protected TestDatabase.Kind database() {
        return TestDatabase.Kind.MARIADB;
    }
}
