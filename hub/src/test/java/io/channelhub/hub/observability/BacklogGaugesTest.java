package io.channelhub.hub.observability;

import static org.assertj.core.api.Assertions.assertThat;

import io.prometheus.metrics.expositionformats.PrometheusTextFormatWriter;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** The backlog gauges: rows waiting and the oldest one's age, one database read shared by both for 5 s. */
class BacklogGaugesTest {

    private static String scrape(PrometheusRegistry registry) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        PrometheusTextFormatWriter.create().write(out, registry.scrape());
        return out.toString(StandardCharsets.UTF_8);
    }

    @Test
    void reportRowsAndTheOldestAgeFromOneReadEveryFiveSeconds() throws IOException {
        PrometheusRegistry registry = new PrometheusRegistry();
        HubMetrics metrics = new HubMetrics(registry, () -> 0);
        var clock = new io.channelhub.hub.support.SettableClock(Instant.parse("2026-12-06T10:00:00Z"));
        // A clock that ticks in microseconds, like the hub's (its millis() would divide by zero).
        Clock ticking = Clock.tick(clock, Duration.ofNanos(1000));
        AtomicInteger reads = new AtomicInteger();
        metrics.backlog("channelhub_test_events", "Test events", () -> {
            reads.incrementAndGet();
            return new HubMetrics.Backlog(3, Instant.parse("2026-12-06T09:58:00Z"));
        }, ticking);

        String first = scrape(registry);
        assertThat(first).contains("channelhub_test_events_pending 3.0", "channelhub_test_events_oldest_pending_seconds 120.0");
        assertThat(reads).hasValue(1);

        clock.advance(Duration.ofSeconds(4));
        scrape(registry);
        assertThat(reads).hasValue(1);

        clock.advance(Duration.ofSeconds(2));
        assertThat(scrape(registry)).contains("channelhub_test_events_oldest_pending_seconds 126.0");
        assertThat(reads).hasValue(2);
    }

    @Test
    void nothingWaitingIsZeroAge() throws IOException {
        PrometheusRegistry registry = new PrometheusRegistry();
        new HubMetrics(registry, () -> 0).backlog("channelhub_idle", "Idle", () -> new HubMetrics.Backlog(0, null),
                Clock.systemUTC());
        assertThat(scrape(registry)).contains("channelhub_idle_pending 0.0", "channelhub_idle_oldest_pending_seconds 0.0");
    }
}
