package io.channelhub.hub.limits;

import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongSupplier;

/**
 * Token buckets in this process, for one replica and the embedded default. Same algorithm as
 * {@link RedisRateLimiter}: a bucket refills continuously at {@code capacity / period}.
 */
public class LocalRateLimiter implements RateLimiter {

    private final ConcurrentHashMap<String, double[]> buckets = new ConcurrentHashMap<>();
    private final LongSupplier nowMs;

    public LocalRateLimiter(LongSupplier nowMs) {
        this.nowMs = nowMs;
    }

    @Override
    public Decision take(String bucket, long capacity, long periodMs) {
        double rate = (double) capacity / periodMs;
        long now = nowMs.getAsLong();
        double[] state = buckets.computeIfAbsent(bucket, k -> new double[] {capacity, now});
        synchronized (state) {
            double tokens = Math.min(capacity, state[0] + (now - state[1]) * rate);
            state[1] = now;
            boolean allowed = tokens >= 1;
            if (allowed) {
                tokens -= 1;
            }
            state[0] = tokens;
            long reset = (long) Math.ceil((capacity - tokens) / rate);
            long retry = allowed ? 0 : (long) Math.ceil((1 - tokens) / rate);
            return new Decision(allowed, capacity, (long) Math.floor(tokens), reset, retry);
        }
    }
}
