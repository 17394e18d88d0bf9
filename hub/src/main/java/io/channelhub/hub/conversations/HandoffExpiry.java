package io.channelhub.hub.conversations;

import io.dropwizard.lifecycle.Managed;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Releases, on a schedule, the requests for a person that nobody took within their agent's {@code wait_minutes}
 * ({@link Handoffs#expireDue}): the queue shows only what still waits, and the integrator hears
 * {@code conversation.handoff_released} when the wait ends, not when the end user happens to write again.
 */
public class HandoffExpiry implements Managed {

    private static final Logger LOG = LoggerFactory.getLogger(HandoffExpiry.class);
    static final int BATCH = 100;

    private final Handoffs handoffs;
    private final long everyMillis;
    private ScheduledExecutorService timer;

    public HandoffExpiry(Handoffs handoffs, long everyMillis) {
        this.handoffs = handoffs;
        this.everyMillis = everyMillis;
    }

    @Override
    public void start() {
        timer = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "handoff-expiry");
            t.setDaemon(true);
            return t;
        });
        timer.scheduleWithFixedDelay(this::sweep, everyMillis, everyMillis, TimeUnit.MILLISECONDS);
    }

    @Override
    public void stop() {
        if (timer != null) {
            timer.shutdownNow();
        }
    }

    void sweep() {
        try {
            // A full batch: more may be due; the next batch at once rather than a whole interval later.
            while (handoffs.expireDue(BATCH) == BATCH && !Thread.currentThread().isInterrupted()) {
                LOG.debug("Released a full batch of expired handoff requests; sweeping again");
            }
        } catch (RuntimeException e) {
            LOG.warn("Releasing expired handoff requests failed; the next sweep tries again", e);
        }
    }
}
