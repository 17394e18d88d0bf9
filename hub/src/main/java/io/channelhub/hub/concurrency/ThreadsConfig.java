package io.channelhub.hub.concurrency;

import com.fasterxml.jackson.annotation.JsonProperty;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotNull;

/** How the hub runs blocking work: requests, model calls, database and channel processing. */
public class ThreadsConfig {

    /**
     * {@code auto}: virtual threads where the JVM has them (Java 21 and later), platform threads otherwise;
     * {@code virtual}: refuse to start without them; {@code platform}: never.
     */
    @NotNull
    private ThreadModel.Mode mode = ThreadModel.Mode.AUTO;

    /**
     * Requests handled at once on virtual threads (each waiting turn or open stream is one). Beyond it Jetty waits
     * for one to finish before it reads the next, so it bounds memory, not throughput.
     */
    @Min(64)
    private int maxConcurrentRequests = 32_768;

    @JsonProperty
    public ThreadModel.Mode getMode() {
        return mode;
    }

    @JsonProperty
    public void setMode(ThreadModel.Mode mode) {
        this.mode = mode;
    }

    @JsonProperty
    public int getMaxConcurrentRequests() {
        return maxConcurrentRequests;
    }

    @JsonProperty
    public void setMaxConcurrentRequests(int maxConcurrentRequests) {
        this.maxConcurrentRequests = maxConcurrentRequests;
    }
}
