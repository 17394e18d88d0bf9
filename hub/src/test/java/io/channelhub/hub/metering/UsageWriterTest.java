package io.channelhub.hub.metering;

import static org.assertj.core.api.Assertions.assertThat;

import io.channelhub.hub.support.TestDatabase;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import org.jdbi.v3.core.Jdbi;
import org.junit.jupiter.api.Test;

/**
 * The background writer's batches go to the database as multi-row INSERTs of at most
 * {@link UsageLedger#ROWS_PER_INSERT} rows: every spooled row lands once, with its own time, whatever the batch's
 * size, and a row already there (written before a crash) does not cost the others.
 */
class UsageWriterTest {

    private static UsageLedger ledger(Jdbi jdbi, Path spool, Clock clock) {
        UsageConfig config = new UsageConfig();
        config.setSpoolDirectory(spool.toString());
        return new UsageLedger(jdbi, clock, config);
    }

    private static UsageLedger.UsageEvent call(String tenant, int i) {
        return new UsageLedger.UsageEvent(tenant, "api.chat_completions", 1, "call", null, null, "agt_" + i % 3, null,
                "req:" + tenant + ":" + i);
    }

    @Test
    void aBatchLargerThanOneInsertLandsRowByRowOnceWithItsOwnTime() throws Exception {
        Jdbi jdbi = TestDatabase.create(TestDatabase.Kind.H2).migratedJdbi();
        Path dir = Files.createTempDirectory("usage-writer");
        Instant t0 = Instant.parse("2026-03-01T10:00:00Z");
        // A clock that moves a second each time it is read, so each row has a time of its own.
        java.util.concurrent.atomic.AtomicLong ticks = new java.util.concurrent.atomic.AtomicLong();
        Clock ticking = new Clock() {
            @Override
            public java.time.ZoneId getZone() {
                return ZoneOffset.UTC;
            }

            @Override
            public Clock withZone(java.time.ZoneId zone) {
                return this;
            }

            @Override
            public Instant instant() {
                return t0.plusSeconds(ticks.getAndIncrement());
            }
        };
        UsageLedger ledger = ledger(jdbi, dir, ticking);
        ledger.start();
        try {
            int n = 3 * UsageLedger.ROWS_PER_INSERT + 7;
            for (int i = 0; i < n; i++) {
                ledger.recordBatched(call(i % 2 == 0 ? "ten_even" : "ten_odd", i));
            }
            ledger.flush();
            assertThat(ledger.spooledRows()).isZero();
            long rows = jdbi.withHandle(h -> h.createQuery("SELECT COUNT(*) FROM usage_events WHERE usage_type = "
                    + "'api.chat_completions'").mapTo(Long.class).one());
            long keys = jdbi.withHandle(h -> h.createQuery("SELECT COUNT(DISTINCT idempotency_key) FROM usage_events")
                    .mapTo(Long.class).one());
            assertThat(rows).isEqualTo(n);
            assertThat(keys).isEqualTo(n);
            assertThat(ledger.total("ten_even", "api.chat_completions")).isEqualTo((n + 1) / 2L);
            List<Instant> times = jdbi.withHandle(h -> h.createQuery("SELECT occurred_at FROM usage_events ORDER BY "
                    + "occurred_at").mapTo(Instant.class).list());
            assertThat(times).doesNotHaveDuplicates().allMatch(t -> !t.isBefore(t0));
        } finally {
            ledger.stop();
        }
    }

    @Test
    void aRowWrittenBeforeACrashIsSkippedAndTheRestOfItsBatchLands() throws Exception {
        Jdbi jdbi = TestDatabase.create(TestDatabase.Kind.H2).migratedJdbi();
        Path dir = Files.createTempDirectory("usage-writer");
        UsageLedger ledger = ledger(jdbi, dir, Clock.systemUTC());
        ledger.start();
        try {
            int n = UsageLedger.ROWS_PER_INSERT + 20;
            // The row in the second INSERT's rows is already there, as a hub that crashed after committing it
            // leaves it.
            UsageLedger.UsageEvent already = call("ten_crash", UsageLedger.ROWS_PER_INSERT + 3);
            new UsageLedger(jdbi, Clock.systemUTC()).recordAll(List.of(already));
            for (int i = 0; i < n; i++) {
                ledger.recordBatched(call("ten_crash", i));
            }
            ledger.flush();
            assertThat(ledger.spooledRows()).isZero();
            assertThat(ledger.total("ten_crash", "api.chat_completions")).isEqualTo((long) n);
            for (UsageLedger.Loss reason : UsageLedger.Loss.values()) {
                assertThat(ledger.lostRows(reason)).as(reason.label()).isZero();
            }
        } finally {
            ledger.stop();
        }
    }
}
