package io.channelhub.hub.redis;

import com.codahale.metrics.health.HealthCheck;
import redis.clients.jedis.RedisClient;

/** Healthy when Redis answers PING. */
public class RedisHealthCheck extends HealthCheck {

    private final RedisClient redis;

    public RedisHealthCheck(RedisClient redis) {
        this.redis = redis;
    }

    @Override
    protected Result check() {
        String pong = redis.ping();
        return "PONG".equalsIgnoreCase(pong) ? Result.healthy() : Result.unhealthy("unexpected PING answer");
    }
}
