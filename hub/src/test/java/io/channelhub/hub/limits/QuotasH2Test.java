package io.channelhub.hub.limits;

import io.channelhub.hub.support.TestDatabase;

class QuotasH2Test extends QuotasContract {
    @Override
    protected TestDatabase.Kind database() {
        return TestDatabase.Kind.H2;
    }
}
