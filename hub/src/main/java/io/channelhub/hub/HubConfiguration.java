package io.channelhub.hub;

import com.fasterxml.jackson.annotation.JsonProperty;
import io.channelhub.hub.plugins.PluginsConfig;
import io.channelhub.hub.redis.RedisFactory;
import io.channelhub.hub.security.SecretsFactory;
import io.dropwizard.core.Configuration;
import io.dropwizard.db.DataSourceFactory;
import io.dropwizard.util.Duration;
import jakarta.validation.Valid;
import jakarta.validation.constraints.NotNull;

/** The hub's configuration (config.yml), with environment-variable substitution ({@code ${VAR:-default}}). */
public class HubConfiguration extends Configuration {

    @Valid
    @NotNull
    private DataSourceFactory database = new DataSourceFactory();

    /** Apply pending Liquibase changesets before serving (a lock keeps concurrent replicas safe). */
    private boolean migrateOnStart = true;

    @Valid
    @NotNull
    private PluginsConfig plugins = new PluginsConfig();

    @Valid
    @NotNull
    private RedisFactory redis = new RedisFactory();

    /**
     * How long a replica may use the rows it caches for every request: API keys and tenants (authentication), a
     * tenant's quotas, webhook subscriptions and model provider settings. A change evicts them at once on every
     * replica (through Redis when configured); this bounds a replica that missed the message. Zero: no caching.
     */
    @NotNull
    private io.dropwizard.util.Duration cacheTtl = io.dropwizard.util.Duration.seconds(30);

    @JsonProperty
    public io.dropwizard.util.Duration getCacheTtl() {
        return cacheTtl;
    }

    @JsonProperty
    public void setCacheTtl(io.dropwizard.util.Duration cacheTtl) {
        this.cacheTtl = cacheTtl;
    }

    @Valid
    @NotNull
    private SecretsFactory secrets = new SecretsFactory();

    @Valid
    @NotNull
    private ApiKeysConfig apiKeys = new ApiKeysConfig();

    @Valid
    @NotNull
    private io.channelhub.hub.llm.ModelsConfig models = new io.channelhub.hub.llm.ModelsConfig();

    @Valid
    @NotNull
    private io.channelhub.hub.knowledge.KnowledgeConfig knowledge = new io.channelhub.hub.knowledge.KnowledgeConfig();

    @JsonProperty
    public io.channelhub.hub.knowledge.KnowledgeConfig getKnowledge() {
        return knowledge;
    }

    @JsonProperty
    public void setKnowledge(io.channelhub.hub.knowledge.KnowledgeConfig knowledge) {
        this.knowledge = knowledge;
    }

    @Valid
    @NotNull
    private io.channelhub.hub.delivery.DeliveryConfig delivery = new io.channelhub.hub.delivery.DeliveryConfig();

    @Valid
    @NotNull
    private io.channelhub.hub.concurrency.ThreadsConfig threads = new io.channelhub.hub.concurrency.ThreadsConfig();

    @JsonProperty
    public io.channelhub.hub.concurrency.ThreadsConfig getThreads() {
        return threads;
    }

    @JsonProperty
    public void setThreads(io.channelhub.hub.concurrency.ThreadsConfig threads) {
        this.threads = threads;
    }

    @JsonProperty
    public io.channelhub.hub.delivery.DeliveryConfig getDelivery() {
        return delivery;
    }

    @JsonProperty
    public void setDelivery(io.channelhub.hub.delivery.DeliveryConfig delivery) {
        this.delivery = delivery;
    }

    @Valid
    @NotNull
    private io.channelhub.hub.limits.RateLimitsConfig rateLimits = new io.channelhub.hub.limits.RateLimitsConfig();

    @JsonProperty
    public io.channelhub.hub.limits.RateLimitsConfig getRateLimits() {
        return rateLimits;
    }

    @JsonProperty
    public void setRateLimits(io.channelhub.hub.limits.RateLimitsConfig rateLimits) {
        this.rateLimits = rateLimits;
    }

    @Valid
    @NotNull
    private io.channelhub.hub.limits.QuotasConfig quotas = new io.channelhub.hub.limits.QuotasConfig();

    @JsonProperty
    public io.channelhub.hub.limits.QuotasConfig getQuotas() {
        return quotas;
    }

    @JsonProperty
    public void setQuotas(io.channelhub.hub.limits.QuotasConfig quotas) {
        this.quotas = quotas;
    }

    @Valid
    @NotNull
    private io.channelhub.hub.observability.Tracing.Factory tracing = new io.channelhub.hub.observability.Tracing.Factory();

    @JsonProperty
    public io.channelhub.hub.observability.Tracing.Factory getTracing() {
        return tracing;
    }

    @JsonProperty
    public void setTracing(io.channelhub.hub.observability.Tracing.Factory tracing) {
        this.tracing = tracing;
    }

    @Valid
    @NotNull
    private io.channelhub.hub.channels.ChannelsConfig channels = new io.channelhub.hub.channels.ChannelsConfig();

    @Valid
    @NotNull
    private io.channelhub.hub.web.api.DemoConfig demo = new io.channelhub.hub.web.api.DemoConfig();

    @Valid
    @NotNull
    private io.channelhub.hub.billing.BillingConfig billing = new io.channelhub.hub.billing.BillingConfig();

    @Valid
    @NotNull
    private io.channelhub.hub.console.ConsoleConfig console = new io.channelhub.hub.console.ConsoleConfig();

