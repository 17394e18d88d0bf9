package io.channelhub.hub.limits;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import redis.clients.jedis.UnifiedJedis;
import redis.clients.jedis.exceptions.JedisNoScriptException;

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

    // Every bucket of a request in one round trip: KEYS the buckets in order, ARGV capacity and period ms of each.
    // Stops at the first bucket that refuses, as separate calls would. Returns 5 numbers per bucket taken:
    // allowed, tokens left, reset ms, retry ms, the bucket's index (1-based).
    private static final String MULTI = String.join("\n",
            "local t = redis.call('TIME')",
            "local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)",
            "local out = {}",
            "for i = 1, #KEYS do",
            "  local capacity = tonumber(ARGV[2 * i - 1])",
            "  local period = tonumber(ARGV[2 * i])",
            "  local rate = capacity / period",
            "  local s = redis.call('HMGET', KEYS[i], 'tokens', 'ts')",
            "  local tokens = tonumber(s[1])",
            "  local ts = tonumber(s[2])",
            "  if tokens == nil then tokens = capacity; ts = now end",
            "  tokens = math.min(capacity, tokens + (now - ts) * rate)",
            "  local allowed = 0",
            "  if tokens >= 1 then tokens = tokens - 1; allowed = 1 end",
            "  redis.call('HSET', KEYS[i], 'tokens', tostring(tokens), 'ts', tostring(now))",
            "  redis.call('PEXPIRE', KEYS[i], period * 2)",
            "  local retry = 0",
            "  if allowed == 0 then retry = math.ceil((1 - tokens) / rate) end",
            "  table.insert(out, allowed)",
            "  table.insert(out, math.floor(tokens))",
            "  table.insert(out, math.ceil((capacity - tokens) / rate))",
            "  table.insert(out, retry)",
            "  table.insert(out, i)",
            "  if allowed == 0 then break end",
            "end",
            "return out");
    private static final String MULTI_SHA = sha1(MULTI);

    private final UnifiedJedis redis;
    private final String prefix;

    public RedisRateLimiter(UnifiedJedis redis, String prefix) {
        this.redis = redis;
        this.prefix = prefix;
    }

    private static String sha1(String script) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-1")
                    .digest(script.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    @Override
    public List<Decision> takeInOrder(List<Take> buckets) {
        List<String> keys = new ArrayList<>(buckets.size());
        List<String> args = new ArrayList<>(buckets.size() * 2);
        for (Take t : buckets) {
            keys.add(prefix + t.bucket());
            args.add(Long.toString(t.capacity()));
            args.add(Long.toString(t.periodMs()));
        }
        Object r;
        try {
            // The script by its digest: the text is sent only when this Redis has not seen it yet.
            r = redis.evalsha(MULTI_SHA, keys, args);
        } catch (JedisNoScriptException e) {
            r = redis.eval(MULTI, keys, args);
        }
        List<?> v = (List<?>) r;
        List<Decision> out = new ArrayList<>(v.size() / 5);
        for (int i = 0; i + 4 < v.size(); i += 5) {
            long capacity = buckets.get((int) (long) (Long) v.get(i + 4) - 1).capacity();
            out.add(new Decision(((Long) v.get(i)) == 1L, capacity, (Long) v.get(i + 1), (Long) v.get(i + 2),
                    (Long) v.get(i + 3)));
        }
        return out;
    }

    @Override
    public Decision take(String bucket, long capacity, long periodMs) {
        Object r = redis.eval(SCRIPT, List.of(prefix + bucket), List.of(Long.toString(capacity),
                Long.toString(periodMs)));
        List<?> v = (List<?>) r;
        return new Decision(((Long) v.get(0)) == 1L, capacity, (Long) v.get(1), (Long) v.get(2), (Long) v.get(3));
    }
}
