package io.channelhub.plugins.knowledge;

import static io.channelhub.plugins.knowledge.Fixtures.axis;
import static io.channelhub.plugins.knowledge.Fixtures.chunk;
import static io.channelhub.plugins.knowledge.Fixtures.file;
import static org.assertj.core.api.Assertions.assertThat;

import io.channelhub.plugin.knowledge.IndexHit;
import io.channelhub.plugin.knowledge.IndexQuery;
import io.channelhub.plugin.knowledge.IndexScope;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Puts, removes and searches from many threads at once: nothing throws, no tenant sees another's chunks. */
class ConcurrencyTest {

    static final int WRITERS = 4;
    static final int FILES_PER_WRITER = 25;
    static final int SEARCHERS = 4;
    static final int SEARCHES_EACH = 60;

    @TempDir
    Path dir;

    @Test
    void concurrentPutsRemovesAndSearches() throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(WRITERS + SEARCHERS + 3);
        try (Fixtures fx = new Fixtures(dir)) {
            LuceneIndex index = fx.index;
            CountDownLatch start = new CountDownLatch(1);
            AtomicInteger searched = new AtomicInteger();
            List<Callable<Void>> tasks = new ArrayList<>();
            for (int w = 0; w < WRITERS; w++) {
                int writer = w;
                tasks.add(() -> {
                    start.await();
                    String tenant = "ten_" + writer % 2;
                    for (int f = 0; f < FILES_PER_WRITER; f++) {
                        index.put(file(tenant, "vs_1", tenant + "-w" + writer + "-f" + f,
                                chunk(0, "common words " + f, axis(f % 8)),
                                chunk(1, "more common words", axis((f + 1) % 8))));
                    }
                    return null;
                });
            }
            // The same file again and again: still one copy at the end.
            tasks.add(() -> {
                start.await();
                for (int i = 0; i < 20; i++) {
                    index.put(file("ten_0", "vs_1", "ten_0-shared", chunk(0, "common shared", axis(0)),
                            chunk(1, "common shared", axis(1))));
                }
                return null;
            });
            // A file that comes and goes, gone at the end.
            tasks.add(() -> {
                start.await();
                for (int i = 0; i < 20; i++) {
                    index.put(file("ten_1", "vs_1", "ten_1-churn", chunk(0, "common churn", axis(2))));
                    index.remove(IndexScope.file("ten_1", "vs_1", "ten_1-churn"));
                }
                return null;
            });
            // A tenant made and removed under the searchers' feet.
            tasks.add(() -> {
                start.await();
                for (int i = 0; i < 20; i++) {
                    index.put(file("ten_2", "vs_1", "ten_2-gone", chunk(0, "common words", axis(3))));
                    index.remove(IndexScope.tenant("ten_2"));
                }
                return null;
            });
            for (int s = 0; s < SEARCHERS; s++) {
                int searcher = s;
                tasks.add(() -> {
                    start.await();
                    for (int i = 0; i < SEARCHES_EACH; i++) {
                        String tenant = "ten_" + (searcher + i) % 3;
                        IndexQuery.Mode mode = IndexQuery.Mode.values()[i % 3];
                        List<IndexHit> hits = index.search(new IndexQuery(tenant, List.of("vs_1"), "common words",
                                mode == IndexQuery.Mode.KEYWORD ? null : axis(i % 8), Fixtures.MODEL, 10, null, mode));
                        assertThat(hits).hasSizeLessThanOrEqualTo(10)
                                .allSatisfy(h -> assertThat(h.fileId()).startsWith(tenant + "-"));
                        searched.incrementAndGet();
                    }
                    return null;
                });
            }
            List<Future<Void>> done = new ArrayList<>();
            for (Callable<Void> task : tasks) {
                done.add(pool.submit(task));
            }
            start.countDown();
            for (Future<Void> f : done) {
                f.get(2, TimeUnit.MINUTES); // rethrows any failure of a task
            }

            assertThat(searched).hasValue(SEARCHERS * SEARCHES_EACH);
            int perTenant = WRITERS / 2 * FILES_PER_WRITER * 2;
            assertThat(index.search(Fixtures.keyword("ten_0", List.of("vs_1"), "common", 10_000, null)))
                    .hasSize(perTenant + 2);
            assertThat(index.search(Fixtures.keyword("ten_1", List.of("vs_1"), "common", 10_000, null)))
                    .hasSize(perTenant);
            assertThat(index.search(Fixtures.vector("ten_1", "vs_1", axis(0), 10_000))).hasSize(perTenant);
            assertThat(index.search(Fixtures.keyword("ten_2", List.of("vs_1"), "common", 10, null))).isEmpty();
            assertThat(fx.directories()).isEqualTo(2);
        } finally {
            pool.shutdownNow();
        }
    }
}
