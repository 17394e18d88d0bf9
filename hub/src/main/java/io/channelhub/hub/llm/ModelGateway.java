package io.channelhub.hub.llm;

import io.channelhub.hub.concurrency.CpuShare;
import io.channelhub.hub.errors.Failure;
import io.channelhub.hub.errors.HubFailure;
import io.channelhub.hub.observability.ThrottledLog;
import io.channelhub.hub.plugins.PluginPlatform;
import io.channelhub.plugin.Settings;
import io.channelhub.plugin.model.ModelException;
import io.channelhub.plugin.model.ModelProvider;
import io.channelhub.plugin.model.ModelReply;
import io.channelhub.plugin.model.ModelRequest;
import io.channelhub.plugin.model.ModelStream;
import io.github.resilience4j.circuitbreaker.CallNotPermittedException;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.github.resilience4j.circuitbreaker.CircuitBreakerConfig;
import io.github.resilience4j.circuitbreaker.CircuitBreakerRegistry;
import io.github.resilience4j.core.functions.Either;
import io.github.resilience4j.retry.Retry;
import io.github.resilience4j.retry.RetryConfig;
import java.time.Duration;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Every model call of the hub goes through here: the agent's provider is resolved with the tenant's (or the
 * global) credentials, and the call gets retries with backoff on 429, 5xx and timeouts (honouring Retry-After),
 * and a circuit breaker per provider endpoint, so one broken endpoint fails fast instead of holding threads.
 * Provider failures become stable error codes for the caller.
 */
public class ModelGateway {

    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(ModelGateway.class);

    public static final String OPENAI = "openai";

    private final Map<String, ModelProvider> builtins;
    private final PluginPlatform plugins;
    private final ProviderConfigs configs;
    private final ModelsConfig config;
    private final CircuitBreakerRegistry breakers;
    private static final Duration ATTEMPT_LOG_PERIOD = Duration.ofSeconds(10);
    private final Map<String, ThrottledLog> attemptLogs = new java.util.concurrent.ConcurrentHashMap<>();
    private final RetryConfig retryConfig;

    /**
     * A model that answers when the one before it failed with a retryable error (after its retries) or its circuit
     * is open. {@code api} null: the request's.
     */
    public record Fallback(String provider, String model, ModelRequest.Api api) {
    }

    /** Failures that another model may not have: the endpoint's, not the request's or the credentials'. */
    private static final Set<String> FALLS_BACK = Set.of("model_rate_limited", "model_timeout", "model_error",
            "model_unavailable");

    /** A provider with the settings of one call. */
    public record Resolved(ModelProvider provider, Settings settings, String endpoint) {
    }

    public ModelGateway(Map<String, ModelProvider> builtins, PluginPlatform plugins, ProviderConfigs configs,
                        ModelsConfig config, io.channelhub.hub.observability.HubMetrics metrics, io.channelhub.hub.observability.Tracing tracing) {
        this.metrics = metrics;
        this.tracing = tracing;
        this.builtins = Map.copyOf(builtins);
        this.plugins = plugins;
        this.configs = configs;
        this.config = config;
        this.breakers = CircuitBreakerRegistry.of(CircuitBreakerConfig.custom()
                .slidingWindowType(CircuitBreakerConfig.SlidingWindowType.COUNT_BASED)
                .slidingWindowSize(config.getBreakerWindow())
                .minimumNumberOfCalls(config.getBreakerMinimumCalls())
                .failureRateThreshold(50)
                .waitDurationInOpenState(Duration.ofMillis(config.getBreakerOpenFor().toMilliseconds()))
                .permittedNumberOfCallsInHalfOpenState(1)
                // A refused request (bad key, unknown model) or a rate limit says nothing about the endpoint's health.
                .recordException(e -> e instanceof ModelException m && m.kind().retryable()
                        && m.kind() != ModelException.Kind.RATE_LIMITED)
                .build());
        breakers.getEventPublisher().onEntryAdded(e -> e.getAddedEntry().getEventPublisher()
                .onStateTransition(t -> LOG.warn("Model endpoint circuit {}: {}", t.getCircuitBreakerName()
                        .replaceAll("\\|.*", ""), t.getStateTransition()))
                .onError(f -> failedAttempt(f.getCircuitBreakerName(), f.getThrowable()))
                // Which threshold opened a circuit: the failure rate, or (if it is ever counted) the slow-call rate.
                .onFailureRateExceeded(x -> LOG.warn("Model endpoint circuit {}: {}% of the last calls failed",
                        named(x.getCircuitBreakerName()), x.getFailureRate()))
                .onSlowCallRateExceeded(x -> LOG.warn("Model endpoint circuit {}: {}% of the last calls were slow",
                        named(x.getCircuitBreakerName()), x.getSlowCallRate())));
        long initial = config.getInitialBackoff().toMilliseconds();
        long max = config.getMaxBackoff().toMilliseconds();
        this.retryConfig = RetryConfig.<Object>custom()
                .maxAttempts(config.getMaxAttempts())
                .retryOnException(e -> e instanceof ModelException m && m.kind().retryable())
                .intervalBiFunction((attempt, outcome) -> backoff(attempt, outcome, initial, max))
                .build();
    }

