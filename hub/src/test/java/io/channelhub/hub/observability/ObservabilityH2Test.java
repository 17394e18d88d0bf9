package io.channelhub.hub.observability;

import io.channelhub.hub.support.TestDatabase;

/** The embedded default: no Redis. */
class ObservabilityH2Test extends ObservabilityContract {
    @Override
    protected TestDatabase.Kind database() {
        return TestDatabase.Kind.H2;
    }

    @Override
    protected boolean withRedis() {
        return false;
    }
}
