package io.channelhub.hub.web;

import io.channelhub.hub.limits.RateLimiter;
import io.channelhub.hub.limits.RateLimits;
import io.channelhub.hub.limits.RateLimitsConfig;
import io.channelhub.hub.identity.Caller;
import jakarta.annotation.Priority;
import jakarta.ws.rs.Priorities;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.container.ContainerRequestFilter;
import jakarta.ws.rs.container.ContainerResponseContext;
import jakarta.ws.rs.container.ContainerResponseFilter;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/**
 * Applies the rate limits to every authenticated request, after authentication: the tenant's bucket, the API key's
 * bucket (shared by the key's rotations), and for chat turns the tenant's chat bucket; public routes get a bucket
 * per client address. Answers carry {@code RateLimit-Limit}, {@code RateLimit-Remaining} and
 * {@code RateLimit-Reset} of the tightest bucket; a refusal is {@code 429 rate_limited} with {@code Retry-After}.
 */
@Priority(Priorities.AUTHORIZATION)
public class RateLimitFilter implements ContainerRequestFilter, ContainerResponseFilter {

    private static final Pattern CHAT = Pattern.compile("^/?v1/(conversations/[^/]+/messages|chat/completions)$");
    private static final String DECISION = "channelhub.ratelimit";

    private final RateLimits limits;
    @jakarta.ws.rs.core.Context
    private jakarta.ws.rs.container.ResourceInfo resourceInfo;
    @jakarta.ws.rs.core.Context
    private jakarta.servlet.http.HttpServletRequest servlet;

    public RateLimitFilter(RateLimits limits) {
        this.limits = limits;
    }

    @Override
    public void filter(ContainerRequestContext request) {
        RateLimitsConfig config = limits.config();
        Object c = request.getSecurityContext().getUserPrincipal();
        List<RateLimits.Bucket> buckets = new ArrayList<>();
        if (!(c instanceof Caller caller)) {
            if (io.channelhub.hub.web.PublicApi.Check.isPublic(resourceInfo)) {
                String ip = servlet == null ? "unknown" : servlet.getRemoteAddr();
                buckets.add(new RateLimits.Bucket("ip:" + ip, "ip", config.getPublicPerIp()));
            }
        } else {
            String scope = caller.tenantId() == null ? "platform" : caller.tenantId();
            buckets.add(new RateLimits.Bucket("t:" + scope, "tenant", config.getTenant()));
            buckets.add(new RateLimits.Bucket("k:" + caller.principalId(), "key", config.getApiKey()));
            if ("POST".equals(request.getMethod()) && CHAT.matcher(request.getUriInfo().getPath()).matches()) {
                buckets.add(new RateLimits.Bucket("c:" + scope, "chat", config.getTenantChat()));
            }
        }
        if (buckets.isEmpty()) {
            return;
        }
        try {
            request.setProperty(DECISION, limits.take(buckets));
        } catch (RateLimits.Refused e) {
            request.setProperty(DECISION, e.decision());
            throw e;
        }
    }

    @Override
    public void filter(ContainerRequestContext request, ContainerResponseContext response) {
        if (request.getProperty(DECISION) instanceof RateLimiter.Decision d) {
            headers(d).forEach((k, v) -> response.getHeaders().putSingle(k, v));
        }
    }

    /** The RateLimit-* headers of a decision, and Retry-After when it refused. */
    public static java.util.Map<String, String> headers(RateLimiter.Decision d) {
        java.util.Map<String, String> h = new java.util.LinkedHashMap<>();
        h.put("RateLimit-Limit", Long.toString(d.limit()));
        h.put("RateLimit-Remaining", Long.toString(Math.max(0, d.remaining())));
        h.put("RateLimit-Reset", Long.toString(RateLimits.seconds(d.resetMs())));
        if (!d.allowed()) {
            h.put("Retry-After", Long.toString(RateLimits.seconds(d.retryMs())));
        }
        return h;
    }
}
