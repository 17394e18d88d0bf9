package io.channelhub.hub.privacy;

import io.dropwizard.lifecycle.Managed;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.jdbi.v3.core.Jdbi;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Applies every tenant's retention on a schedule (deleting in small batches; replicas may overlap safely). */
public class RetentionJob implements Managed {

    private static final Logger LOG = LoggerFactory.getLogger(RetentionJob.class);

    private final Jdbi jdbi;
    private final Retention retention;
    private final long everyMillis;
    private ScheduledExecutorService timer;

    public RetentionJob(Jdbi jdbi, Retention retention, long everyMillis) {
        this.jdbi = jdbi;
        this.retention = retention;
        this.everyMillis = everyMillis;
    }

    @Override
    public void start() {
        timer = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "retention");
            t.setDaemon(true);
            return t;
        });
        timer.scheduleWithFixedDelay(this::runAll, everyMillis, everyMillis, TimeUnit.MILLISECONDS);
    }

    @Override
    public void stop() {
        if (timer != null) {
            timer.shutdownNow();
        }
    }

    void runAll() {
        List<String> tenants = jdbi.withHandle(h -> h.createQuery("SELECT id FROM tenants ORDER BY id")
                .mapTo(String.class).list());
        for (String t : tenants) {
            try {
                retention.run(t, false);
            } catch (RuntimeException e) {
                LOG.warn("Retention of tenant {} failed", t, e);
            }
        }
    }
}
