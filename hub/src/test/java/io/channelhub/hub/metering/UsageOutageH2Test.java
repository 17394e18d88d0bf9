package io.channelhub.hub.metering;

import io.channelhub.hub.support.TestDatabase;

class UsageOutageH2Test extends UsageOutageContract {
    @Override
    protected TestDatabase.Kind database() {
        return TestDatabase.Kind.H2;
    }
}
