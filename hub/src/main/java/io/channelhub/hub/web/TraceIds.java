package io.channelhub.hub.web;

import io.channelhub.hub.observability.Tracing;
import jakarta.annotation.Priority;
import jakarta.ws.rs.Priorities;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.container.ContainerRequestFilter;
import jakarta.ws.rs.container.ContainerResponseContext;
import jakarta.ws.rs.container.ContainerResponseFilter;
import jakarta.ws.rs.container.PreMatching;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.context.Scope;
import java.util.HashMap;
import java.util.Map;
import org.slf4j.MDC;

/**
 * Starts the server span of every request, joining an incoming W3C {@code traceparent}. Its trace id goes into the
 * logging MDC (with the span id), the audit log, error bodies and the {@code X-Trace-Id} response header, so an
 * operator can follow one request; child spans and outbound calls continue it.
 */
@PreMatching
@Priority(Priorities.AUTHENTICATION - 100)
public class TraceIds implements ContainerRequestFilter, ContainerResponseFilter {

    public static final String MDC_KEY = io.channelhub.hub.observability.Tracing.MDC_TRACE_ID;
    public static final String MDC_SPAN = "span_id";
    private static final String SERVER = "channelhub.server-span";

    private final Tracing tracing;

    public TraceIds(Tracing tracing) {
        this.tracing = tracing;
    }

    @Override
    public void filter(ContainerRequestContext request) {
        Server server = begin(request.getMethod(), request.getHeaderString("traceparent"),
                request.getHeaderString("tracestate"));
        request.setProperty(SERVER, server);
        request.setProperty(MDC_KEY, server.traceId());
    }

    @Override
    public void filter(ContainerRequestContext request, ContainerResponseContext response) {
        Object id = request.getProperty(MDC_KEY);
        if (id != null) {
            response.getHeaders().putSingle("X-Trace-Id", id);
        }
        if (request.getProperty(SERVER) instanceof Server server) {
            // Named "{method} {route}" as OpenTelemetry's HTTP conventions ask, once routing knows the template;
            // the method alone for what matched no route (never the path, whose ids are unbounded).
            String route = request.getUriInfo() instanceof org.glassfish.jersey.server.ExtendedUriInfo u
                    ? HttpMetrics.route(u.getMatchedTemplates()) : HttpMetrics.UNMATCHED;
            server.end(HttpMetrics.UNMATCHED.equals(route) ? null : route, response.getStatus());
        }
    }

    /**
     * The server span of a request (on Jersey, or served before it by a servlet filter): current, and its ids in the
     * MDC until {@link Server#end}.
     */
    public Server begin(String method, String traceparent, String tracestate) {
        Map<String, String> headers = new HashMap<>();
        if (traceparent != null) {
            headers.put("traceparent", traceparent);
        }
        if (tracestate != null) {
            headers.put("tracestate", tracestate);
        }
        Span span = tracing.tracer().spanBuilder(method)
                .setParent(Tracing.extract(headers)).setSpanKind(SpanKind.SERVER)
                .setAttribute("http.request.method", method).startSpan();
        Scope scope = span.makeCurrent();
        MDC.put(MDC_KEY, span.getSpanContext().getTraceId());
        MDC.put(MDC_SPAN, span.getSpanContext().getSpanId());
        return new Server(span, scope, method);
    }

    /** A request's server span, begun by {@link #begin}. */
    public record Server(Span span, Scope scope, String method) {

        public String traceId() {
            return span.getSpanContext().getTraceId();
        }

        /** Names the span by its route template (null: none matched) and status, ends it, and clears the MDC. */
        public void end(String route, int status) {
            if (route != null) {
                span.updateName(method + " " + route);
                span.setAttribute("http.route", route);
            }
            span.setAttribute("http.response.status_code", status);
            if (status >= 500) {
                span.setStatus(StatusCode.ERROR);
            }
            span.end();
            scope.close();
            MDC.remove(MDC_KEY);
            MDC.remove(MDC_SPAN);
            MDC.remove("tenant_id");
        }
    }

    public static String current() {
        return io.channelhub.hub.observability.Tracing.currentTraceId();
    }
}
