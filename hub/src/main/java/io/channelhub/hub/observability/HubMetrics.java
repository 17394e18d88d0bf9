package io.channelhub.hub.observability;

import io.prometheus.metrics.core.metrics.Counter;
import io.prometheus.metrics.core.metrics.GaugeWithCallback;
import io.prometheus.metrics.core.metrics.Histogram;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongSupplier;

/**
 * The hub's own Prometheus metrics. Labels are bounded by construction: route templates (not paths), plugin ids
 * (installed jars), provider ids, outcomes and status classes; a model label keeps at most {@link #MAX_MODELS}
 * names and reports the rest as {@code other}. Never a tenant, key, user or conversation id.
 */
public final class HubMetrics {

    static final int MAX_MODELS = 50;
    private static final double[] LATENCY = {0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60};

    public final Histogram httpDuration;
    public final Counter modelCalls;
    public final Histogram modelDuration;
    public final Counter modelTokens;
    public final Counter modelFallbacks;
    public final Counter deliveries;
    public final Counter rateLimitRejections;
    public final Counter quotaRejections;
    private final Set<String> models = ConcurrentHashMap.newKeySet();
    private final PrometheusRegistry registry;

    public final Counter billingEventsFailed;
    /** Files taken into vector stores by outcome: completed, retry (the embedding endpoint failed), failed. */
    public final Counter knowledgeIngestions;
    /** Files this replica's index had to be corrected for by the periodic comparison (an announcement missed). */
    public final Counter knowledgeIndexRepairs;
    /** Refused authentications and authorisations by the error code the caller got (a fixed set; others: other). */
    private final Counter authFailures;
    public final Counter deniedAuditsSuppressed;
    /** The codes the hub's authentication and authorisation answer with; anything else counts as {@code other}. */
    public static final Set<String> AUTH_FAILURE_REASONS = Set.of("missing_credentials", "invalid_api_key",
            "api_key_revoked", "api_key_expired", "invalid_credentials", "session_expired", "no_session",
            "tenant_suspended", "permission_denied", "tenant_scope_required", "csrf_failed");

    public HubMetrics(PrometheusRegistry registry, LongSupplier outboxDepth) {
        this.registry = registry;
        httpDuration = Histogram.builder().name("channelhub_http_request_duration_seconds")
                .help("HTTP requests by route template, method and status class").classicUpperBounds(LATENCY)
                .classicOnly().labelNames("method", "route", "status").register(registry);
        modelCalls = Counter.builder().name("channelhub_model_calls_total")
                .help("Model calls by provider, API and outcome").labelNames("provider", "api", "outcome")
                .register(registry);
        modelDuration = Histogram.builder().name("channelhub_model_call_duration_seconds")
                .help("Time to a complete reply, or to an open stream").classicUpperBounds(LATENCY).classicOnly()
                .labelNames("provider", "api").register(registry);
        modelFallbacks = Counter.builder().name("channelhub_model_fallbacks_total")
                .help("Calls an agent's fallback model took over, by the failed provider and the fallback's")
                .labelNames("provider", "fallback_provider").register(registry);
        modelTokens = Counter.builder().name("channelhub_model_tokens_total")
                .help("Tokens by provider, model and kind (prompt or completion)")
                .labelNames("provider", "model", "kind").register(registry);
        deliveries = Counter.builder().name("channelhub_outbox_deliveries_total")
                .help("Outbox delivery attempts by kind and outcome (delivered, retry, dead)")
                .labelNames("kind", "outcome").register(registry);
        rateLimitRejections = Counter.builder().name("channelhub_ratelimit_rejections_total")
                .help("Requests refused by a rate limit, by bucket kind").labelNames("limit").register(registry);
        quotaRejections = Counter.builder().name("channelhub_quota_rejections_total")
                .help("Work refused by a hard quota").register(registry);
        authFailures = Counter.builder().name("channelhub_auth_failures_total")
                .help("Requests refused with 401 or 403, by the error code the caller got")
                .labelNames("status", "reason").register(registry);
        deniedAuditsSuppressed = Counter.builder().name("channelhub_audit_denials_suppressed_total")
                .help("Access denials not written to the audit log because the same key was denied too often")
                .register(registry);
        billingEventsFailed = Counter.builder().name("channelhub_billing_events_failed_total")
                .help("Payment gateway events stored but not applied (see the log and the event's row)")
                .register(registry);
        knowledgeIngestions = Counter.builder().name("channelhub_knowledge_ingestions_total")
                .help("Files ingested into vector stores, by outcome (completed, retry, failed)")
                .labelNames("outcome").register(registry);
        knowledgeIndexRepairs = Counter.builder().name("channelhub_knowledge_index_repairs_total")
                .help("Files this replica's knowledge index was missing, held stale or held after their deletion, "
                        + "found by the periodic comparison with the database rather than by an announcement")
                .register(registry);
        GaugeWithCallback.builder().name("channelhub_outbox_pending")
                .help("Outbox rows waiting for delivery (all tenants)")
                .callback(cb -> cb.call(outboxDepth.getAsLong())).register(registry);
    }

