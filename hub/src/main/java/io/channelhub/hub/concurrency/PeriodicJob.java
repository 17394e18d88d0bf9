package io.channelhub.hub.concurrency;

import io.dropwizard.lifecycle.Managed;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Background work the hub runs every so often on a daemon thread of its own (expired handoffs, retention, expired
 * knowledge files), started and stopped with the application. A run that fails is logged and the next one tries
 * again: a sweep must not die with its thread on one bad row or a database blip.
 */
public abstract class PeriodicJob implements Managed {

    private static final Logger LOG = LoggerFactory.getLogger(PeriodicJob.class);

    private final String name;
    private final long everyMillis;
    private ScheduledExecutorService timer;

    protected PeriodicJob(String name, long everyMillis) {
        this.name = name;
        this.everyMillis = everyMillis;
    }

    /** One run; may be called directly (tests, an operator's task). */
    protected abstract void runOnce();

    @Override
    public void start() {
        timer = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, name);
            t.setDaemon(true);
            return t;
        });
        timer.scheduleWithFixedDelay(() -> {
            try {
                runOnce();
            } catch (RuntimeException e) {
                LOG.warn("Background job {} failed; it runs again in {} ms", name, everyMillis, e);
            }
        }, everyMillis, everyMillis, TimeUnit.MILLISECONDS);
    }

    @Override
    public void stop() {
        if (timer != null) {
            timer.shutdownNow();
        }
    }
}
