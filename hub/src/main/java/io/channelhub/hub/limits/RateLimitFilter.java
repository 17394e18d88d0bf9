package io.channelhub.hub.limits;

import com.codahale.metrics.Meter;
import com.codahale.metrics.MetricRegistry;
import io.channelhub.hub.auth.ApiKeyAuthFilter;
import io.channelhub.hub.auth.Caller;
import io.channelhub.hub.errors.ApiException;
import jakarta.annotation.Priority;
import jakarta.ws.rs.Priorities;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.container.ContainerRequestFilter;
import jakarta.ws.rs.container.ContainerResponseContext;
import jakarta.ws.rs.container.ContainerResponseFilter;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Applies the rate limits to every authenticated request, after authentication: the tenant's bucket, the API key's
 * bucket (shared by the key's rotations), and for chat turns the tenant's chat bucket. Answers carry
 * {@code RateLimit-Limit}, {@code RateLimit-Remaining} and {@code RateLimit-Reset} of the tightest bucket; a refusal
 * is {@code 429 rate_limited} with {@code Retry-After}.
 */
@Priority(Priorities.AUTHORIZATION)
public class RateLimitFilter implements ContainerRequestFilter, ContainerResponseFilter {

    private static final Logger LOG = LoggerFactory.getLogger(RateLimitFilter.class);
    private static final Pattern CHAT = Pattern.compile("^/?v1/(conversations/[^/]+/messages|chat/completions)$");
    private static final String DECISION = "channelhub.ratelimit";

    private final RateLimiter limiter;
    private final RateLimitsFactory config;
    private final Meter rejected;
    private final Meter fallback;
    private final AtomicLong lastWarning = new AtomicLong();
    @jakarta.ws.rs.core.Context
    private jakarta.ws.rs.container.ResourceInfo resourceInfo;
    @jakarta.ws.rs.core.Context
    private jakarta.servlet.http.HttpServletRequest servlet;
    private volatile io.channelhub.hub.observability.HubMetrics metrics;

    public void attach(io.channelhub.hub.observability.HubMetrics m) {
        this.metrics = m;
    }

    public RateLimitFilter(RateLimiter limiter, RateLimitsFactory config, MetricRegistry metrics) {
        this.limiter = limiter;
        this.config = config;
        this.rejected = metrics.meter("ratelimit.rejected");
        this.fallback = metrics.meter("ratelimit.redis-fallback");
    }

    @Override
    public void filter(ContainerRequestContext request) {
        if (!config.isEnabled()) {
            return;
        }
        Object c = request.getProperty(ApiKeyAuthFilter.CALLER);
        List<String[]> buckets = new ArrayList<>();
        if (!(c instanceof Caller caller)) {
            if (io.channelhub.hub.auth.PublicApi.Check.isPublic(resourceInfo)) {
                String ip = servlet == null ? "unknown" : servlet.getRemoteAddr();
                take(request, List.<String[]>of(new String[] {"ip:" + ip, "ip"}));
            }
            return;
        }
        String scope = caller.tenantId() == null ? "platform" : caller.tenantId();
        buckets.add(new String[] {"t:" + scope, "tenant"});
        buckets.add(new String[] {"k:" + caller.principalId(), "key"});
        if ("POST".equals(request.getMethod()) && CHAT.matcher(request.getUriInfo().getPath()).matches()) {
            buckets.add(new String[] {"c:" + scope, "chat"});
        }
        take(request, buckets);
    }

    private void take(ContainerRequestContext request, List<String[]> buckets) {
        RateLimiter.Decision tightest = null;
        for (String[] b : buckets) {
            RateLimitsFactory.Limit limit = switch (b[1]) {
                case "tenant" -> config.getTenant();
                case "key" -> config.getApiKey();
                case "ip" -> config.getPublicPerIp();
                default -> config.getTenantChat();
            };
            RateLimiter.Decision d;
            try {
                d = limiter.take(b[0], limit.getCapacity(), limit.getPeriod().toMilliseconds());
            } catch (RuntimeException e) {
                fallback.mark();
                warn(e);
                if (config.getOnRedisFailure() == RateLimitsFactory.RedisFailure.DENY) {
                    throw new ApiException(503, "rate_limit_unavailable",
                            "rate limits cannot be checked right now; retry shortly", Map.of());
                }
                return;
            }
            if (!d.allowed()) {
                rejected.mark();
                var m = metrics;
                if (m != null) {
                    m.rateLimitRejections.labelValues(b[1]).inc();
                }
                request.setProperty(DECISION, d);
                throw new ApiException(429, "rate_limited", "too many requests; retry after the Retry-After delay",
                        Map.of("limit", b[1], "retry_after_seconds", seconds(d.retryMs())));
            }
            if (tightest == null || d.remaining() < tightest.remaining()) {
                tightest = d;
            }
        }
        request.setProperty(DECISION, tightest);
    }

    private void warn(RuntimeException e) {
        long now = System.currentTimeMillis();
        long last = lastWarning.get();
        // One line a minute is enough to notice; every request would flood the log during an outage.
        if (now - last > 60_000 && lastWarning.compareAndSet(last, now)) {
            LOG.warn("Rate limits unavailable ({}); policy {}", e.getClass().getSimpleName(),
                    config.getOnRedisFailure());
        }
    }

    private static long seconds(long ms) {
        return Math.max(1, (ms + 999) / 1000);
    }

    @Override
    public void filter(ContainerRequestContext request, ContainerResponseContext response) {
        if (request.getProperty(DECISION) instanceof RateLimiter.Decision d) {
            response.getHeaders().putSingle("RateLimit-Limit", d.limit());
            response.getHeaders().putSingle("RateLimit-Remaining", Math.max(0, d.remaining()));
            response.getHeaders().putSingle("RateLimit-Reset", seconds(d.resetMs()));
            if (!d.allowed()) {
                response.getHeaders().putSingle("Retry-After", seconds(d.retryMs()));
            }
        }
    }
}