    /** Rows of durable work waiting and when the oldest arrived (null when none waits). */
    public record Backlog(long rows, java.time.Instant oldest) {
    }

    private record Read(long at, Backlog backlog) {
    }

    /**
     * {@code <prefix>_pending} and {@code <prefix>_oldest_pending_seconds}: how much durable work waits and for how
     * long, from one read of the database shared by both gauges (kept 5 s, so a scrape costs one query). Every
     * replica reports the same table: alert on the max.
     */
    public void backlog(String prefix, String what, java.util.function.Supplier<Backlog> read,
                        java.time.Clock clock) {
        java.util.concurrent.atomic.AtomicReference<Read> cached = new java.util.concurrent.atomic.AtomicReference<>();
        java.util.function.Supplier<Backlog> recent = () -> {
            Read c = cached.get();
            // The hub's clock ticks in microseconds, whose millis() divides by zero: read its instant.
            long now = clock.instant().toEpochMilli();
            if (c != null && now - c.at() < 5_000) {
                return c.backlog();
            }
            Backlog b = read.get();
            cached.set(new Read(now, b));
            return b;
        };
        GaugeWithCallback.builder().name(prefix + "_pending").help(what + " waiting to be processed (all tenants)")
                .callback(cb -> cb.call(recent.get().rows())).register(registry);
        GaugeWithCallback.builder().name(prefix + "_oldest_pending_seconds")
                .help("Age of the oldest " + what + " waiting to be processed; 0 when none waits")
                .callback(cb -> {
                    Backlog b = recent.get();
                    cb.call(b.oldest() == null ? 0
                            : Math.max(0, (clock.instant().toEpochMilli() - b.oldest().toEpochMilli()) / 1000.0));
                }).register(registry);
    }

    /** A gauge read at each scrape (for values the owner keeps in memory: no query behind it). */
    public void gauge(String name, String help, java.util.function.DoubleSupplier value) {
        GaugeWithCallback.builder().name(name).help(help).callback(cb -> cb.call(value.getAsDouble()))
                .register(registry);
    }

    /** Counts a refused request: 401 or 403 with the hub's error code (bounded: unknown codes are {@code other}). */
    public void authFailure(int status, String code) {
        authFailures.labelValues(Integer.toString(status), AUTH_FAILURE_REASONS.contains(code) ? code : "other").inc();
    }

    /** {@code channelhub_build_info}: 1, labelled with the running version and Java, for dashboards and alerts. */
    public void buildInfo(String version, String java) {
        GaugeWithCallback.builder().name("channelhub_build_info")
                .help("The running hub's version and Java runtime (always 1)").labelNames("version", "java")
                .callback(cb -> cb.call(1, version, java)).register(registry);
    }

    /** The model name as a label value, or {@code other} once the set of names is full. */
    public String model(String name) {
        String n = name == null || name.isBlank() ? "unknown" : name;
        if (models.contains(n)) {
            return n;
        }
        if (models.size() < MAX_MODELS) {
            models.add(n);
            return n;
        }
        return "other";
    }
}
