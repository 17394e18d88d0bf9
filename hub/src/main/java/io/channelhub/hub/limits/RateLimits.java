package io.channelhub.hub.limits;

import com.codahale.metrics.Meter;
import com.codahale.metrics.MetricRegistry;
import io.channelhub.hub.errors.Failure;
import io.channelhub.hub.errors.HubFailure;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Takes one token from each of a request's buckets and applies the Redis-outage policy. Used by the API's filter
 * and by the channel routes (per visitor and per widget), so every refusal has the same code, details and metrics.
 */
public class RateLimits {

    private static final Logger LOG = LoggerFactory.getLogger(RateLimits.class);

    private final RateLimiter limiter;
    private final RateLimitsConfig config;
    private final Meter rejected;
    private final Meter fallback;
    // One line a minute is enough to notice; every request would flood the log during an outage.
    private final io.channelhub.hub.observability.ThrottledLog failures =
            new io.channelhub.hub.observability.ThrottledLog(LOG, java.time.Duration.ofMinutes(1));
    private final io.channelhub.hub.observability.HubMetrics metrics;

    /**
     * One bucket of a request.
     *
     * @param key   the bucket's key, unique per limited thing ({@code t:<tenant>}, {@code cv:<instance>:<contact>})
     * @param kind  the bounded metric label ({@code tenant}, {@code visitor}, ...)
     * @param limit its capacity and period
     */
    public record Bucket(String key, String kind, RateLimitsConfig.Limit limit) {
    }

    /** Refused: the decision of the bucket that ran out, for the RateLimit-* and Retry-After headers. */
    public static final class Refused extends HubFailure {
        private static final long serialVersionUID = 1L;
        private final transient RateLimiter.Decision decision;

        Refused(String kind, RateLimiter.Decision decision) {
            super(Kind.LIMIT_REACHED, "rate_limited", "too many requests; retry after the Retry-After delay",
                    Map.of("limit", kind, "retry_after_seconds", seconds(decision.retryMs())));
            this.decision = decision;
        }

        public RateLimiter.Decision decision() {
            return decision;
        }
    }

    public RateLimits(RateLimiter limiter, RateLimitsConfig config, MetricRegistry registry, io.channelhub.hub.observability.HubMetrics metrics) {
        this.metrics = metrics;
        this.limiter = limiter;
        this.config = config;
        this.rejected = registry.meter("ratelimit.rejected");
        this.fallback = registry.meter("ratelimit.redis-fallback");
    }

    public RateLimitsConfig config() {
        return config;
    }

    /** The buckets an agent turn on a channel takes: the contact's, the channel instance's and the tenant's chat. */
    public List<Bucket> channelTurn(String tenantId, String instanceId, String contactExternalId) {
        return List.of(
                new Bucket("cv:" + instanceId + ":" + contactExternalId, "visitor", config.getChannelContact()),
                new Bucket("ci:" + instanceId, "channel", config.getChannelInstance()),
                new Bucket("c:" + tenantId, "chat", config.getTenantChat()));
    }

    /**
     * Takes a token from every bucket, in order.
     *
     * @return the decision with the fewest tokens left, or null when limits are off or could not be checked and
     *         the policy lets the request through
     * @throws Refused when a bucket is empty
     * @throws HubFailure {@code rate_limit_unavailable} when Redis is unreachable and the policy is DENY
     */
    public RateLimiter.Decision take(List<Bucket> buckets) {
        if (!config.isEnabled()) {
            return null;
        }
        RateLimiter.Decision tightest = null;
        List<RateLimiter.Decision> decisions;
        try {
            decisions = limiter.takeInOrder(buckets.stream().map(b -> new RateLimiter.Take(b.key(),
                    b.limit().getCapacity(), b.limit().getPeriod().toMilliseconds())).toList());
        } catch (RuntimeException e) {
            fallback.mark();
            warn(e);
            if (config.getOnRedisFailure() == RateLimitsConfig.RedisFailure.DENY) {
                throw Failure.unavailable("rate_limit_unavailable",
                        "rate limits cannot be checked right now; retry shortly");
            }
            return null;
        }
        for (int i = 0; i < decisions.size(); i++) {
            Bucket b = buckets.get(i);
            RateLimiter.Decision d = decisions.get(i);
            if (!d.allowed()) {
                rejected.mark();
                metrics.rateLimitRejections.labelValues(b.kind()).inc();
                throw new Refused(b.kind(), d);
            }
            if (tightest == null || d.remaining() < tightest.remaining()) {
                tightest = d;
            }
        }
        return tightest;
    }

    private void warn(RuntimeException e) {
        failures.warn("Rate limits unavailable ({}); policy {}", e.getClass().getSimpleName(),
                config.getOnRedisFailure());
    }

    /** Whole seconds for the headers, at least one. */
    public static long seconds(long ms) {
        return Math.max(1, (ms + 999) / 1000);
    }
}
