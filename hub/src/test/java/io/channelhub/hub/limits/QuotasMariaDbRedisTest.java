package io.channelhub.hub.limits;

import io.channelhub.hub.support.TestDatabase;

/** As in production: MariaDB and the counters in Redis, shared by two replicas in the race. */
class QuotasMariaDbRedisTest extends QuotasContract {
    @Override
    protected TestDatabase.Kind database() {
        return TestDatabase.Kind.MARIADB;
    }

    @Override
    protected String redisUri() {
        return System.getenv().getOrDefault("CHANNELHUB_TEST_REDIS_URI", "redis://127.0.0.1:6379");
    }
}
