package io.channelhub.hub.channels;

import io.channelhub.hub.support.TestDatabase;
import io.dropwizard.testing.ConfigOverride;
import java.util.ArrayList;
import java.util.List;

/** As in production: MariaDB, and the per-number pace kept in Redis (shared by every replica). */
class WhatsAppMariaDbRedisTest extends WhatsAppContract {
    @Override
    protected TestDatabase.Kind database() {
        return TestDatabase.Kind.MARIADB;
    }

    @Override
    protected ConfigOverride[] overrides() {
        List<ConfigOverride> o = new ArrayList<>(List.of(super.overrides()));
        o.add(ConfigOverride.config("redis.uri", System.getenv().getOrDefault("CHANNELHUB_TEST_REDIS_URI",
                "redis://127.0.0.1:6379")));
        o.add(ConfigOverride.config("rateLimits.keyPrefix", "chub-test:" + System.nanoTime() + ":rl:"));
        return o.toArray(ConfigOverride[]::new);
    }
}
