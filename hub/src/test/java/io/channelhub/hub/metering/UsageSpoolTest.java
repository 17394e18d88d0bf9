package io.channelhub.hub.metering;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The spool's files: rows read back as written, held segments left alone, released ones adopted. */
class UsageSpoolTest {

    @TempDir
    Path dir;

    private static UsageLedger.UsageEvent event(int i) {
        return new UsageLedger.UsageEvent("ten_1", "api.requests", 1, "request", null, null, null, null, "req:" + i);
    }

    @Test
    void readsBackWhatWasAppendedAndSkipsALineCutShort() throws Exception {
        UsageSpool spool = new UsageSpool(dir, Duration.ofSeconds(1));
        Instant at = Instant.parse("2026-01-02T03:04:05.123456Z");
        for (int i = 0; i < 3; i++) {
            spool.append(event(i), at);
        }
        UsageSpool.Segment s = spool.seal();
        // What a crash of the machine in the middle of a write leaves.
        s.channel.write(ByteBuffer.wrap("{\"t\":\"ten_1\",\"ty".getBytes(StandardCharsets.UTF_8)), s.size);
        var rows = spool.read(s);
        assertThat(rows).hasSize(3);
        assertThat(spool.corruptLines()).as("the cut line is counted").isEqualTo(1);
        assertThat(rows.get(2).event()).isEqualTo(event(2));
        assertThat(rows.get(0).instant()).isEqualTo(at);
        assertThat(spool.currentRows()).isZero();
        spool.delete(s);
        assertThat(Files.exists(s.path)).isFalse();
        spool.close();
    }

