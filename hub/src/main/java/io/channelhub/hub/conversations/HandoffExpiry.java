package io.channelhub.hub.conversations;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Releases, on a schedule, the requests for a person that nobody took within their agent's {@code wait_minutes}
 * ({@link Handoffs#expireDue}): the queue shows only what still waits, and the integrator hears
 * {@code conversation.handoff_released} when the wait ends, not when the end user happens to write again.
 */
public class HandoffExpiry extends io.channelhub.hub.concurrency.PeriodicJob {

    private static final Logger LOG = LoggerFactory.getLogger(HandoffExpiry.class);
    static final int BATCH = 100;

    private final Handoffs handoffs;

    public HandoffExpiry(Handoffs handoffs, long everyMillis) {
        super("handoff-expiry", everyMillis);
        this.handoffs = handoffs;
    }

    @Override
    protected void runOnce() {
        sweep();
    }

    void sweep() {
        // A full batch: more may be due; the next batch at once rather than a whole interval later.
        while (handoffs.expireDue(BATCH) == BATCH && !Thread.currentThread().isInterrupted()) {
            LOG.debug("Released a full batch of expired handoff requests; sweeping again");
        }
    }
}
