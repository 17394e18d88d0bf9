package io.channelhub.hub.support;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.TestInstance;

/**
 * Base of the integration contracts: one real hub per test class, with the test channel plugin, on the database
 * the concrete class names. Each contract has an H2 and a MariaDB subclass, so both engines run every case.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
public abstract class HubIntegrationTest {

    protected TestHub hub;
    protected Path pluginsDir;

    protected abstract TestDatabase.Kind database();

    protected io.dropwizard.testing.ConfigOverride[] overrides() {
        return new io.dropwizard.testing.ConfigOverride[0];
    }

    @BeforeAll
    void startHub() {
        try {
            pluginsDir = Files.createTempDirectory("plugins");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        TestPlugins.testChannel(pluginsDir);
        morePlugins(pluginsDir);
        hub = TestHub.start(TestDatabase.create(database()), pluginsDir, overrides());
    }

    @AfterAll
    void stopHub() {
        if (hub != null) {
            hub.close();
        }
    }

    /** Puts further plugin jars into the hub's plugins directory before it starts. */
    protected void morePlugins(Path dir) {
    }

    /** A slug unique across the runs of this class. */
    protected static String slug(String base) {
        return base + "-" + Long.toString(System.nanoTime() % 1_000_000_000L, 36);
    }
}
