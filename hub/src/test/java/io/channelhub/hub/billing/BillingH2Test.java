package io.channelhub.hub.billing;

import io.channelhub.hub.support.TestDatabase;

class BillingH2Test extends BillingContract {
    @Override
    protected TestDatabase.Kind database() {
        return TestDatabase.Kind.H2;
    }
}
