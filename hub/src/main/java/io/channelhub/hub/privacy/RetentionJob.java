package io.channelhub.hub.privacy;

import java.util.List;
import org.jdbi.v3.core.Jdbi;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Applies every tenant's retention on a schedule (deleting in small batches; replicas may overlap safely). */
public class RetentionJob extends io.channelhub.hub.concurrency.PeriodicJob {

    private static final Logger LOG = LoggerFactory.getLogger(RetentionJob.class);

    private final Jdbi jdbi;
    private final Retention retention;

    public RetentionJob(Jdbi jdbi, Retention retention, long everyMillis) {
        super("retention", everyMillis);
        this.jdbi = jdbi;
        this.retention = retention;
    }

    @Override
    protected void runOnce() {
        runAll();
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