    private static long backoff(int attempt, Either<Throwable, Object> outcome, long initial, long max) {
        if (outcome.isLeft() && outcome.getLeft() instanceof ModelException m && m.retryAfter() != null) {
            return Math.min(m.retryAfter().toMillis(), max);
        }
        long exp = Math.min(max, initial * (1L << Math.min(attempt - 1, 16)));
        // Full jitter keeps replicas that failed together from retrying together.
        return exp / 2 + ThreadLocalRandom.current().nextLong(exp / 2 + 1);
    }

    /** Provider ids an agent may name. */
    public Set<String> providerIds() {
        Set<String> ids = new TreeSet<>(builtins.keySet());
        ids.remove(DemoProvider.ID);
        ids.addAll(plugins.modelProviders().keySet());
        return ids;
    }

    /** The provider's settings schema, for the tenant configuration API. */
    public ModelProvider provider(String providerId) {
        ModelProvider p = providerId.equals(DemoProvider.ID) ? null : builtins.get(providerId);
        if (p == null) {
            p = plugins.modelProviders().get(providerId);
        }
        if (p == null) {
            throw Failure.notFound("model provider");
        }
        return p;
    }

    public Resolved resolve(String tenantId, String providerId) {
        ModelProvider p = provider(providerId);
        Map<String, String> values = new LinkedHashMap<>();
        if (OPENAI.equals(providerId)) {
            if (!config.getOpenaiBaseUrl().isEmpty()) {
                values.put("base_url", config.getOpenaiBaseUrl());
            }
            if (!config.getOpenaiApiKey().isEmpty()) {
                values.put("api_key", config.getOpenaiApiKey());
            }
        }
        Map<String, String> tenant = configs.open(tenantId, providerId);
        boolean tenantEndpoint = tenant.containsKey("base_url") || tenant.containsKey("api_key");
        if (tenantEndpoint) {
            // A tenant's endpoint replaces the global one as a whole: never send the operator's key elsewhere.
            values.remove("base_url");
            values.remove("api_key");
        }
        values.putAll(tenant);
        if (OPENAI.equals(providerId) && !values.containsKey("api_key") && !values.containsKey("base_url")) {
            return new Resolved(builtins.get(DemoProvider.ID), Settings.empty(), "demo");
        }
        values.putIfAbsent("timeout_ms", Long.toString(config.getTimeout().toMilliseconds()));
        String endpoint = providerId + "|" + values.getOrDefault("base_url", "default");
        return new Resolved(p, new Settings(values), endpoint);
    }

    private final io.channelhub.hub.observability.HubMetrics metrics;

    private void observe(Resolved r, ModelRequest request, long started, String outcome) {
        var m = metrics;
        String api = request.api().name().toLowerCase(java.util.Locale.ROOT);
        m.modelCalls.labelValues(r.provider().id(), api, outcome).inc();
        m.modelDuration.labelValues(r.provider().id(), api).observe((System.nanoTime() - started) / 1e9);
    }

    private void tokens(Resolved r, ModelReply reply) {
        var m = metrics;
        if (reply != null && reply.usage() != null) {
            String model = m.model(reply.model());
            m.modelTokens.labelValues(r.provider().id(), model, "prompt").inc(reply.usage().promptTokens());
            m.modelTokens.labelValues(r.provider().id(), model, "completion").inc(reply.usage().completionTokens());
        }
    }

    private final io.channelhub.hub.observability.Tracing tracing;

    /** A client span for one model call; current while the provider sends, so its traceparent is this span. */
    private io.opentelemetry.api.trace.Span span(Resolved r, ModelRequest request, String fallbackFor) {
        var b = tracing.tracer().spanBuilder("model " + r.provider().id())
                .setSpanKind(io.opentelemetry.api.trace.SpanKind.CLIENT)
                .setAttribute("gen_ai.system", r.provider().id())
                .setAttribute("gen_ai.request.model", request.model());
        if (fallbackFor != null) {
            b.setAttribute("channelhub.model.fallback_for", fallbackFor);
        }
        return b.startSpan();
    }

