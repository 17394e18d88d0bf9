package io.channelhub.hub;

import io.channelhub.hub.concurrency.CpuShare;
import io.channelhub.hub.concurrency.ThreadModel;
import org.slf4j.LoggerFactory;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.channelhub.hub.auth.CredentialCache;
import io.channelhub.hub.delivery.Outbox;
import io.channelhub.hub.delivery.WorkSignal;
import io.channelhub.hub.limits.LocalQuotaCounters;
import io.channelhub.hub.limits.LocalRateLimiter;
import io.channelhub.hub.limits.QuotaCounters;
import io.channelhub.hub.limits.RateLimiter;
import io.channelhub.hub.limits.RedisQuotaCounters;
import io.channelhub.hub.limits.RedisRateLimiter;
import io.channelhub.hub.observability.HubMetrics;
import io.channelhub.hub.observability.Tracing;
import io.channelhub.hub.persistence.ChangeBus;
import io.channelhub.hub.persistence.StartupMigrations;
import io.channelhub.hub.persistence.StoredJson;
import io.channelhub.hub.persistence.TenantCaches;
import io.channelhub.hub.persistence.Transactions;
import io.channelhub.hub.persistence.UtcInstants;
import io.channelhub.hub.redis.RedisEvents;
import io.channelhub.hub.redis.RedisHealthCheck;
import io.channelhub.hub.security.SecretBox;
import io.channelhub.hub.web.DrainRequestBodyFilter;
import io.channelhub.hub.web.ErrorMappers;
import io.channelhub.hub.web.HealthEndpoints;
import io.channelhub.hub.web.HttpMetrics;
import io.channelhub.hub.web.JsonErrorPages;
import io.channelhub.hub.web.PrometheusEndpoint;
import io.channelhub.hub.web.SecurityHeaders;
import io.channelhub.hub.web.StrictJson;
import io.channelhub.hub.web.TraceIds;
import io.dropwizard.core.server.AbstractServerFactory;
import io.dropwizard.core.setup.Environment;
import io.dropwizard.db.ManagedDataSource;
import io.dropwizard.jdbi3.JdbiFactory;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import jakarta.servlet.DispatcherType;
import java.time.Clock;
import java.time.Duration;
import java.util.EnumSet;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.util.component.LifeCycle;
import org.glassfish.jersey.server.ServerProperties;
import org.jdbi.v3.core.Jdbi;

/**
 * What every concern stands on: JSON, the clock, tracing and metrics, the database (migrated first when asked),
 * secrets, Redis when configured (limits, quota counters and change events across replicas, in-process without
 * it), the caches, the outbox, and the web layer's plumbing (error shapes, filters, Jersey settings).
 */
final class CoreBundle extends HubBundle<CoreBundle.Core> {

    /** The foundation the other bundles are built on. */
    record Core(ObjectMapper json, ObjectMapper stored, Clock clock, Tracing tracing, Jdbi jdbi, SecretBox secrets,
                PrometheusRegistry prometheus, RateLimiter limiter, QuotaCounters quotaCounters, Outbox outbox,
                WorkSignal outboxSignal, HubMetrics metrics, ChangeBus changes, TenantCaches caches,
                CredentialCache credentials, ThreadModel threads, CpuShare cpu) {
    }

    @Override
    protected Core build(HubConfiguration config, Environment env) throws Exception {
        ObjectMapper json = env.getObjectMapper();
        json.disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS);
        // Two readers: what the hub stored is read back as written; what a caller sends is held to the API's rules.
        ObjectMapper stored = StoredJson.of(json);
        StrictJson.apply(json);
        // Our mappers give every failure the one error shape; Dropwizard's would leak HTML and internals.
        AbstractServerFactory server = (AbstractServerFactory) config.getServerFactory();
        server.setRegisterDefaultExceptionMappers(false);
        ThreadModel threads = ThreadModel.of(config.getThreads().getMode());
        if (threads.virtual()) {
            // Jetty runs each request's blocking work on a virtual thread; its platform threads only select and
            // accept. Jetty bounds the virtual ones by maxThreads, and at the bound its selector waits, so the bound
            // is the configured concurrency, not the platform pool's size.
            server.setEnableVirtualThreads(true);
            server.setMaxThreads(Math.max(server.getMaxThreads(), config.getThreads().getMaxConcurrentRequests()));
        }
        LoggerFactory.getLogger(CoreBundle.class).info("Requests and workers run on {}", threads.describe());
        // Microseconds: what DATETIME(6) stores, so an API answer equals a later read of the same row.
        Clock clock = Clock.tick(Clock.systemUTC(), Duration.ofNanos(1_000));
        Tracing tracing = new Tracing(config.getTracing());
        env.lifecycle().manage(tracing);

