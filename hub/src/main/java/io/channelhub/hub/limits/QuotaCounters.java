package io.channelhub.hub.limits;

import java.time.Instant;
import java.util.OptionalLong;

/**
 * Counters of hard quotas, one per tenant, quota and period start: the ledger's sum for the period plus the units
 * that work in flight reserved. Every change is atomic (increment-then-check), so replicas sharing the counters
 * cannot pass a limit between them. A counter that does not exist yet is seeded by the caller from the ledger.
 */
public interface QuotaCounters {

    /**
     * The outcome of a reservation.
     *
     * @param reserved whether the units were added
     * @param used     the counter after the reservation, or as it stood when it was refused
     */
    record Reservation(boolean reserved, long used) {
    }

    /** The counters cannot be reached (Redis is down); the caller falls back to the ledger. */
    final class Unavailable extends RuntimeException {
        private static final long serialVersionUID = 1L;

        public Unavailable(Throwable cause) {
            super(cause.getMessage(), cause);
        }
    }

    /** Adds {@code units} unless that takes the counter past {@code limit}; empty when the counter does not exist. */
    java.util.Optional<Reservation> reserve(String key, long units, long limit);

    /** The counter's value; empty when it does not exist. */
    OptionalLong current(String key);

    /** Creates the counter with {@code value} unless it exists; it expires at {@code expiresAt} (null: never). */
    void seed(String key, long value, Instant expiresAt);

    /**
     * Adds {@code units} (negative to give a reservation back) when the counter exists. A missing counter is left
     * alone: it is seeded from the ledger when next needed, and the ledger already holds the usage.
     */
    void addIfPresent(String key, long units);

    /** Drops the counter, so the next use seeds it again from the ledger. */
    void forget(String key);
}
