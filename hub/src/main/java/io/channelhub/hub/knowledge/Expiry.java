package io.channelhub.hub.knowledge;

import io.dropwizard.lifecycle.Managed;
import java.time.Clock;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Deletes files past their {@code expires_after} (OpenAI's Files API lets an upload say when it goes), from every
 * store and index first, on one replica at a time or several: a file deleted twice is deleted once.
 */
public class Expiry implements Managed {

    private static final Logger LOG = LoggerFactory.getLogger(Expiry.class);

    private final Knowledge knowledge;
    private final Clock clock;
    private final long everyMillis;
    private ScheduledExecutorService timer;

    public Expiry(Knowledge knowledge, Clock clock, long everyMillis) {
        this.knowledge = knowledge;
        this.clock = clock;
        this.everyMillis = everyMillis;
    }

    @Override
    public void start() {
        timer = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "knowledge-expiry");
            t.setDaemon(true);
            return t;
        });
        timer.scheduleWithFixedDelay(() -> {
            try {
                run();
            } catch (RuntimeException e) {
                LOG.warn("Deleting expired files failed; trying again later", e);
            }
        }, everyMillis, everyMillis, TimeUnit.MILLISECONDS);
    }

    @Override
    public void stop() {
        if (timer != null) {
            timer.shutdownNow();
        }
    }

    /** Deletes what has expired now; returns how many files went. */
    public int run() {
        int n = 0;
        List<KnowledgeFile> due;
        do {
            due = knowledge.files().expired(clock.instant(), 100);
            due.forEach(knowledge::deleteFile);
            n += due.size();
        } while (due.size() == 100);
        if (n > 0) {
            LOG.info("Deleted {} expired knowledge file(s)", n);
        }
        return n;
    }
}