    public ModelReply complete(String tenantId, String providerId, ModelRequest request) {
        return complete(tenantId, providerId, request, List.of());
    }

    /**
     * A complete reply from the agent's model or, when it fails with an error another endpoint may not have, from
     * its fallbacks in order. Each attempt is its own span, its own call in the metrics and its own retries; the
     * reply names the model that answered, which is what the turn stores and meters. When every model fails, the
     * agent's own model's failure is the answer.
     */
    public ModelReply complete(String tenantId, String providerId, ModelRequest request, List<Fallback> fallbacks) {
        return withFallbacks(providerId, request, fallbacks, (provider, req, fallbackFor) -> {
            Resolved r = resolve(tenantId, provider);
            var span = span(r, req, fallbackFor);
            try (var scope = span.makeCurrent()) {
                return completeTraced(r, req);
            } catch (HubFailure e) {
                span.setStatus(io.opentelemetry.api.trace.StatusCode.ERROR, e.code());
                throw e;
            } finally {
                span.end();
            }
        });
    }

    /** One attempt: a provider, the request for it, and what it stands in for (null for the agent's own model). */
    private interface Attempt<T> {
        T call(String provider, ModelRequest request, String fallbackFor);
    }

    private <T> T withFallbacks(String providerId, ModelRequest request, List<Fallback> fallbacks, Attempt<T> attempt) {
        HubFailure primary;
        try {
            return attempt.call(providerId, request, null);
        } catch (HubFailure f) {
            if (fallbacks.isEmpty() || !FALLS_BACK.contains(f.code())) {
                throw f;
            }
            primary = f;
        }
        String failed = providerId + "/" + request.model();
        String lastProvider = providerId;
        for (Fallback fb : fallbacks) {
            metrics.modelFallbacks.labelValues(lastProvider, fb.provider()).inc();
            LOG.warn("Model {} failed ({}); the fallback {}/{} answers", failed, primary.code(), fb.provider(),
                    fb.model());
            ModelRequest req = new ModelRequest(fb.model(), fb.api() == null ? request.api() : fb.api(),
                    request.instructions(), request.messages(), request.temperature(), request.topP(),
                    request.maxOutputTokens(), request.tools(), request.responseFormat(), request.vectorStoreIds());
            try {
                return attempt.call(fb.provider(), req, failed);
            } catch (HubFailure f) {
                if (!FALLS_BACK.contains(f.code())) {
                    // A fallback that refuses the request or its credentials is misconfigured: the next may not be.
                    LOG.warn("Fallback model {}/{} refused the call ({})", fb.provider(), fb.model(), f.code());
                }
                lastProvider = fb.provider();
            }
        }
        throw primary;
    }

    private ModelReply completeTraced(Resolved r, ModelRequest request) {
        CircuitBreaker breaker = breakers.circuitBreaker(r.endpoint());
        Retry retry = Retry.of(r.endpoint(), retryConfig);
        long started = System.nanoTime();
        try {
            ModelReply reply;
            // The model thinks: a channel turn's CPU permit goes to other work meanwhile (retries' waits included).
            try (CpuShare.Waiting waiting = CpuShare.waiting()) {
                reply = Retry.decorateCheckedSupplier(retry, CircuitBreaker.decorateCheckedSupplier(breaker,
                        () -> r.provider().complete(request, r.settings()))).get();
            }
            observe(r, request, started, "ok");
            tokens(r, reply);
            return reply;
        } catch (Throwable e) {
            HubFailure f = translate(e, r);
            observe(r, request, started, f.code());
            throw f;
        }
    }

    /**
     * An attempt the circuit counts against its endpoint. A retry that then succeeds hides it from the call's own
     * log line, so without this a circuit opened with nothing in the log to say why (10,000 opening streams in
     * docs/benchmarks.md). At most a line per endpoint every ten seconds, with the count held back.
     */
    private void failedAttempt(String circuit, Throwable e) {
        attemptLogs.computeIfAbsent(circuit, k -> new ThrottledLog(LOG, ATTEMPT_LOG_PERIOD))
                .warn("Model endpoint {}: an attempt failed and counts against its circuit: {}", named(circuit),
                        e instanceof ModelException m ? m.kind() + " (" + m.getMessage() + ")" : e.toString());
    }

    /** A circuit's provider and host: a tenant's base URL may carry more than a log should (a path, user info). */
    private static String named(String circuit) {
        int bar = circuit.indexOf('|');
        if (bar < 0) {
            return circuit;
        }
        try {
            java.net.URI u = java.net.URI.create(circuit.substring(bar + 1));
            return u.getHost() == null ? circuit.substring(0, bar) : circuit.substring(0, bar) + " at " + u.getHost()
                    + (u.getPort() < 0 ? "" : ":" + u.getPort());
        } catch (IllegalArgumentException notAUri) {
            return circuit.substring(0, bar);
        }
    }

