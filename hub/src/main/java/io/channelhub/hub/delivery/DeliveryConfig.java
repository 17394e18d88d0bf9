package io.channelhub.hub.delivery;

import com.fasterxml.jackson.annotation.JsonProperty;
import io.dropwizard.util.Duration;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotNull;

/** The outbox's delivery policy. */
public class DeliveryConfig {

    @Min(1)
    @Max(50)
    private int maxAttempts = 8;
    @NotNull
    private Duration initialBackoff = Duration.seconds(2);
    @NotNull
    private Duration maxBackoff = Duration.hours(1);
    @NotNull
    private Duration timeout = Duration.seconds(10);
    @NotNull
    private Duration pollInterval = Duration.seconds(1);
    @Min(1)
    private int workers = 4;
    /** Whether webhooks may target loopback and private networks (off in production: it would allow SSRF). */
    private boolean allowPrivateTargets = false;

    @JsonProperty
    public int getMaxAttempts() {
        return maxAttempts;
    }

    @JsonProperty
    public void setMaxAttempts(int v) {
        this.maxAttempts = v;
    }

    @JsonProperty
    public Duration getInitialBackoff() {
        return initialBackoff;
    }

    @JsonProperty
    public void setInitialBackoff(Duration v) {
        this.initialBackoff = v;
    }

    @JsonProperty
    public Duration getMaxBackoff() {
        return maxBackoff;
    }

    @JsonProperty
    public void setMaxBackoff(Duration v) {
        this.maxBackoff = v;
    }

    @JsonProperty
    public Duration getTimeout() {
        return timeout;
    }

    @JsonProperty
    public void setTimeout(Duration v) {
        this.timeout = v;
    }

    @JsonProperty
    public Duration getPollInterval() {
        return pollInterval;
    }

    @JsonProperty
    public void setPollInterval(Duration v) {
        this.pollInterval = v;
    }

    @JsonProperty
    public int getWorkers() {
        return workers;
    }

    @JsonProperty
    public void setWorkers(int v) {
        this.workers = v;
    }

    @JsonProperty
    public boolean isAllowPrivateTargets() {
        return allowPrivateTargets;
    }

    @JsonProperty
    public void setAllowPrivateTargets(boolean v) {
        this.allowPrivateTargets = v;
    }
}
