package io.channelhub.hub.auth;

import io.channelhub.hub.tenancy.Tenant;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;
import java.util.function.LongSupplier;

/**
 * The key-prefix → key and tenant-id → tenant lookups of authentication, cached so that a request does not read
 * two rows before it starts. A change (revocation, rotation, a tenant suspended, renamed or deleted) evicts at once
 * on this replica and is published to the others (through Redis when configured); the time-to-live bounds how long
 * a replica that missed such a message can act on the old row.
 *
 * <p>A lookup that raced a change cannot put the old row back: every change bumps a generation, and a loaded row is
 * kept only if no change happened while it was read. Unknown prefixes are not cached, so guessing keys cannot fill
 * the cache.
 */
public final class CredentialCache {

    /** Past this many entries the cache starts over rather than track recency: lookups are cheap to repeat. */
    static final int MAX_ENTRIES = 100_000;

    private record Entry<T>(T value, long loadedAt) {
    }

    private final Map<String, Entry<ApiKey>> keys = new ConcurrentHashMap<>();
    private final Map<String, Entry<Tenant>> tenants = new ConcurrentHashMap<>();
    private final AtomicLong generation = new AtomicLong();
    private final long ttlNanos;
    private final LongSupplier nanoTime;
    private final io.channelhub.hub.persistence.ChangeBus bus;

    public CredentialCache(Duration ttl, LongSupplier nanoTime) {
        this(ttl, nanoTime, new io.channelhub.hub.persistence.ChangeBus());
    }

    /** Changes are announced on {@code bus} as {@code k:<key id>} and {@code t:<tenant id>}. */
    public CredentialCache(Duration ttl, LongSupplier nanoTime, io.channelhub.hub.persistence.ChangeBus bus) {
        this.ttlNanos = ttl.toNanos();
        this.nanoTime = nanoTime;
        this.bus = bus;
        bus.on("k", this::evictKey);
        bus.on("t", this::evictTenant);
        bus.onMissed(this::clear);
    }

    boolean enabled() {
        return ttlNanos > 0;
    }

    Optional<ApiKey> key(String prefix, Function<String, Optional<ApiKey>> load) {
        return lookup(keys, prefix, load);
    }

    public Optional<Tenant> tenant(String id, Function<String, Optional<Tenant>> load) {
        return lookup(tenants, id, load);
    }

    private <T> Optional<T> lookup(Map<String, Entry<T>> map, String id, Function<String, Optional<T>> load) {
        if (!enabled()) {
            return load.apply(id);
        }
        long now = nanoTime.getAsLong();
        Entry<T> e = map.get(id);
        if (e != null && now - e.loadedAt() < ttlNanos) {
            return Optional.of(e.value());
        }
        long before = generation.get();
        Optional<T> loaded = load.apply(id);
        if (loaded.isPresent()) {
            if (map.size() >= MAX_ENTRIES) {
                map.clear();
            }
            map.put(id, new Entry<>(loaded.get(), now));
            // A change landed while the row was read: the row may be the old one, so it must not stay.
            if (generation.get() != before) {
                map.remove(id);
            }
        } else {
            map.remove(id);
        }
        return loaded;
    }

    /** The key's {@code last_used_at} was written: the cached row says so, so it is not written again at once. */
    void touched(ApiKey key) {
        keys.computeIfPresent(key.keyPrefix(), (p, e) -> e.value().id().equals(key.id())
                ? new Entry<>(key, e.loadedAt()) : e);
    }

    /** A key was revoked, rotated or had its expiry moved. Call after the change is committed. */
    public void keyChanged(String keyId) {
        evictKey(keyId);
        bus.publish("k", keyId);
    }

    /** A tenant was updated, suspended, activated or deleted (with its keys). Call after the change is committed. */
    public void tenantChanged(String tenantId) {
        evictTenant(tenantId);
        bus.publish("t", tenantId);
    }

    /** Forgets everything, e.g. when messages from other replicas may have been missed. */
    public void clear() {
        generation.incrementAndGet();
        keys.clear();
        tenants.clear();
    }

    private void evictKey(String keyId) {
        generation.incrementAndGet();
        keys.values().removeIf(e -> e.value().id().equals(keyId));
    }

    private void evictTenant(String tenantId) {
        generation.incrementAndGet();
        tenants.remove(tenantId);
        keys.values().removeIf(e -> tenantId.equals(e.value().tenantId()));
    }
}
