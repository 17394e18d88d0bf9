package io.channelhub.hub.persistence;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
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
}
