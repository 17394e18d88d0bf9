package io.channelhub.hub.persistence;

import static org.assertj.core.api.Assertions.assertThat;

import io.channelhub.hub.support.TestDatabase;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.jdbi.v3.core.Jdbi;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Replicas share a work table: each ready row is taken by exactly one of them while its lease runs, and by another
 * once a lease ran out (its replica died). Run on the billing events, the table that had no lease before.
 */
class WorkQueueTest {

    private static final Instant NOW = Instant.parse("2026-12-06T10:00:00Z");

    private static void event(Jdbi jdbi, String id, String status) {
        jdbi.useHandle(h -> h.createUpdate("INSERT INTO billing_events (id, tenant_id, gateway_id, external_id, "
                        + "payload, status, event_type, received_at) VALUES (:id, 'ten_a', 'gw_a', :id, '{}', :s, "
                        + "'payment', :at)").bind("id", id).bind("s", status).bind("at", NOW).execute());
    }

    private static WorkQueue billing(Jdbi jdbi) {
        return new WorkQueue(jdbi, "billing_events", "status IN ('pending', 'waiting')", "", "received_at");
    }

    @ParameterizedTest
    @EnumSource(TestDatabase.Kind.class)
    void fourReplicasRacingForTheSameRowsTakeEachOnce(TestDatabase.Kind kind) throws Exception {
        try (TestDatabase db = TestDatabase.create(kind)) {
            Jdbi jdbi = db.migratedJdbi();
            for (int i = 0; i < 60; i++) {
                event(jdbi, "bev_" + i, i % 3 == 0 ? "waiting" : "pending");
            }
            event(jdbi, "bev_done", "processed");
            Map<String, AtomicInteger> taken = new ConcurrentHashMap<>();
            ExecutorService replicas = Executors.newFixedThreadPool(4);
            CountDownLatch go = new CountDownLatch(1);
            for (int r = 0; r < 4; r++) {
                WorkQueue queue = billing(jdbi);
                replicas.submit(() -> {
                    go.await();
                    for (String id : queue.due(NOW, 200, String.class)) {
                        if (queue.claim(id, NOW, NOW.plusSeconds(60))) {
                            taken.computeIfAbsent(id, k -> new AtomicInteger()).incrementAndGet();
                        }
                    }
                    return null;
                });
            }
            go.countDown();
            replicas.shutdown();
            assertThat(replicas.awaitTermination(60, TimeUnit.SECONDS)).isTrue();
            assertThat(taken).hasSize(60).doesNotContainKey("bev_done");
            assertThat(taken.values()).allMatch(n -> n.get() == 1);
            // Leased: nothing is due while the leases run.
            assertThat(billing(jdbi).due(NOW.plusSeconds(30), 200, String.class)).isEmpty();
        }
    }

    @ParameterizedTest
    @EnumSource(TestDatabase.Kind.class)
    void aRowWhoseLeaseRanOutIsTakenOverOnce(TestDatabase.Kind kind) throws Exception {
        try (TestDatabase db = TestDatabase.create(kind)) {
            Jdbi jdbi = db.migratedJdbi();
            event(jdbi, "bev_1", "pending");
            WorkQueue queue = billing(jdbi);
            assertThat(queue.claim("bev_1", NOW, NOW.plus(Duration.ofMinutes(2)))).isTrue();
            assertThat(queue.claim("bev_1", NOW.plusSeconds(60), NOW.plusSeconds(180))).as("still leased").isFalse();
            // Its replica died: after the lease, one other replica takes it.
            Instant later = NOW.plus(Duration.ofMinutes(3));
            assertThat(queue.due(later, 10, String.class)).containsExactly("bev_1");
            assertThat(queue.claim("bev_1", later, later.plusSeconds(120))).isTrue();
            assertThat(queue.claim("bev_1", later, later.plusSeconds(120))).isFalse();
            // Done: never due again.
            jdbi.useHandle(h -> h.execute("UPDATE billing_events SET status = 'processed', locked_until = NULL"));
            assertThat(queue.due(later.plus(Duration.ofHours(1)), 10, String.class)).isEmpty();
            assertThat(queue.claim("bev_1", later.plus(Duration.ofHours(1)), later)).isFalse();
        }
    }
}
