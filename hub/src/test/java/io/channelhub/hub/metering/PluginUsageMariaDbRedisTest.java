package io.channelhub.hub.metering;

import io.channelhub.hub.support.TestDatabase;

/** As in production: MariaDB, and the quota counters in Redis. */
class PluginUsageMariaDbRedisTest extends PluginUsageContract {
    @Override
    protected TestDatabase.Kind database() {
        return TestDatabase.Kind.MARIADB;
    }

    @Override
    protected String redisUri() {
        return System.getenv().getOrDefault("CHANNELHUB_TEST_REDIS_URI", "redis://127.0.0.1:6379");
    }
}
