package io.channelhub.hub.observability;

import io.channelhub.hub.support.TestDatabase;

/** As in production: MariaDB and Redis. */
class ObservabilityMariaDbRedisTest extends ObservabilityContract {
    @Override
    protected TestDatabase.Kind database() {
        return TestDatabase.Kind.MARIADB;
    }

    @Override
    protected boolean withRedis() {
        return true;
    }
}
