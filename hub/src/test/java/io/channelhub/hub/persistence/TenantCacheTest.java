package io.channelhub.hub.persistence;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/** A tenant's cached configuration rows: evicted by its own changes, the tenant's deletion, and other replicas. */
class TenantCacheTest {

    private final AtomicLong nanos = new AtomicLong(1);

    @Test
    void aChangeOfTheTenantIsReadAgainHereAndOnOtherReplicas() {
        ChangeBus a = new ChangeBus();
        ChangeBus b = new ChangeBus();
        a.publishTo(m -> {
            a.receive(m);
            b.receive(m);
        });
        TenantCache<String, List<String>> here = new TenantCache<>("quotas", t -> t, a, Duration.ofMinutes(10),
                nanos::get);
        TenantCache<String, List<String>> there = new TenantCache<>("quotas", t -> t, b, Duration.ofMinutes(10),
                nanos::get);
        AtomicReference<List<String>> rows = new AtomicReference<>(List.of());
        here.get("ten_1", t -> rows.get());
        there.get("ten_1", t -> rows.get());
        rows.set(List.of("quo_1"));
        here.changed("ten_1");
        assertThat(here.get("ten_1", t -> rows.get())).containsExactly("quo_1");
        assertThat(there.get("ten_1", t -> rows.get())).containsExactly("quo_1");
    }

    @Test
    void otherTenantsStayCachedAndATenantDeletionEvicts() {
        ChangeBus bus = new ChangeBus();
        TenantCache<String, String> cache = new TenantCache<>("providers", k -> k.substring(0, k.indexOf('|')), bus,
                Duration.ofMinutes(10), nanos::get);
        AtomicReference<String> value = new AtomicReference<>("v1");
        cache.get("ten_1|openai", k -> value.get());
        cache.get("ten_2|openai", k -> value.get());
        value.set("v2");
        cache.changed("ten_1");
        assertThat(cache.get("ten_1|openai", k -> value.get())).isEqualTo("v2");
        assertThat(cache.get("ten_2|openai", k -> value.get())).isEqualTo("v1");
        // A deleted tenant is announced as t:<id> (by the credential cache); its rows go too.
        bus.receive("t:ten_2");
        assertThat(cache.get("ten_2|openai", k -> value.get())).isEqualTo("v2");
    }

    @Test
    void expiresAfterItsTimeToLive() {
        TenantCache<String, String> cache = new TenantCache<>("webhooks", t -> t, new ChangeBus(),
                Duration.ofSeconds(30), nanos::get);
        AtomicReference<String> value = new AtomicReference<>("v1");
        cache.get("ten_1", k -> value.get());
        value.set("v2");
        assertThat(cache.get("ten_1", k -> value.get())).isEqualTo("v1");
        nanos.addAndGet(Duration.ofSeconds(31).toNanos());
        assertThat(cache.get("ten_1", k -> value.get())).isEqualTo("v2");
    }

    @Test
    void callersThatMissTheSameKeyAtOnceShareOneLoad() throws Exception {
        TenantCache<String, String> cache = new TenantCache<>("webhooks", t -> t, new ChangeBus(),
                Duration.ofMinutes(10), nanos::get);
        AtomicInteger loads = new AtomicInteger();
        CountDownLatch release = new CountDownLatch(1);
        ExecutorService callers = Executors.newFixedThreadPool(8);
        try {
            List<Future<String>> got = new ArrayList<>();
            for (int i = 0; i < 8; i++) {
                got.add(callers.submit(() -> cache.get("ten_1", t -> {
                    loads.incrementAndGet();
                    await(release);
                    return "rows";
                })));
            }
            Thread.sleep(300);
            release.countDown();
            for (Future<String> f : got) {
                assertThat(f.get(10, TimeUnit.SECONDS)).isEqualTo("rows");
            }
        } finally {
            callers.shutdownNow();
        }
        assertThat(loads.get()).isEqualTo(1);
    }

    @Test
    void aCallerAfterAChangeDoesNotShareALoadStartedBeforeIt() throws Exception {
        TenantCache<String, String> cache = new TenantCache<>("quotas", t -> t, new ChangeBus(),
                Duration.ofMinutes(10), nanos::get);
        CountDownLatch loading = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        ExecutorService first = Executors.newSingleThreadExecutor();
        try {
            Future<String> old = first.submit(() -> cache.get("ten_1", t -> {
                loading.countDown();
                await(release);
                return "before the change";
            }));
            assertThat(loading.await(10, TimeUnit.SECONDS)).isTrue();
            cache.changed("ten_1");
            assertThat(cache.get("ten_1", t -> "after the change")).isEqualTo("after the change");
            release.countDown();
            assertThat(old.get(10, TimeUnit.SECONDS)).isEqualTo("before the change");
        } finally {
            first.shutdownNow();
        }
        // The load that raced the change is not kept (the key is read again when next asked for).
        assertThat(cache.get("ten_1", t -> "read again")).isNotEqualTo("before the change");
    }

    @Test
    void aCallerWaitingForALoadThatFailsLoadsItselfAndTheFailureStaysWithItsLoader() throws Exception {
        TenantCache<String, String> cache = new TenantCache<>("webhooks", t -> t, new ChangeBus(),
                Duration.ofMinutes(10), nanos::get);
        CountDownLatch loading = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        ExecutorService threads = Executors.newFixedThreadPool(2);
        try {
            Future<String> failing = threads.submit(() -> cache.get("ten_1", t -> {
                loading.countDown();
                await(release);
                throw new IllegalStateException("interrupted during connection acquisition");
            }));
            assertThat(loading.await(10, TimeUnit.SECONDS)).isTrue();
            // Joins the load in flight, or (arriving after it failed) loads at once: the same answer either way.
            Future<String> waiting = threads.submit(() -> cache.get("ten_1", t -> "rows"));
            Thread.sleep(200);
            release.countDown();
            assertThat(waiting.get(10, TimeUnit.SECONDS)).isEqualTo("rows");
            assertThatThrownBy(() -> failing.get(10, TimeUnit.SECONDS)).hasCauseInstanceOf(
                    IllegalStateException.class);
        } finally {
            threads.shutdownNow();
        }
        assertThat(cache.get("ten_1", t -> "read again")).isEqualTo("rows");
    }

    private static void await(CountDownLatch latch) {
        try {
            latch.await(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
