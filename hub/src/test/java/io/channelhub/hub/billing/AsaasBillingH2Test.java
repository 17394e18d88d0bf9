package io.channelhub.hub.billing;

import io.channelhub.hub.support.TestDatabase;

class AsaasBillingH2Test extends AsaasBillingContract {
    @Override
    protected TestDatabase.Kind database() {
        return TestDatabase.Kind.H2;
    }
}
