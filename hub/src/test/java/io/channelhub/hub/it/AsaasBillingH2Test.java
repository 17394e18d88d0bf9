package io.channelhub.hub.it;

import io.channelhub.hub.support.TestDatabase;

class AsaasBillingH2Test extends AsaasBillingContract {
    @Override
    protected TestDatabase.Kind database() {
        return TestDatabase.Kind.H2;
    }
}
