package io.channelhub.plugins.knowledge;

import static io.channelhub.plugins.knowledge.Fixtures.axis;
import static io.channelhub.plugins.knowledge.Fixtures.chunk;
import static io.channelhub.plugins.knowledge.Fixtures.file;
import static io.channelhub.plugins.knowledge.Fixtures.hybrid;
import static io.channelhub.plugins.knowledge.Fixtures.keyword;
import static org.assertj.core.api.Assertions.assertThat;

import io.channelhub.plugin.knowledge.IndexHit;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** An index left alone is merged into one segment, and searches find the same passages afterwards. */
class CompactionTest {

    @TempDir
    Path dir;

    private static int segments(TenantIndexes indexes, String tenant) throws Exception {
        return indexes.find(tenant).search(s -> s.getIndexReader().leaves().size());
    }

    private static void awaitOneSegment(TenantIndexes indexes, String tenant) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (segments(indexes, tenant) > 1 && System.nanoTime() < deadline) {
            Thread.sleep(50);
        }
        assertThat(segments(indexes, tenant)).isEqualTo(1);
    }

    @Test
    void anIdleIndexBecomesOneSegmentAndAnswersAsBefore() throws Exception {
        TenantIndexes indexes = new TenantIndexes(Files.createDirectories(dir.resolve("lucene")),
                Duration.ofMillis(300));
        try {
            LuceneIndex index = new LuceneIndex(() -> indexes);
            for (int i = 0; i < 4; i++) {
                index.put(file("ten_1", "vs_1", "file_" + i, chunk(0, "passage " + i + " about delivery fees",
                        axis(i)), chunk(1, "passage " + i + " about returns", axis(i + 1))));
            }
            assertThat(segments(indexes, "ten_1")).isEqualTo(4);
            List<IndexHit> before = index.search(hybrid("ten_1", "vs_1", "delivery fees", axis(2), 8));

            awaitOneSegment(indexes, "ten_1");
            assertThat(index.search(hybrid("ten_1", "vs_1", "delivery fees", axis(2), 8)))
                    .containsExactlyElementsOf(before);

            // A write starts the wait again: the new file is a segment of its own until the index is idle again.
            index.put(file("ten_1", "vs_1", "file_new", chunk(0, "opening hours on Sundays", axis(5))));
            assertThat(segments(indexes, "ten_1")).isEqualTo(2);
            assertThat(index.search(keyword("ten_1", "vs_1", "opening hours"))).hasSize(1);
            awaitOneSegment(indexes, "ten_1");
        } finally {
            indexes.close();
        }
    }

    @Test
    void anIndexKeptBusyIsNotMerged() throws Exception {
        TenantIndexes indexes = new TenantIndexes(Files.createDirectories(dir.resolve("busy")),
                Duration.ofSeconds(30));
        try {
            LuceneIndex index = new LuceneIndex(() -> indexes);
            for (int i = 0; i < 3; i++) {
                index.put(file("ten_1", "vs_1", "file_" + i, chunk(0, "passage " + i, axis(i))));
            }
            indexes.compactIdle();
            assertThat(segments(indexes, "ten_1")).isEqualTo(3);
        } finally {
            indexes.close();
        }
    }
}
