package io.channelhub.hub.limits;

import java.util.List;
import redis.clients.jedis.UnifiedJedis;

/**
 * Token buckets in Redis: one Lua script refills, checks and consumes in a single round trip, using Redis's own
 * clock, so every replica sees one exact limit.
 */
public class RedisRateLimiter implements RateLimiter {

    // KEYS[1] bucket; ARGV capacity, period ms. State: tokens and the time they were counted (ms).
    private static final String SCRIPT = String.join("\n",
            "local capacity = tonumber(ARGV[1])",
            "local period = tonumber(ARGV[2])",
            "local rate = capacity / period",
            "local t = redis.call('TIME')",
            "local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)",
            "local s = redis.call('HMGET', KEYS[1], 'tokens', 'ts')",
            "local tokens = tonumber(s[1])",
            "local ts = tonumber(s[2])",
            "if tokens == nil then tokens = capacity; ts = now end",
            "tokens = math.min(capacity, tokens + (now - ts) * rate)",
            "local allowed = 0",
            "if tokens >= 1 then tokens = tokens - 1; allowed = 1 end",
            "redis.call('HSET', KEYS[1], 'tokens', tostring(tokens), 'ts', tostring(now))",
            "redis.call('PEXPIRE', KEYS[1], period * 2)",
            "local reset = math.ceil((capacity - tokens) / rate)",
            "local retry = 0",
            "if allowed == 0 then retry = math.ceil((1 - tokens) / rate) end",
            "return {allowed, math.floor(tokens), reset, retry}");

    private final UnifiedJedis redis;
    private final String prefix;

    public RedisRateLimiter(UnifiedJedis redis, String prefix) {
        this.redis = redis;
        this.prefix = prefix;
    }

    @Override
    public Decision take(String bucket, long capacity, long periodMs) {
        Object r = redis.eval(SCRIPT, List.of(prefix + bucket), List.of(Long.toString(capacity),
                Long.toString(periodMs)));
        List<?> v = (List<?>) r;
        return new Decision(((Long) v.get(0)) == 1L, capacity, (Long) v.get(1), (Long) v.get(2), (Long) v.get(3));
    }
}
