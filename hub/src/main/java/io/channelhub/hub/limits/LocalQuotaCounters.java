package io.channelhub.hub.limits;

import java.time.Clock;
import java.time.Instant;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Quota counters in this process, for one replica and the embedded default (no Redis). Exact for the requests this
 * process serves; two replicas without Redis would each count on their own.
 */
public class LocalQuotaCounters implements QuotaCounters {

    private record Counter(AtomicLong value, Instant expiresAt) {
        boolean expired(Instant now) {
            return expiresAt != null && !now.isBefore(expiresAt);
        }
    }

    private final ConcurrentHashMap<String, Counter> counters = new ConcurrentHashMap<>();
    private final Clock clock;

    public LocalQuotaCounters(Clock clock) {
        this.clock = clock;
    }

    @Override
    public Optional<Reservation> reserve(String key, long units, long limit) {
        Counter c = counters.get(key);
        if (c == null) {
            return Optional.empty();
        }
        while (true) {
            long used = c.value().get();
            if (used + units > limit) {
                return Optional.of(new Reservation(false, used));
            }
            if (c.value().compareAndSet(used, used + units)) {
                return Optional.of(new Reservation(true, used + units));
            }
        }
    }

    @Override
    public OptionalLong current(String key) {
        Counter c = counters.get(key);
        return c == null ? OptionalLong.empty() : OptionalLong.of(c.value().get());
    }

    @Override
    public void seed(String key, long value, Instant expiresAt) {
        Instant now = clock.instant();
        // Keys name their period, so an expired counter is never read again; seeding is rare enough to sweep here.
        counters.values().removeIf(c -> c.expired(now));
        counters.putIfAbsent(key, new Counter(new AtomicLong(value), expiresAt));
    }

    @Override
    public void addIfPresent(String key, long units) {
        Counter c = counters.get(key);
        if (c != null) {
            c.value().addAndGet(units);
        }
    }

    @Override
    public void forget(String key) {
        counters.remove(key);
    }
}