    @JsonProperty
    public io.channelhub.hub.console.ConsoleConfig getConsole() {
        return console;
    }

    @JsonProperty
    public void setConsole(io.channelhub.hub.console.ConsoleConfig console) {
        this.console = console;
    }

    /** How often every tenant's retention is applied. */
    @NotNull
    private Duration retentionInterval = Duration.hours(24);

    @JsonProperty
    public Duration getRetentionInterval() {
        return retentionInterval;
    }

    @JsonProperty
    public void setRetentionInterval(Duration retentionInterval) {
        this.retentionInterval = retentionInterval;
    }

    /** How often requests for a person past their agent's wait are released (see HandoffExpiry). */
    @NotNull
    private Duration handoffSweepInterval = Duration.seconds(30);

    @JsonProperty
    public Duration getHandoffSweepInterval() {
        return handoffSweepInterval;
    }

    @JsonProperty
    public void setHandoffSweepInterval(Duration handoffSweepInterval) {
        this.handoffSweepInterval = handoffSweepInterval;
    }

    @JsonProperty
    public io.channelhub.hub.billing.BillingConfig getBilling() {
        return billing;
    }

    @JsonProperty
    public void setBilling(io.channelhub.hub.billing.BillingConfig billing) {
        this.billing = billing;
    }

    @JsonProperty
    public io.channelhub.hub.channels.ChannelsConfig getChannels() {
        return channels;
    }

    @JsonProperty
    public void setChannels(io.channelhub.hub.channels.ChannelsConfig channels) {
        this.channels = channels;
    }

    @JsonProperty
    public io.channelhub.hub.web.api.DemoConfig getDemo() {
        return demo;
    }

    @JsonProperty
    public void setDemo(io.channelhub.hub.web.api.DemoConfig demo) {
        this.demo = demo;
    }

    /** How often an open SSE stream gets a heartbeat comment, so proxies keep it open. */
    @NotNull
    private Duration sseHeartbeat = Duration.seconds(15);

    @JsonProperty
    public io.channelhub.hub.llm.ModelsConfig getModels() {
        return models;
    }

    @JsonProperty
    public void setModels(io.channelhub.hub.llm.ModelsConfig models) {
        this.models = models;
    }

    @JsonProperty
    public Duration getSseHeartbeat() {
        return sseHeartbeat;
    }

    @JsonProperty
    public void setSseHeartbeat(Duration sseHeartbeat) {
        this.sseHeartbeat = sseHeartbeat;
    }

    @JsonProperty
    public DataSourceFactory getDatabase() {
        return database;
    }

    @JsonProperty
    public void setDatabase(DataSourceFactory database) {
        this.database = database;
    }

    @JsonProperty
    public boolean isMigrateOnStart() {
        return migrateOnStart;
    }

    @JsonProperty
    public void setMigrateOnStart(boolean migrateOnStart) {
        this.migrateOnStart = migrateOnStart;
    }

    @JsonProperty
    public PluginsConfig getPlugins() {
        return plugins;
    }

    @JsonProperty
    public void setPlugins(PluginsConfig plugins) {
        this.plugins = plugins;
    }

    @JsonProperty
    public RedisFactory getRedis() {
        return redis;
    }

    @JsonProperty
    public void setRedis(RedisFactory redis) {
        this.redis = redis;
    }

    @JsonProperty
    public SecretsFactory getSecrets() {
        return secrets;
    }

    @JsonProperty
    public void setSecrets(SecretsFactory secrets) {
        this.secrets = secrets;
    }

    @JsonProperty
    public ApiKeysConfig getApiKeys() {
        return apiKeys;
    }

    @JsonProperty
    public void setApiKeys(ApiKeysConfig apiKeys) {
        this.apiKeys = apiKeys;
    }

    /**
     * How long a request holding an {@code Idempotency-Key} keeps it without its node renewing the lease: after a
     * node died mid-request, a retry with the same key runs once this has passed.
     */
    @NotNull
    private Duration idempotencyLease = Duration.seconds(30);

    @JsonProperty
    public Duration getIdempotencyLease() {
        return idempotencyLease;
    }

    @JsonProperty
    public void setIdempotencyLease(Duration idempotencyLease) {
        this.idempotencyLease = idempotencyLease;
    }

    @Valid
    @NotNull
    private io.channelhub.hub.metering.UsageConfig usage = new io.channelhub.hub.metering.UsageConfig();

    @JsonProperty
    public io.channelhub.hub.metering.UsageConfig getUsage() {
        return usage;
    }

    @JsonProperty
    public void setUsage(io.channelhub.hub.metering.UsageConfig usage) {
        this.usage = usage;
    }

    /** API key policy. */
    public static class ApiKeysConfig {

        /** How long a rotated key keeps working when the rotate call names no grace. */
        @NotNull
        private Duration rotationGrace = Duration.hours(24);

        /**
         * The first super-admin key, installed only on a database without platform keys. Empty: one is generated
         * and printed once on the console.
         */
        private String bootstrapKey = "";

        @JsonProperty
        public Duration getRotationGrace() {
            return rotationGrace;
        }

        @JsonProperty
        public void setRotationGrace(Duration rotationGrace) {
            this.rotationGrace = rotationGrace;
        }

        @JsonProperty
        public String getBootstrapKey() {
            return bootstrapKey;
        }

        @JsonProperty
        public void setBootstrapKey(String bootstrapKey) {
            this.bootstrapKey = bootstrapKey == null ? "" : bootstrapKey;
        }
    }
}