    public ModelStream stream(String tenantId, String providerId, ModelRequest request) {
        return stream(tenantId, providerId, request, List.of());
    }

    /**
     * Opens a stream; retries, and then the fallbacks, apply to opening it, never once text has been sent on.
     */
    public ModelStream stream(String tenantId, String providerId, ModelRequest request, List<Fallback> fallbacks) {
        return withFallbacks(providerId, request, fallbacks, (provider, req, fallbackFor) -> {
            Resolved r = resolve(tenantId, provider);
            var span = span(r, req, fallbackFor);
            try (var scope = span.makeCurrent()) {
                return streamTraced(r, req);
            } catch (HubFailure e) {
                span.setStatus(io.opentelemetry.api.trace.StatusCode.ERROR, e.code());
                throw e;
            } finally {
                span.end();
            }
        });
    }

    private ModelStream streamTraced(Resolved r, ModelRequest request) {
        CircuitBreaker breaker = breakers.circuitBreaker(r.endpoint());
        Retry retry = Retry.of(r.endpoint(), retryConfig);
        long started = System.nanoTime();
        ModelStream s;
        try {
            try (CpuShare.Waiting waiting = CpuShare.waiting()) {
                s = Retry.decorateCheckedSupplier(retry, CircuitBreaker.decorateCheckedSupplier(breaker,
                        () -> r.provider().stream(request, r.settings()))).get();
            }
        } catch (Throwable e) {
            HubFailure f = translate(e, r);
            observe(r, request, started, f.code());
            throw f;
        }
        observe(r, request, started, "ok");
        return new OpenStream(s, r, request.model());
    }

    /**
     * A stream the gateway opened: its tokens are counted when it ends, and it knows which model it asked (the
     * agent's own or a fallback), so that a stream its client left is billed to the model that was answering.
     */
    public final class OpenStream implements ModelStream {
        private final ModelStream s;
        private final Resolved r;
        private final String model;
        private boolean counted;

        private OpenStream(ModelStream s, Resolved r, String model) {
            this.s = s;
            this.r = r;
            this.model = model;
        }

        /** The model this stream's call asked for: the agent's, or the fallback's that answered instead. */
        public String model() {
            return model;
        }

        @Override
        public String nextDelta() throws ModelException {
            String d;
            try (CpuShare.Waiting waiting = CpuShare.waiting()) {
                d = s.nextDelta();
            }
            if (d == null && !counted) {
                counted = true;
                tokens(r, s.reply());
            }
            return d;
        }

        @Override
        public ModelReply reply() {
            return s.reply();
        }

        @Override
        public void close() {
            s.close();
        }
    }

    /** Whether this tenant's calls to the provider would reach a real model (not the demo). */
    public boolean isDemo(String tenantId, String providerId) {
        return resolve(tenantId, providerId).provider() instanceof DemoProvider;
    }

    /** For failures while a stream is read, after {@link #stream} returned. */
    public static HubFailure translateForStream(ModelException e) {
        return translate(e, null);
    }

    static HubFailure translate(Throwable e, Resolved r) {
        if (e instanceof HubFailure f) {
            return f;
        }
        if (e instanceof CallNotPermittedException) {
            return Failure.unavailable("model_unavailable",
                    "the model provider is failing; calls are paused for a short while");
        }
        if (e instanceof ModelException m) {
            LOG.warn("Model call failed: {} ({})", m.kind(), m.getMessage(), m.getCause());
            Map<String, Object> details = new HashMap<>();
            if (m.retryAfter() != null) {
                details.put("retry_after_seconds", Math.max(1, m.retryAfter().toSeconds()));
            }
            return switch (m.kind()) {
                case RATE_LIMITED -> Failure.limitReached("model_rate_limited",
                        "the model provider is rate limiting; retry later", details);
                case TIMEOUT -> Failure.upstreamTimeout("model_timeout", "the model did not answer in time", details);
                case UPSTREAM_ERROR -> Failure.upstreamFailed("model_error", "the model provider failed", details);
                case AUTHENTICATION -> Failure.upstreamFailed("model_auth_failed",
                        "the model provider refused the configured credentials", details);
                case BAD_REQUEST -> Failure.invalid("model_rejected_request",
                        "the model provider refused the request: " + m.getMessage(), details);
            };
        }
        return Failure.upstreamFailed("model_error", "the model provider failed", Map.of());
    }
}
