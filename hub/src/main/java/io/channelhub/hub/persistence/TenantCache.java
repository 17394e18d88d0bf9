package io.channelhub.hub.persistence;

import io.channelhub.hub.concurrency.SingleFlight;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;
import java.util.function.LongSupplier;

/**
 * A tenant's configuration rows (quotas, webhook subscriptions, model provider settings) that hot paths read on
 * every turn, cached per tenant. {@link #changed} after a committed write evicts here and on every other replica
 * (through the {@link ChangeBus}); a tenant's deletion evicts too. The time-to-live bounds a replica that missed a
 * message. A load that raced a change is not kept (a generation counter), so the old rows cannot come back.
 *
 * <p>A key missed by many callers at once is loaded once ({@link SingleFlight}): the others wait for that load's
 * rows. A change drops the loads in flight from the sharing, so a caller that starts after the change has returned
 * reads afresh.
 */
public final class TenantCache<K, V> {

    private record Entry<V>(V value, long loadedAt) {
    }

    /** Past this many tenants the cache starts over instead of tracking recency. */
    static final int MAX_ENTRIES = 50_000;

    private final String kind;
    private final Map<K, Entry<V>> entries = new ConcurrentHashMap<>();
    private final java.util.function.BiFunction<K, V, String> tenantOf;
    private final ChangeBus bus;
    private final long ttlNanos;
    private final LongSupplier nanoTime;
    private final AtomicLong generation = new AtomicLong();
    /** Loads in flight, joined by the callers that miss the same key meanwhile. */
    private final SingleFlight<K, V> loading = new SingleFlight<>();

    /**
     * @param kind     the change kind announced on the bus
     * @param tenantOf the tenant of a cache key (a key can be the tenant id itself, or tenant and provider)
     */
    public TenantCache(String kind, Function<K, String> tenantOf, ChangeBus bus, Duration ttl, LongSupplier nanoTime) {
        this(kind, (k, v) -> tenantOf.apply(k), bus, ttl, nanoTime);
    }

    /**
     * For rows found by something other than their tenant (a channel's routing key): {@code tenantOf} reads the
     * tenant from the cached value. An empty {@link java.util.Optional} is not kept, so a row created later is found
     * at once.
     */
    public TenantCache(String kind, java.util.function.BiFunction<K, V, String> tenantOf, ChangeBus bus, Duration ttl,
                       LongSupplier nanoTime) {
        this.kind = kind;
        this.tenantOf = tenantOf;
        this.bus = bus;
        this.ttlNanos = ttl.toNanos();
        this.nanoTime = nanoTime;
        bus.on(kind, this::evictTenant);
        bus.on("t", this::evictTenant);
        bus.onMissed(this::clear);
    }

    public V get(K key, Function<K, V> load) {
        if (ttlNanos <= 0) {
            return load.apply(key);
        }
        long now = nanoTime.getAsLong();
        Entry<V> e = entries.get(key);
        if (e != null && now - e.loadedAt() < ttlNanos) {
            return e.value();
        }
        return loading.load(key, () -> loadAndKeep(key, load, now));
    }

    private V loadAndKeep(K key, Function<K, V> load, long now) {
        long before = generation.get();
        V v = load.apply(key);
        if (v instanceof java.util.Optional<?> o && o.isEmpty()) {
            entries.remove(key);
            return v;
        }
        if (entries.size() >= MAX_ENTRIES) {
            entries.clear();
        }
        entries.put(key, new Entry<>(v, now));
        if (generation.get() != before) {
            entries.remove(key);
        }
        return v;
    }

    /** The tenant's rows of this kind changed (committed): evict here and announce it to the other replicas. */
    public void changed(String tenantId) {
        evictTenant(tenantId);
        bus.publish(kind, tenantId);
    }

    private void evictTenant(String tenantId) {
        generation.incrementAndGet();
        loading.forgetAll();
        entries.entrySet().removeIf(e -> tenantId.equals(tenantOf.apply(e.getKey(), e.getValue().value())));
    }

    public void clear() {
        generation.incrementAndGet();
        loading.forgetAll();
        entries.clear();
    }
}
