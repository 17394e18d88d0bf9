package io.channelhub.hub.it;

import io.channelhub.hub.support.TestDatabase;

class AsaasBillingMariaDbTest extends AsaasBillingContract {
    @Override
    protected TestDatabase.Kind database() {
        return TestDatabase.Kind.MARIADB;
    }
}
