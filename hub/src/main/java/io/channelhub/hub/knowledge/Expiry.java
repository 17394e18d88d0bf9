package io.channelhub.hub.knowledge;

import java.time.Clock;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Deletes files past their {@code expires_after} (OpenAI's Files API lets an upload say when it goes), from every
 * store and index first, on one replica at a time or several: a file deleted twice is deleted once.
 */
public class Expiry extends io.channelhub.hub.concurrency.PeriodicJob {

    private static final Logger LOG = LoggerFactory.getLogger(Expiry.class);

    private final Knowledge knowledge;
    private final Clock clock;

    public Expiry(Knowledge knowledge, Clock clock, long everyMillis) {
        super("knowledge-expiry", everyMillis);
        this.knowledge = knowledge;
        this.clock = clock;
    }

    @Override
    protected void runOnce() {
        run();
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
