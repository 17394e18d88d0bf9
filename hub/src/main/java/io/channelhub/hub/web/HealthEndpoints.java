package io.channelhub.hub.web;

import com.codahale.metrics.health.HealthCheck;
import com.codahale.metrics.health.HealthCheckRegistry;
import com.codahale.metrics.health.HealthCheckRegistryListener;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.dropwizard.core.setup.Environment;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.util.Set;
import java.util.SortedMap;

/**
 * Health the way an orchestrator asks for it, on the admin port.
 *
 * <ul>
 *   <li>{@value #LIVE}: the process works (no deadlocked threads). Nothing outside the process is asked: a database
 *   outage must not make Kubernetes restart every replica, which would only add a cold start to the outage.</li>
 *   <li>{@value #READY}: the node can serve. Every check runs; a failed critical one (the database, a required
 *   plugin) answers 503 so the node leaves the Service; a failed non-critical one (Redis: rate limits and quotas fall
 *   back to the node and the database) answers 200 with {@code "status": "degraded"}, since taking every replica out
 *   of service over Redis would turn a degraded hub into no hub.</li>
 * </ul>
 *
 * <p>Both answer JSON with each check's name, health and message, never a stack trace (the admin port's
 * {@code /healthcheck} is sanitised the same way by {@link #install}).
 */
public final class HealthEndpoints extends HttpServlet {

    public static final String LIVE = "/health/live";
    public static final String READY = "/health/ready";
    /** Dropwizard's own check, the one liveness asks. */
    static final String DEADLOCKS = "deadlocks";

    private final transient HealthCheckRegistry registry;
    private final Set<String> nonCritical;
    private final transient ObjectMapper json;

    HealthEndpoints(HealthCheckRegistry registry, Set<String> nonCritical, ObjectMapper json) {
        this.registry = registry;
        this.nonCritical = Set.copyOf(nonCritical);
        this.json = json;
    }

    /**
     * Serves {@value #LIVE} and {@value #READY} on the admin port, and makes every health check, present and future,
     * report a failure by its message only.
     */
    public static void install(Environment env, Set<String> nonCritical) {
        sanitise(env.healthChecks());
        env.admin().addServlet("health", new HealthEndpoints(env.healthChecks(), nonCritical, env.getObjectMapper()))
                .addMapping(LIVE, READY);
    }

    /**
     * Wraps each check so that an exception (Dropwizard's database check returns the exception itself) becomes an
     * unhealthy result with the exception's class and message: {@code /healthcheck} printed whole stack traces to
     * anyone who could reach the admin port.
     */
    static void sanitise(HealthCheckRegistry registry) {
        registry.addListener(new HealthCheckRegistryListener() {
            @Override
            public void onHealthCheckAdded(String name, HealthCheck check) {
                if (!(check instanceof Sanitised)) {
                    registry.unregister(name);
                    registry.register(name, new Sanitised(check));
                }
            }

            @Override
            public void onHealthCheckRemoved(String name, HealthCheck check) {
                // nothing to undo
            }
        });
    }

    /** A check whose failures carry a message and no throwable. */
    static final class Sanitised extends HealthCheck {
        private final HealthCheck inner;

        Sanitised(HealthCheck inner) {
            this.inner = inner;
        }

        @Override
        protected Result check() {
            Result r = inner.execute();
            if (r.isHealthy() || r.getError() == null) {
                return r;
            }
            Throwable e = r.getError();
            String text = e.getClass().getSimpleName() + (e.getMessage() == null ? "" : ": " + e.getMessage());
            return Result.unhealthy(r.getMessage() == null || r.getMessage().equals(e.getMessage()) ? text
                    : r.getMessage() + " (" + text + ")");
        }
    }

    @Override
    protected void doGet(HttpServletRequest req, HttpServletResponse resp) throws IOException {
        boolean live = req.getRequestURI().endsWith(LIVE);
        ObjectNode body = json.createObjectNode();
        body.put("status", "");
        ObjectNode checks = body.putObject("checks");
        boolean critical = false;
        boolean degraded = false;
        SortedMap<String, HealthCheck.Result> results = live
                ? new java.util.TreeMap<>(registry.getNames().contains(DEADLOCKS)
                        ? java.util.Map.of(DEADLOCKS, registry.runHealthCheck(DEADLOCKS)) : java.util.Map.of())
                : registry.runHealthChecks();
        for (var e : results.entrySet()) {
            HealthCheck.Result r = e.getValue();
            boolean isCritical = !nonCritical.contains(e.getKey());
            ObjectNode c = checks.putObject(e.getKey());
            c.put("healthy", r.isHealthy());
            c.put("critical", isCritical);
            if (r.getMessage() != null) {
                c.put("message", r.getMessage());
            }
            if (!r.isHealthy()) {
                if (isCritical) {
                    critical = true;
                } else {
                    degraded = true;
                }
            }
        }
        String status = live ? (critical ? "dead" : "alive") : critical ? "unready" : degraded ? "degraded" : "ready";
        body.put("status", status);
        resp.setStatus(critical ? 503 : 200);
        resp.setContentType("application/json");
        resp.setHeader("Cache-Control", "no-store");
        json.writeValue(resp.getOutputStream(), body);
    }
}
