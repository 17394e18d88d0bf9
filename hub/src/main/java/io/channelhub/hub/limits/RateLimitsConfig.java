package io.channelhub.hub.limits;

import com.fasterxml.jackson.annotation.JsonProperty;
import io.dropwizard.util.Duration;
import jakarta.validation.Valid;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotNull;

/**
 * Request rate limits: token buckets per tenant and per API key for every authenticated route, and tighter ones
 * per tenant for chat turns. Held in Redis (atomic across replicas) when it is configured, in this process
 * otherwise.
 */
public class RateLimitsConfig {

    /** What to do when Redis cannot be reached. */
    public enum RedisFailure { ALLOW, DENY }

    private boolean enabled = true;
    @NotNull
    private RedisFailure onRedisFailure = RedisFailure.ALLOW;
    /** Prefix of the Redis keys, so several hubs (or tests) can share one Redis. */
    @NotNull
    private String keyPrefix = "chub:rl:";
    @Valid
    @NotNull
    private Limit tenant = new Limit(1200, Duration.minutes(1));
    @Valid
    @NotNull
    private Limit apiKey = new Limit(600, Duration.minutes(1));
    @Valid
    @NotNull
    private Limit tenantChat = new Limit(300, Duration.minutes(1));
    /** Per client IP, for public routes (no API key): the OpenAPI document and the channel endpoints. */
    @Valid
    @NotNull
    private Limit publicPerIp = new Limit(120, Duration.minutes(1));

    /** Console sign-ins per client IP and per account: each costs a slow password hash. */
    @Valid
    @NotNull
    private Limit consoleSignIn = new Limit(10, Duration.minutes(1));

    @JsonProperty
    public Limit getConsoleSignIn() {
        return consoleSignIn;
    }

    @JsonProperty
    public void setConsoleSignIn(Limit consoleSignIn) {
        this.consoleSignIn = consoleSignIn;
    }

    /** Messages per end user of a public channel (a widget visitor), before anything is stored. */
    @Valid
    @NotNull
    private Limit channelContact = new Limit(20, Duration.minutes(1));
    /** Messages per channel instance (one widget, all its visitors together). */
    @Valid
    @NotNull
    private Limit channelInstance = new Limit(600, Duration.minutes(1));

    @JsonProperty
    public Limit getChannelContact() {
        return channelContact;
    }

    @JsonProperty
    public void setChannelContact(Limit channelContact) {
        this.channelContact = channelContact;
    }

    @JsonProperty
    public Limit getChannelInstance() {
        return channelInstance;
    }

    @JsonProperty
    public void setChannelInstance(Limit channelInstance) {
        this.channelInstance = channelInstance;
    }

    @JsonProperty
    public Limit getPublicPerIp() {
        return publicPerIp;
    }

    @JsonProperty
    public void setPublicPerIp(Limit publicPerIp) {
        this.publicPerIp = publicPerIp;
    }

    /** {@code capacity} requests per {@code period}, refilled smoothly. */
    public static class Limit {
        @Min(1)
        private long capacity;
        @NotNull
        private Duration period;

        public Limit() {
        }

        public Limit(long capacity, Duration period) {
            this.capacity = capacity;
            this.period = period;
        }

        @JsonProperty
        public long getCapacity() {
            return capacity;
        }

        @JsonProperty
        public void setCapacity(long capacity) {
            this.capacity = capacity;
        }

        @JsonProperty
        public Duration getPeriod() {
            return period;
        }

        @JsonProperty
        public void setPeriod(Duration period) {
            this.period = period;
        }
    }

    @JsonProperty
    public boolean isEnabled() {
        return enabled;
    }

    @JsonProperty
    public void setEnabled(boolean enabled) {
        this.enabled = enabled;
    }

    @JsonProperty
    public RedisFailure getOnRedisFailure() {
        return onRedisFailure;
    }

    @JsonProperty
    public void setOnRedisFailure(RedisFailure v) {
        this.onRedisFailure = v;
    }

    @JsonProperty
    public String getKeyPrefix() {
        return keyPrefix;
    }

    @JsonProperty
    public void setKeyPrefix(String keyPrefix) {
        this.keyPrefix = keyPrefix;
    }

    @JsonProperty
    public Limit getTenant() {
        return tenant;
    }

    @JsonProperty
    public void setTenant(Limit tenant) {
        this.tenant = tenant;
    }

    @JsonProperty
    public Limit getApiKey() {
        return apiKey;
    }

    @JsonProperty
    public void setApiKey(Limit apiKey) {
        this.apiKey = apiKey;
    }

    @JsonProperty
    public Limit getTenantChat() {
        return tenantChat;
    }

    @JsonProperty
    public void setTenantChat(Limit tenantChat) {
        this.tenantChat = tenantChat;
    }
}
