package io.channelhub.hub.leads;

import io.channelhub.hub.support.TestDatabase;

class LeadsH2Test extends LeadsContract {
    @Override
    protected TestDatabase.Kind database() {
        return TestDatabase.Kind.H2;
    }
}
