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
        assertThat(rows.get(2).event()).isEqualTo(event(2));
        assertThat(rows.get(0).instant()).isEqualTo(at);
        assertThat(spool.currentRows()).isZero();
        spool.delete(s);
        assertThat(Files.exists(s.path)).isFalse();
        spool.close();
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
}