        if (config.isMigrateOnStart()) {
            ManagedDataSource migrationSource = config.getDatabase().build(env.metrics(), "migrations");
            try {
                StartupMigrations.apply(migrationSource);
            } finally {
                migrationSource.stop();
            }
        }
        // Before the first check is registered: Redis is the one dependency the hub serves without.
        HealthEndpoints.install(env, java.util.Set.of("redis"));
        // Dropwizard's auto comments wrap the template engine in one that names the SQL object method, and that
        // wrapper is not a parsing engine, so Jdbi re-lexes every statement's template on every execution (3% of a
        // chat turn's CPU). The hub has no SQL objects: the comments would be empty anyway.
        config.getDatabase().setAutoCommentsEnabled(false);
        Jdbi jdbi = new JdbiFactory().build(env, config.getDatabase(),
                io.channelhub.hub.persistence.Pools.build(config.getDatabase(), env.metrics(), "database"),
                "database");
        UtcInstants.install(jdbi);
        Transactions.install(jdbi, config.getDatabase().getDriverClass());
        SecretBox secrets = config.getSecrets().build();
        PrometheusRegistry prometheus = PrometheusEndpoint.install(env);

        var redis = config.getRedis().build(env.lifecycle());
        redis.ifPresent(r -> env.healthChecks().register("redis", new RedisHealthCheck(r)));
        RateLimiter limiter = redis.<RateLimiter>map(r -> new RedisRateLimiter(r, config.getRateLimits()
                .getKeyPrefix())).orElseGet(() -> new LocalRateLimiter(System::currentTimeMillis));
        QuotaCounters quotaCounters = redis.<QuotaCounters>map(r -> new RedisQuotaCounters(r, config.getQuotas()
                .getKeyPrefix())).orElseGet(() -> new LocalQuotaCounters(clock));
        var changes = new ChangeBus();
        redis.ifPresent(r -> {
            var events = new RedisEvents(r, config.getRedis().getEventsChannel(), changes::receive, changes::missed);
            changes.publishTo(events::publish);
            env.lifecycle().manage(events);
        });
        Duration cacheTtl = Duration.ofMillis(config.getCacheTtl().toMilliseconds());
        var credentials = new CredentialCache(cacheTtl, System::nanoTime, changes);
        var caches = new TenantCaches(changes, cacheTtl, System::nanoTime);

        Outbox outbox = new Outbox(jdbi);
        var metrics = new HubMetrics(prometheus, outbox::pending);
        metrics.buildInfo(java.util.Objects.requireNonNullElse(CoreBundle.class.getPackage().getImplementationVersion(),
                "dev"), Runtime.version().feature() + "");
        web(env, tracing, metrics);
        var channels = config.getChannels();
        var cpu = new CpuShare(channels.getInboundWorkers(),
                Duration.ofMillis(channels.getInboundDeferToAcks().toMilliseconds()),
                Duration.ofMillis(channels.getInboundAckTarget().toMilliseconds()));
        metrics.gauge("channelhub_background_share", "Share of the wall clock background work (inbound processing, "
                + "outbox sends) may use while webhook acknowledgements flow; shrinks when they slow down", cpu::share);
        return new Core(json, stored, clock, tracing, jdbi, secrets, prometheus, limiter, quotaCounters, outbox,
                new WorkSignal(), metrics, changes, caches, credentials, threads, cpu);
    }

    private static void web(Environment env, Tracing tracing, HubMetrics metrics) {
        // Errors Jetty answers itself (before Jersey) get the API's JSON shape too, on both ports.
        var errorPages = new JsonErrorPages();
        env.getApplicationContext().setErrorHandler(errorPages);
        env.getAdminContext().setErrorHandler(errorPages);
        env.lifecycle().addEventListener(new LifeCycle.Listener() {
            @Override
            public void lifeCycleStarting(LifeCycle server) {
                if (server instanceof Server s) {
                    s.setErrorHandler(errorPages);
                }
            }
        });
        env.servlets().addFilter("drain-request-body", new DrainRequestBodyFilter())
                .addMappingForUrlPatterns(EnumSet.of(DispatcherType.REQUEST), false, "/*");
        var jersey = env.jersey();
        // Jersey buffers the first 8 KiB of an entity to set Content-Length; an SSE stream must reach the client at
        // each flush instead.
        jersey.property(ServerProperties.OUTBOUND_CONTENT_LENGTH_BUFFER, 0);
        // An error status without a body (a plugin's bare 403) stays bare: no servlet error page in its place.
        jersey.property(ServerProperties.RESPONSE_SET_STATUS_OVER_SEND_ERROR, true);
        // A relative Location stays relative: resolving it would build it from the caller's Host header.
        jersey.property(ServerProperties.LOCATION_HEADER_RELATIVE_URI_RESOLUTION_DISABLED, true);
        ErrorMappers.register(jersey.getResourceConfig());
        jersey.register(new TraceIds(tracing));
        jersey.register(new SecurityHeaders());
        jersey.register(new HttpMetrics(metrics));
    }
}
