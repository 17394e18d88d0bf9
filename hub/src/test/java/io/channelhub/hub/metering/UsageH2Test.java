package io.channelhub.hub.metering;

import io.channelhub.hub.support.TestDatabase;

class UsageH2Test extends UsageContract {
    @Override
    protected TestDatabase.Kind database() {
        return TestDatabase.Kind.H2;
    }
}
