package io.channelhub.hub.observability;

import jakarta.annotation.Priority;
import jakarta.ws.rs.Priorities;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.container.ContainerRequestFilter;
import jakarta.ws.rs.container.ContainerResponseContext;
import jakarta.ws.rs.container.ContainerResponseFilter;
import jakarta.ws.rs.container.PreMatching;
import java.util.HexFormat;
import java.util.concurrent.ThreadLocalRandom;
import java.util.regex.Pattern;
import org.slf4j.MDC;

/**
 * Gives every request a trace id: the one of an incoming W3C {@code traceparent}, or a new one. It goes into the
 * logging MDC, the audit log and the {@code X-Trace-Id} response header, so an operator can follow one request.
 */
@PreMatching
@Priority(Priorities.AUTHENTICATION - 100)
public class TraceIds implements ContainerRequestFilter, ContainerResponseFilter {

    public static final String MDC_KEY = "trace_id";
    private static final Pattern TRACEPARENT = Pattern.compile("^[0-9a-f]{2}-([0-9a-f]{32})-[0-9a-f]{16}-[0-9a-f]{2}$");
    private static final String ZERO = "0".repeat(32);

    @Override
    public void filter(ContainerRequestContext request) {
        String header = request.getHeaderString("traceparent");
        String traceId = null;
        if (header != null) {
            var m = TRACEPARENT.matcher(header.trim());
            if (m.matches() && !ZERO.equals(m.group(1))) {
                traceId = m.group(1);
            }
        }
        if (traceId == null) {
            byte[] b = new byte[16];
            ThreadLocalRandom.current().nextBytes(b);
            traceId = HexFormat.of().formatHex(b);
        }
        MDC.put(MDC_KEY, traceId);
        request.setProperty(MDC_KEY, traceId);
    }

    @Override
    public void filter(ContainerRequestContext request, ContainerResponseContext response) {
        Object id = request.getProperty(MDC_KEY);
        if (id != null) {
            response.getHeaders().putSingle("X-Trace-Id", id);
        }
        MDC.remove(MDC_KEY);
        MDC.remove("tenant_id");
    }

    public static String current() {
        return MDC.get(MDC_KEY);
    }
}
