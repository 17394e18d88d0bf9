package io.channelhub.hub.tenancy;

import io.channelhub.hub.support.TestDatabase;

class TenantLifecycleH2Test extends TenantLifecycleContract {
    @Override
    protected TestDatabase.Kind database() {
        return TestDatabase.Kind.H2;
    }
}
