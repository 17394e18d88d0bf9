package io.channelhub.plugins.knowledge;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicReference;
import org.pf4j.Plugin;
import org.pf4j.PluginRuntimeException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The knowledge-lucene plugin: {@link LuceneIndex}, the hub's knowledge index on Apache Lucene. Its indexes live in
 * a temporary directory made at start and deleted at stop; the hub feeds them again from its database.
 */
public class LucenePlugin extends Plugin {

    private static final Logger LOG = LoggerFactory.getLogger(LucenePlugin.class);

    // pf4j makes extensions with a no-argument constructor and gives them no handle on their plugin. The plugin's
    // own class loader makes this field private to one load of the plugin.
    private static final AtomicReference<TenantIndexes> RUNNING = new AtomicReference<>();

    /** The indexes of the started plugin. */
    static TenantIndexes running() {
        TenantIndexes indexes = RUNNING.get();
        if (indexes == null) {
            throw new IllegalStateException("the knowledge-lucene plugin is not started");
        }
        return indexes;
    }

    @Override
    public void start() {
        Path root;
        try {
            // Owner-only permissions on POSIX: chunks of every tenant end up in here.
            root = Files.createTempDirectory("channelhub-lucene");
        } catch (IOException e) {
            throw new PluginRuntimeException(e, "cannot create the knowledge index directory");
        }
        TenantIndexes previous = RUNNING.getAndSet(new TenantIndexes(root));
        if (previous != null) {
            previous.close();
        }
        LOG.info("Knowledge indexes in {}", root);
    }

    @Override
    public void stop() {
        TenantIndexes indexes = RUNNING.getAndSet(null);
        if (indexes != null) {
            indexes.close();
            LOG.info("Knowledge indexes in {} deleted", indexes.root());
        }
    }
}
