package io.channelhub.plugins.asaas;

import java.net.http.HttpHeaders;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;

/**
 * Asaas's per-endpoint rate limit, honoured before it bites: every answer may carry {@code RateLimit-Limit},
 * {@code RateLimit-Remaining} and {@code RateLimit-Reset} (seconds until the window restarts). When an answer says the
 * budget is spent, the next call of this account waits for the reset, at most {@link #MAX_WAIT}: a longer block (the
 * 12-hour quota) is better met with the hub's retry and backoff than with a thread asleep. One gate per Asaas account;
 * thread-safe.
 */
final class RateLimitGate {

    static final Duration MAX_WAIT = Duration.ofSeconds(60);

    /** How a waiting call passes the time; tests record instead of sleeping. */
    @FunctionalInterface
    interface Sleeper {
        void sleep(Duration duration) throws InterruptedException;
    }

    static final Sleeper THREAD_SLEEP = d -> Thread.sleep(d.toMillis());

    private final Sleeper sleeper;
    private Instant blockedUntil;

    RateLimitGate(Sleeper sleeper) {
        this.sleeper = sleeper;
    }

    /** Waits, when an earlier answer spent the budget, until its reset. */
    void awaitTurn(Instant now) throws InterruptedException {
        Instant until;
        synchronized (this) {
            until = blockedUntil;
        }
        if (until == null || !now.isBefore(until)) {
            return;
        }
        sleeper.sleep(Duration.between(now, until));
        synchronized (this) {
            // Concurrent callers waited for the same reset; only a newer block survives them.
            if (until.equals(blockedUntil)) {
                blockedUntil = null;
            }
        }
    }

    /** Reads the rate-limit headers of an answer received at {@code now}. */
    void observe(HttpHeaders headers, Instant now) {
        Optional<Long> remaining = number(headers, "RateLimit-Remaining");
        Optional<Long> reset = number(headers, "RateLimit-Reset");
        if (remaining.isEmpty() || remaining.get() > 0 || reset.isEmpty() || reset.get() <= 0) {
            return;
        }
        Instant until = now.plus(Duration.ofSeconds(Math.min(reset.get(), MAX_WAIT.toSeconds())));
        synchronized (this) {
            if (blockedUntil == null || until.isAfter(blockedUntil)) {
                blockedUntil = until;
            }
        }
    }

    private static Optional<Long> number(HttpHeaders headers, String name) {
        try {
            return headers.firstValue(name).map(String::strip).map(Long::parseLong);
        } catch (NumberFormatException e) {
            return Optional.empty();
        }
    }
}
