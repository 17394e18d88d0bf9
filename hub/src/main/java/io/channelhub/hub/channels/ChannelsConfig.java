package io.channelhub.hub.channels;

import com.fasterxml.jackson.annotation.JsonProperty;
import io.dropwizard.util.DataSize;
import jakarta.validation.constraints.NotNull;

/** Configuration of the public channel routes ({@code /hooks/...}). */
public class ChannelsConfig {

    /**
     * The largest request body a channel route reads; larger ones get 413 before any plugin code runs. It bounds
     * file uploads too (a plugin sets lower limits per route).
     */
    @NotNull
    private DataSize maxBodySize = DataSize.mebibytes(10);

    /** Whether this node processes stored channel events (every node does by default; all share the work). */
    private boolean processInbound = true;

    /**
     * Threads that process stored events (contact, consent, the agent's turn, the reply). Half the cores by default:
     * on a busy node the acknowledgements of new events share the CPU with this work, and the benchmark
     * (docs/benchmarks.md, webhook) acknowledged three times faster at p99, and drained its backlog sooner, with one
     * worker on two cores than with two.
     */
    @jakarta.validation.constraints.Min(1)
    private int inboundWorkers = Math.max(1, Runtime.getRuntime().availableProcessors() / 2);

    /**
     * On virtual threads: stored events processed at once. A turn mostly waits for its model, which costs a virtual
     * thread nothing, so this is far above {@link #inboundWorkers}; it bounds what the turns share (database
     * connections, the model endpoint's load), and acknowledgements still come first (see InboundProcessor).
     */
    @jakarta.validation.constraints.Min(1)
    private int inboundConcurrentTurns = 256;

    @JsonProperty
    public int getInboundConcurrentTurns() {
        return inboundConcurrentTurns;
    }

    @JsonProperty
    public void setInboundConcurrentTurns(int inboundConcurrentTurns) {
        this.inboundConcurrentTurns = inboundConcurrentTurns;
    }

    /**
     * Events waiting in memory for a worker; beyond it a stored event waits in the database for the poller, so a
     * burst of webhooks holds no memory for its backlog.
     */
    @jakarta.validation.constraints.Min(1)
    private int inboundMaxQueued = 10_000;

    /**
     * How long processing about to compute waits for the acknowledgements in progress to finish (acknowledgements
     * first; see CpuShare). 0: no deferral.
     */
    @NotNull
    private io.dropwizard.util.Duration inboundDeferToAcks = io.dropwizard.util.Duration.milliseconds(50);

    @JsonProperty
    public int getInboundMaxQueued() {
        return inboundMaxQueued;
    }

    @JsonProperty
    public void setInboundMaxQueued(int inboundMaxQueued) {
        this.inboundMaxQueued = inboundMaxQueued;
    }

    @JsonProperty
    public io.dropwizard.util.Duration getInboundDeferToAcks() {
        return inboundDeferToAcks;
    }

    @JsonProperty
    public void setInboundDeferToAcks(io.dropwizard.util.Duration inboundDeferToAcks) {
        this.inboundDeferToAcks = inboundDeferToAcks;
    }

    /** How often stored events left by a crash or due for a retry are looked for. */
    @NotNull
    /**
     * Webhook acknowledgements slower than this (from the request's arrival to its answer) make background work
     * yield more of the CPU (see CpuShare).
     */
    private io.dropwizard.util.Duration inboundAckTarget = io.dropwizard.util.Duration.milliseconds(10);

    public io.dropwizard.util.Duration getInboundAckTarget() {
        return inboundAckTarget;
    }

    public void setInboundAckTarget(io.dropwizard.util.Duration inboundAckTarget) {
        this.inboundAckTarget = inboundAckTarget;
    }

    private io.dropwizard.util.Duration inboundPollInterval = io.dropwizard.util.Duration.seconds(1);

    @JsonProperty
    public boolean isProcessInbound() {
        return processInbound;
    }

    @JsonProperty
    public void setProcessInbound(boolean processInbound) {
        this.processInbound = processInbound;
    }

    @JsonProperty
    public int getInboundWorkers() {
        return inboundWorkers;
    }

    @JsonProperty
    public void setInboundWorkers(int inboundWorkers) {
        this.inboundWorkers = inboundWorkers;
    }

    @JsonProperty
    public io.dropwizard.util.Duration getInboundPollInterval() {
        return inboundPollInterval;
    }

    @JsonProperty
    public void setInboundPollInterval(io.dropwizard.util.Duration inboundPollInterval) {
        this.inboundPollInterval = inboundPollInterval;
    }

    @JsonProperty
    public DataSize getMaxBodySize() {
        return maxBodySize;
    }

    @JsonProperty
    public void setMaxBodySize(DataSize maxBodySize) {
        this.maxBodySize = maxBodySize;
    }
}