    @Test
    void rowsAppendedFromManyThreadsAtOnceAreEachWrittenOnceAndAnAppendAfterCloseIsRefused() throws Exception {
        UsageSpool spool = new UsageSpool(dir, Duration.ofSeconds(1));
        Instant at = Instant.parse("2026-01-02T03:04:05Z");
        int threads = 16;
        int each = 300;
        java.util.concurrent.ExecutorService pool = java.util.concurrent.Executors.newFixedThreadPool(threads);
        try {
            java.util.List<java.util.concurrent.Future<?>> done = new java.util.ArrayList<>();
            for (int t = 0; t < threads; t++) {
                int base = t * each;
                done.add(pool.submit(() -> {
                    for (int i = 0; i < each; i++) {
                        // Every append returns with its row in the file: the count can never run behind it.
                        spool.append(event(base + i), at);
                    }
                    return null;
                }));
            }
            for (var f : done) {
                f.get(30, java.util.concurrent.TimeUnit.SECONDS);
            }
        } finally {
            pool.shutdownNow();
        }
        spool.appendAll(java.util.List.of(event(-1), event(-2)), at);
        assertThat(spool.currentRows()).isEqualTo(threads * each + 2);
        UsageSpool.Segment s = spool.seal();
        var keys = spool.read(s).stream().map(UsageSpool.Row::k).toList();
        assertThat(keys).hasSize(threads * each + 2).doesNotHaveDuplicates().contains("req:0", "req:4799", "req:-2");
        assertThat(spool.corruptLines()).isZero();
        spool.delete(s);
        spool.close();
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> spool.append(event(1), at))
                .isInstanceOf(java.io.IOException.class).hasMessageContaining("closed");
    }

    @Test
    void appendsRacingTheCloseAreEachWrittenOrRefusedNoneLeftWaiting() throws Exception {
        UsageSpool spool = new UsageSpool(dir, Duration.ofSeconds(1));
        Instant at = Instant.parse("2026-01-02T03:04:05Z");
        java.util.concurrent.atomic.AtomicInteger written = new java.util.concurrent.atomic.AtomicInteger();
        java.util.concurrent.atomic.AtomicInteger refused = new java.util.concurrent.atomic.AtomicInteger();
        java.util.concurrent.ExecutorService pool = java.util.concurrent.Executors.newFixedThreadPool(8);
        java.util.concurrent.CountDownLatch running = new java.util.concurrent.CountDownLatch(8);
        try {
            java.util.List<java.util.concurrent.Future<?>> done = new java.util.ArrayList<>();
            for (int t = 0; t < 8; t++) {
                int base = t * 1_000_000;
                done.add(pool.submit(() -> {
                    running.countDown();
                    for (int i = 0; ; i++) {
                        try {
                            spool.append(event(base + i), at);
                            written.incrementAndGet();
                        } catch (java.io.IOException closed) {
                            refused.incrementAndGet();
                            return null;
                        }
                    }
                }));
            }
            running.await(10, java.util.concurrent.TimeUnit.SECONDS);
            Thread.sleep(50);
            spool.close();
            for (var f : done) {
                // Every appender got an answer: none waits for a thread that has stopped.
                f.get(10, java.util.concurrent.TimeUnit.SECONDS);
            }
        } finally {
            pool.shutdownNow();
        }
        assertThat(refused.get()).isEqualTo(8);
        // What was written is left for the next start, each row once.
        UsageSpool next = new UsageSpool(dir, Duration.ofSeconds(1));
        long rows = 0;
        for (UsageSpool.Segment s : next.adoptOrphans()) {
            var keys = next.read(s).stream().map(UsageSpool.Row::k).toList();
            assertThat(keys).doesNotHaveDuplicates();
            rows += keys.size();
        }
        assertThat(rows).isEqualTo(written.get());
        next.close();
    }

    @Test
    void anotherSpoolAdoptsOnlySegmentsNoLiveSpoolHolds() throws Exception {
        UsageSpool live = new UsageSpool(dir, Duration.ZERO);
        live.append(event(1), Instant.now());
        UsageSpool other = new UsageSpool(dir, Duration.ZERO);
        assertThat(other.adoptOrphans()).isEmpty();

        // The live spool stops with a row it could not write: the segment stays, unlocked, for the next one.
        live.close();
        var adopted = other.adoptOrphans();
        assertThat(adopted).hasSize(1);
        assertThat(other.read(adopted.get(0))).extracting(UsageSpool.Row::k).containsExactly("req:1");
        other.delete(adopted.get(0));
        other.close();
        try (var files = Files.list(dir)) {
            assertThat(files.filter(f -> f.toString().endsWith(".spool"))).isEmpty();
        }
    }

    @Test
    void aLargeSegmentIsStreamedInGroupsAndAReaderResumesWhereTheLastGroupEnded() throws Exception {
        UsageSpool spool = new UsageSpool(dir, Duration.ofSeconds(1));
        Instant at = Instant.parse("2026-01-02T03:04:05Z");
        int n = 5_000; // several chunks of the reader's buffer
        for (int i = 0; i < n; i++) {
            spool.append(event(i), at);
        }
        UsageSpool.Segment s = spool.seal();
        assertThat(s.size).isGreaterThan(3L * UsageSpool.CHUNK);
        assertThat(spool.countRows(s)).isEqualTo(n);
        UsageSpool.Reader r = spool.reader(s, 0);
        var first = r.next(700);
        assertThat(first).hasSize(700);
        assertThat(first.get(699).k()).isEqualTo("req:699");
        // A writer that committed the first group and stopped goes on from its offset, without a row twice.
        UsageSpool.Reader again = spool.reader(s, r.offset());
        java.util.List<String> rest = new java.util.ArrayList<>();
        for (var rows = again.next(700); !rows.isEmpty(); rows = again.next(700)) {
            rows.forEach(row -> rest.add(row.k()));
        }
        assertThat(rest).hasSize(n - 700);
        assertThat(rest.get(0)).isEqualTo("req:700");
        assertThat(rest.get(rest.size() - 1)).isEqualTo("req:" + (n - 1));
        assertThat(again.offset()).isEqualTo(s.size);
        assertThat(spool.corruptLines()).isZero();
        spool.delete(s);
        spool.close();
    }

    @Test
    void aLineLongerThanAnyRowIsSkippedAndTheRowsAfterItAreRead() throws Exception {
        UsageSpool spool = new UsageSpool(dir, Duration.ofSeconds(1));
        Instant at = Instant.now();
        spool.append(event(1), at);
        UsageSpool.Segment s = spool.seal();
        byte[] garbage = new byte[3 * UsageSpool.CHUNK + 17];
        java.util.Arrays.fill(garbage, (byte) 'x');
        garbage[garbage.length - 1] = '\n';
        s.size += s.channel.write(ByteBuffer.wrap(garbage), s.size);
        s.size += s.channel.write(ByteBuffer.wrap("{not json}\n".getBytes(StandardCharsets.UTF_8)), s.size);
        UsageSpool other = new UsageSpool(dir.resolve("x"), Duration.ofSeconds(1));
        other.append(event(2), at);
        UsageSpool.Segment o = other.seal();
        byte[] row2 = new byte[(int) o.size];
        o.channel.read(ByteBuffer.wrap(row2), 0);
        s.size += s.channel.write(ByteBuffer.wrap(row2), s.size);
        assertThat(spool.read(s)).extracting(UsageSpool.Row::k).containsExactly("req:1", "req:2");
        assertThat(spool.corruptLines()).isEqualTo(2);
        spool.delete(s);
        other.delete(o);
        spool.close();
        other.close();
    }
}
