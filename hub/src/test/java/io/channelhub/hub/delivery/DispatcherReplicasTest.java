package io.channelhub.hub.delivery;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.channelhub.hub.support.TestDatabase;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.jdbi.v3.core.Jdbi;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Two dispatchers (two hub replicas) share one outbox table: every row is delivered exactly once, and a failing
 * row is retried and then dead-lettered once.
 */
class DispatcherReplicasTest {

    private static final io.channelhub.hub.observability.HubMetrics METRICS =
            new io.channelhub.hub.observability.HubMetrics(new io.prometheus.metrics.model.registry.PrometheusRegistry(),
                    () -> 0);
    private static final io.channelhub.hub.observability.Tracing TRACING =
            new io.channelhub.hub.observability.Tracing(new io.channelhub.hub.observability.Tracing.Factory());

    private static Jdbi jdbi(TestDatabase db) throws Exception {
        return db.migratedJdbi();
    }

    private static DeliveryConfig fast() {
        DeliveryConfig f = new DeliveryConfig();
        f.setMaxAttempts(3);
        f.setInitialBackoff(io.dropwizard.util.Duration.milliseconds(20));
        f.setMaxBackoff(io.dropwizard.util.Duration.milliseconds(50));
        f.setPollInterval(io.dropwizard.util.Duration.milliseconds(20));
        f.setWorkers(4);
        return f;
    }

