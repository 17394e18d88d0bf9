package io.channelhub.hub.limits;

import com.fasterxml.jackson.annotation.JsonProperty;
import jakarta.validation.constraints.NotNull;

/**
 * Hard-quota counters: in Redis (shared by every replica) when it is configured, in this process otherwise. The
 * quotas themselves are data (the {@code quotas} table, set through the operator API), not configuration.
 */
public class QuotasConfig {

    /** Prefix of the Redis keys, so several hubs (or tests) can share one Redis. */
    @NotNull
    private String keyPrefix = "chub:quota:";

    @JsonProperty
    public String getKeyPrefix() {
        return keyPrefix;
    }

    @JsonProperty
    public void setKeyPrefix(String keyPrefix) {
        this.keyPrefix = keyPrefix;
    }
}
