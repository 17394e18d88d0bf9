package io.channelhub.hub.tenancy;

import io.channelhub.hub.support.TestDatabase;

class TenantLifecycleMariaDbTest extends TenantLifecycleContract {
    @Override
    protected TestDatabase.Kind database() {
        return TestDatabase.Kind.MARIADB;
    }
}
