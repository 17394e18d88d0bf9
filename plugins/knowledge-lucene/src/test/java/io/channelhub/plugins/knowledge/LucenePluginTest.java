package io.channelhub.plugins.knowledge;

import static io.channelhub.plugins.knowledge.Fixtures.axis;
import static io.channelhub.plugins.knowledge.Fixtures.chunk;
import static io.channelhub.plugins.knowledge.Fixtures.file;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.PosixFilePermissions;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class LucenePluginTest {

    private final LucenePlugin plugin = new LucenePlugin();

    @AfterEach
    void stop() {
        plugin.stop();
    }

    @Test
    void startMakesAPrivateDirectoryAndStopDeletesIt() throws Exception {
        LuceneIndex index = new LuceneIndex();
        plugin.start();
        Path root = LucenePlugin.running().root();
        assertThat(root).isDirectory();
        assertThat(root.getFileName().toString()).startsWith("channelhub-lucene");
        if (Files.getFileAttributeView(root, PosixFileAttributeView.class) != null) {
            assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(root))).isEqualTo("rwx------");
        }

        index.put(file("ten_1", "vs_1", "file_1", chunk(0, "opening hours", axis(0))));
        assertThat(index.search(Fixtures.keyword("ten_1", "vs_1", "hours"))).hasSize(1);

        plugin.stop();
        assertThat(root).doesNotExist();
        assertThatThrownBy(() -> index.search(Fixtures.keyword("ten_1", "vs_1", "hours")))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("not started");
    }

    @Test
    void aRestartedPluginStartsEmpty() {
        LuceneIndex index = new LuceneIndex();
        plugin.start();
        index.put(file("ten_1", "vs_1", "file_1", chunk(0, "opening hours", axis(0))));
        plugin.stop();
        plugin.start();

        assertThat(index.search(Fixtures.keyword("ten_1", "vs_1", "hours"))).isEmpty();
    }

    @Test
    void stoppingTwiceOrUnstartedIsHarmless() {
        plugin.stop();
        plugin.start();
        plugin.stop();
        plugin.stop();
    }
}