    @ParameterizedTest
    @EnumSource(TestDatabase.Kind.class)
    void twoReplicasDeliverEachRowOnce(TestDatabase.Kind kind) throws Exception {
        try (TestDatabase db = TestDatabase.create(kind)) {
            Jdbi jdbi = jdbi(db);
            Outbox outbox = new Outbox(jdbi);
            Map<String, AtomicInteger> seen = new ConcurrentHashMap<>();
            AtomicInteger deadCalls = new AtomicInteger();
            Deliverer counting = new Deliverer() {
                @Override
                public Outcome deliver(OutboxItem item) {
                    seen.computeIfAbsent(item.eventId(), k -> new AtomicInteger()).incrementAndGet();
                    return item.eventId().equals("evt_bad") ? new Outcome.Retry(500, "HTTP 500", null)
                            : new Outcome.Delivered(200);
                }

                @Override
                public void dead(OutboxItem item) {
                    deadCalls.incrementAndGet();
                }
            };
            int rows = 200;
            Instant now = Instant.now();
            jdbi.useTransaction(h -> {
                for (int i = 0; i < rows; i++) {
                    outbox.insert(h, "ten_1", "test", "target", "evt_" + i, "test.event", "{}", now);
                }
                outbox.insert(h, "ten_1", "test", "target", "evt_bad", "test.event", "{}", now);
            });
            Dispatcher a = new Dispatcher(outbox, Map.of("test", counting), fast(), Clock.systemUTC(), METRICS, TRACING, new io.channelhub.hub.delivery.WorkSignal(), io.channelhub.hub.concurrency.CpuShare.unlimited());
            Dispatcher b = new Dispatcher(outbox, Map.of("test", counting), fast(), Clock.systemUTC(), METRICS, TRACING, new io.channelhub.hub.delivery.WorkSignal(), io.channelhub.hub.concurrency.CpuShare.unlimited());
            a.start();
            b.start();
            try {
                await().atMost(Duration.ofSeconds(30)).until(() -> outbox.pending() == 0);
            } finally {
                a.stop();
                b.stop();
            }
            for (int i = 0; i < rows; i++) {
                assertThat(seen.get("evt_" + i)).as("evt_" + i).hasValue(1);
            }
            assertThat(seen.get("evt_bad")).hasValue(3);
            // The row is dead (nothing pending) a moment before the dead-letter callback has run.
            await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> assertThat(deadCalls).hasValue(1));
            long delivered = jdbi.withHandle(h -> h.createQuery("SELECT COUNT(*) FROM outbox WHERE status = "
                    + "'delivered'").mapTo(Long.class).one());
            assertThat(delivered).isEqualTo(rows);
            long attempts = jdbi.withHandle(h -> h.createQuery("SELECT COUNT(*) FROM delivery_attempts")
                    .mapTo(Long.class).one());
            assertThat(attempts).isEqualTo(rows + 3);
        }
    }

    @ParameterizedTest
    @EnumSource(TestDatabase.Kind.class)
    void aRowAnOperatorChangedDuringItsAttemptKeepsTheOperatorsState(TestDatabase.Kind kind) throws Exception {
        try (TestDatabase db = TestDatabase.create(kind)) {
            Jdbi jdbi = jdbi(db);
            Outbox outbox = new Outbox(jdbi);
            Instant now = Instant.now();
            long id = jdbi.inTransaction(h -> outbox.insert(h, "ten_1", "test", "target", "evt_1", "test.event", "{}",
                    now));
            OutboxItem item = outbox.claim(id, now.plusSeconds(1), now.plusSeconds(60)).orElseThrow();
            // Given up by an operator while the attempt is on the wire.
            jdbi.useHandle(h -> h.createUpdate("UPDATE outbox SET status = 'dead' WHERE id = :id").bind("id", id)
                    .execute());
            outbox.failed(item, 500, "HTTP 500", now, now.plusSeconds(30), 5);
            outbox.delivered(item, 200, now, 5);
            outbox.deferred(item, "later", now.plusSeconds(30));
            String status = jdbi.withHandle(h -> h.createQuery("SELECT status FROM outbox WHERE id = :id")
                    .bind("id", id).mapTo(String.class).one());
            assertThat(status).isEqualTo("dead");
            // The attempts happened, and are on record.
            long attempts = jdbi.withHandle(h -> h.createQuery("SELECT COUNT(*) FROM delivery_attempts WHERE "
                    + "outbox_id = :id").bind("id", id).mapTo(Long.class).one());
            assertThat(attempts).isEqualTo(2);
        }
    }

    @ParameterizedTest
    @EnumSource(TestDatabase.Kind.class)
    void aDeferredRowComesBackWithoutSpendingAnAttempt(TestDatabase.Kind kind) throws Exception {
        try (TestDatabase db = TestDatabase.create(kind)) {
            Jdbi jdbi = jdbi(db);
            Outbox outbox = new Outbox(jdbi);
            AtomicInteger calls = new AtomicInteger();
            // Deferred more times than maxAttempts (3) allows retries, then delivered: waiting is not failing.
            Deliverer waiting = item -> calls.incrementAndGet() <= 5
                    ? new Deliverer.Outcome.Deferred("paced", Duration.ofMillis(10))
                    : new Deliverer.Outcome.Delivered(200);
            jdbi.useTransaction(h -> outbox.insert(h, "ten_1", "test", "target", "evt_wait", "test.event", "{}",
                    Instant.now()));
            Dispatcher d = new Dispatcher(outbox, Map.of("test", waiting), fast(), Clock.systemUTC(), METRICS, TRACING, new io.channelhub.hub.delivery.WorkSignal(), io.channelhub.hub.concurrency.CpuShare.unlimited());
            d.start();
            try {
                await().atMost(Duration.ofSeconds(30)).until(() -> outbox.pending() == 0);
            } finally {
                d.stop();
            }
            assertThat(calls).hasValue(6);
            String status = jdbi.withHandle(h -> h.createQuery("SELECT status FROM outbox WHERE event_id = "
                    + "'evt_wait'").mapTo(String.class).one());
            assertThat(status).isEqualTo("delivered");
            long attempts = jdbi.withHandle(h -> h.createQuery("SELECT COUNT(*) FROM delivery_attempts")
                    .mapTo(Long.class).one());
            assertThat(attempts).as("only the delivery is an attempt").isEqualTo(1);
        }
    }
}
