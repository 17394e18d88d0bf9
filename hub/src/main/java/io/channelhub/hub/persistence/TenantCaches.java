package io.channelhub.hub.persistence;

import java.time.Duration;
import java.util.function.BiFunction;
import java.util.function.Function;
import java.util.function.LongSupplier;

/**
 * Makes the per-replica caches of tenant rows, all evicted through one change bus and bounded by one TTL (zero: no
 * caching). Handed to each service's constructor, so a service has its cache from the start.
 */
public record TenantCaches(ChangeBus bus, Duration ttl, LongSupplier nanoTime) {

    /** Caches that keep nothing, with a bus of their own: for a service used alone (a test, a command). */
    public static TenantCaches none() {
        return new TenantCaches(new ChangeBus(), Duration.ZERO, System::nanoTime);
    }

    public <K, V> TenantCache<K, V> create(String kind, Function<K, String> tenantOf) {
        return new TenantCache<>(kind, tenantOf, bus, ttl, nanoTime);
    }

    public <K, V> TenantCache<K, V> create(String kind, BiFunction<K, V, String> tenantOf) {
        return new TenantCache<>(kind, tenantOf, bus, ttl, nanoTime);
    }
}
