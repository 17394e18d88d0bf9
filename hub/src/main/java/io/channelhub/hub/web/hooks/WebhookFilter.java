package io.channelhub.hub.web.hooks;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.channelhub.hub.limits.RateLimiter;
import io.channelhub.hub.limits.RateLimits;
import io.channelhub.hub.observability.HubMetrics;
import io.channelhub.hub.web.ErrorMappers;
import io.channelhub.hub.web.RateLimitFilter;
import io.channelhub.hub.web.SecurityHeaders;
import io.channelhub.hub.web.TraceIds;
import jakarta.servlet.Filter;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.ServletRequest;
import jakarta.servlet.ServletResponse;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.StreamingOutput;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The posts to shared plugin routes ({@code POST /hooks/plugins/{pluginId}{path}}: Meta's WhatsApp webhooks, which
 * arrive in bulk and must be acknowledged fast) answered before Jersey. Routing, filters and injection cost as much
 * CPU per acknowledgement as the work itself (verify, store, answer: docs/benchmarks.md), so this filter does what
 * Jersey's chain does for the route, and nothing more: the per-address rate limit of public routes, the server span
 * and trace id, the request metric under Jersey's route template, the security headers, and every failure in the API's
 * error shape through the same mappers. Everything else under {@code /hooks} (reads, preflights, instance routes, a
 * widget's live turn) stays on {@link ChannelHooksResource}.
 */
public final class WebhookFilter implements Filter {

    static final String PREFIX = "/hooks/plugins/";
    /** The route's name in metrics and spans: the template Jersey names it by. */
    static final String ROUTE = "/hooks/plugins/{pluginId}{path: (/.*)?}";

    private final ChannelHooks hooks;
    private final RateLimits limits;
    private final TraceIds traces;
    private final HubMetrics metrics;
    private final ObjectMapper json;

    public WebhookFilter(ChannelHooks hooks, RateLimits limits, TraceIds traces, HubMetrics metrics,
                         ObjectMapper json) {
        this.hooks = hooks;
        this.limits = limits;
        this.traces = traces;
        this.metrics = metrics;
        this.json = json;
    }

    @Override
    public void doFilter(ServletRequest req, ServletResponse res, FilterChain chain)
            throws IOException, ServletException {
        HttpServletRequest request = (HttpServletRequest) req;
        String route = routed(request);
        if (route == null) {
            chain.doFilter(req, res);
            return;
        }
        int slash = route.indexOf('/');
        String pluginId = slash < 0 ? route : route.substring(0, slash);
        String path = slash < 0 ? "" : route.substring(slash);
        HttpServletResponse response = (HttpServletResponse) res;
        long started = System.nanoTime();
        TraceIds.Server span = traces.begin("POST", request.getHeader("traceparent"), request.getHeader("tracestate"));
        Map<String, String> extra = new LinkedHashMap<>();
        Response answer;
        try {
            String ip = request.getRemoteAddr();
            RateLimiter.Decision decision;
            try {
                decision = limits.take(List.of(new RateLimits.Bucket("ip:" + ip, "ip",
                        limits.config().getPublicPerIp())));
            } catch (RateLimits.Refused refused) {
                extra.putAll(RateLimitFilter.headers(refused.decision()));
                throw refused;
            }
            extra.putAll(RateLimitFilter.headers(decision));
            answer = hooks.shared("POST", pluginId, new ChannelHooks.HookRequest(path, headers(request),
                    query(request), request.getInputStream(), ip, origin(request), arrivedNanos(request)));
        } catch (Throwable e) {
            answer = ErrorMappers.toResponse(e);
        }
        extra.put("X-Trace-Id", span.traceId());
        int status = answer.getStatus();
        try {
            write(answer, extra, response);
        } finally {
            metrics.httpDuration.labelValues("POST", ROUTE, (status / 100) + "xx")
                    .observe((System.nanoTime() - started) / 1e9);
            span.end(ROUTE, status);
        }
    }

    /**
     * What follows {@code /hooks/plugins/} in a POST's path, decoded ({@code pluginId} or {@code pluginId/...}); null
     * for any other request, or one without a plugin id, which Jersey answers as before.
     */
    static String routed(HttpServletRequest request) {
        if (!"POST".equals(request.getMethod())) {
            return null;
        }
        // Jetty has refused encoded separators and dot segments before any filter (400 bad_request), so the decoded
        // path splits as the raw one does.
        String uri = request.getServletPath() + (request.getPathInfo() == null ? "" : request.getPathInfo());
        if (!uri.startsWith(PREFIX) || uri.length() == PREFIX.length() || uri.charAt(PREFIX.length()) == '/') {
            return null;
        }
        return uri.substring(PREFIX.length());
    }

    private static Map<String, List<String>> headers(HttpServletRequest request) {
        Map<String, List<String>> out = new LinkedHashMap<>();
        for (String name : Collections.list(request.getHeaderNames())) {
            out.put(name, Collections.list(request.getHeaders(name)));
        }
        return out;
    }

    private static Map<String, List<String>> query(HttpServletRequest request) {
        Map<String, List<String>> out = new LinkedHashMap<>();
        if (request.getQueryString() == null) {
            // Reading parameters of a form post would consume its body: only the query string counts.
            return out;
        }
        for (String pair : request.getQueryString().split("&")) {
            if (pair.isEmpty()) {
                continue;
            }
            int eq = pair.indexOf('=');
            String k = decode(eq < 0 ? pair : pair.substring(0, eq));
            String v = eq < 0 ? "" : decode(pair.substring(eq + 1));
            out.computeIfAbsent(k, x -> new ArrayList<>()).add(v);
        }
        return out;
    }

    private static String decode(String s) {
        try {
            return java.net.URLDecoder.decode(s, StandardCharsets.UTF_8);
        } catch (IllegalArgumentException malformed) {
            return s;
        }
    }

    /** The hub's own origin as the request addressed it (Jetty applies the proxy's forwarded headers it trusts). */
    private static String origin(HttpServletRequest request) {
        int port = request.getServerPort();
        boolean standard = port < 0 || ("http".equals(request.getScheme()) && port == 80)
                || ("https".equals(request.getScheme()) && port == 443);
        return request.getScheme() + "://" + request.getServerName() + (standard ? "" : ":" + port);
    }

    /** When Jetty began reading this request (System.nanoTime's clock); now, outside a Jetty container. */
    static long arrivedNanos(HttpServletRequest servlet) {
        try {
            var jetty = org.eclipse.jetty.ee10.servlet.ServletContextRequest.getServletContextRequest(servlet);
            if (jetty != null) {
                return jetty.getBeginNanoTime();
            }
        } catch (IllegalStateException notJetty) {
            // another container (a test's): from now on
        }
        return System.nanoTime();
    }

    /** Writes a JAX-RS answer as Jersey would for the entities the hooks produce. */
    private void write(Response answer, Map<String, String> extra, HttpServletResponse out) throws IOException {
        out.setStatus(answer.getStatus());
        answer.getStringHeaders().forEach((name, values) -> {
            if (!"Content-Type".equalsIgnoreCase(name)) {
                values.forEach(v -> out.addHeader(name, v));
            }
        });
        extra.forEach(out::setHeader);
        Object entity = answer.getEntity();
        MediaType type = answer.getMediaType();
        if (type == null && entity != null && !(entity instanceof byte[]) && !(entity instanceof String)
                && !(entity instanceof StreamingOutput)) {
            type = MediaType.APPLICATION_JSON_TYPE;
        }
        if (type != null) {
            out.setContentType(type.toString());
        }
        SecurityHeaders.apply(out, type == null ? null : type.toString());
        if (entity == null) {
            return;
        }
        if (entity instanceof StreamingOutput stream) {
            stream.write(out.getOutputStream());
            return;
        }
        byte[] body = entity instanceof byte[] b ? b : entity instanceof String s ? s.getBytes(StandardCharsets.UTF_8)
                : json.writeValueAsBytes(entity);
        out.setContentLength(body.length);
        out.getOutputStream().write(body);
    }
}
