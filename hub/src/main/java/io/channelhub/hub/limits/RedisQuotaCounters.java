package io.channelhub.hub.limits;

import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import redis.clients.jedis.UnifiedJedis;
import redis.clients.jedis.exceptions.JedisException;
import redis.clients.jedis.params.SetParams;

/**
 * Quota counters in Redis, shared by every replica. A reservation is one Lua script (check and increment in one
 * round trip); seeding is a {@code SET NX} with an expiry a little past the period's end, so the first seeder wins
 * and a finished period's counter goes away by itself.
 */
public class RedisQuotaCounters implements QuotaCounters {

    // KEYS[1] counter; ARGV units, limit. Returns {1, used} when reserved, {0, used} when refused, {-1, 0} if missing.
    private static final String RESERVE = String.join("\n",
            "local v = redis.call('GET', KEYS[1])",
            "if not v then return {-1, 0} end",
            "local used = tonumber(v)",
            "local units = tonumber(ARGV[1])",
            "if used + units > tonumber(ARGV[2]) then return {0, used} end",
            "return {1, redis.call('INCRBY', KEYS[1], units)}");

    // A plain INCRBY would create a counter without an expiry (and without the ledger's earlier usage).
    private static final String ADD_IF_PRESENT = String.join("\n",
            "if redis.call('EXISTS', KEYS[1]) == 0 then return -1 end",
            "redis.call('INCRBY', KEYS[1], ARGV[1])",
            "return 1");

    private final UnifiedJedis redis;
    private final String prefix;

    public RedisQuotaCounters(UnifiedJedis redis, String prefix) {
        this.redis = redis;
        this.prefix = prefix;
    }

    @Override
    public Optional<Reservation> reserve(String key, long units, long limit) {
        try {
            List<?> r = (List<?>) redis.eval(RESERVE, List.of(prefix + key), List.of(Long.toString(units),
                    Long.toString(limit)));
            long outcome = (Long) r.get(0);
            return outcome < 0 ? Optional.empty() : Optional.of(new Reservation(outcome == 1, (Long) r.get(1)));
        } catch (JedisException e) {
            throw new Unavailable(e);
        }
    }

    @Override
    public OptionalLong current(String key) {
        try {
            String v = redis.get(prefix + key);
            return v == null ? OptionalLong.empty() : OptionalLong.of(Long.parseLong(v));
        } catch (JedisException e) {
            throw new Unavailable(e);
        }
    }

    @Override
    public void seed(String key, long value, Instant expiresAt) {
        SetParams params = SetParams.setParams().nx();
        if (expiresAt != null) {
            params.pxAt(expiresAt.toEpochMilli());
        }
        try {
            redis.set(prefix + key, Long.toString(value), params);
        } catch (JedisException e) {
            throw new Unavailable(e);
        }
    }

    @Override
    public void addIfPresent(String key, long units) {
        try {
            redis.eval(ADD_IF_PRESENT, List.of(prefix + key), List.of(Long.toString(units)));
        } catch (JedisException e) {
            throw new Unavailable(e);
        }
    }

    @Override
    public void forget(String key) {
        try {
            redis.del(prefix + key);
        } catch (JedisException e) {
            throw new Unavailable(e);
        }
    }
}
