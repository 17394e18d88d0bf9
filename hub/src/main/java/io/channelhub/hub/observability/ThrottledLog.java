package io.channelhub.hub.observability;

import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;
import org.slf4j.Logger;

/**
 * A warning about a dependency that fails on every request or every retry (Redis down: each rate-limit check, each
 * quota check, each resubscription a second): the first failure is logged, then at most one line a period saying
 * how many were held back, and one line when it works again. An outage reads as a few lines, not a flood that hides
 * everything else.
 */
public final class ThrottledLog {

    private final Logger log;
    private final long periodMillis;
    private final LongSupplier clock;
    private final AtomicLong lastLogged = new AtomicLong(Long.MIN_VALUE);
    private final AtomicLong heldBack = new AtomicLong();
    private volatile boolean failing;

    public ThrottledLog(Logger log, java.time.Duration period) {
        this(log, period, System::currentTimeMillis);
    }

    ThrottledLog(Logger log, java.time.Duration period, LongSupplier clock) {
        this.log = log;
        this.periodMillis = period.toMillis();
        this.clock = clock;
    }

    /** A failure: logged at WARN if none was in the last period, else counted. */
    public void warn(String format, Object... args) {
        failing = true;
        long now = clock.getAsLong();
        long last = lastLogged.get();
        if ((last == Long.MIN_VALUE || now - last >= periodMillis) && lastLogged.compareAndSet(last, now)) {
            long held = heldBack.getAndSet(0);
            log.warn(held == 0 ? format : format + " (" + held + " more since the last warning)", args);
        } else {
            heldBack.incrementAndGet();
        }
    }

    /** A success: after failures, one INFO line that the dependency is back, and the next failure logs at once. */
    public void recovered(String format, Object... args) {
        if (failing) {
            failing = false;
            long held = heldBack.getAndSet(0);
            lastLogged.set(Long.MIN_VALUE);
            log.info(held == 0 ? format : format + " (" + held + " failures not logged)", args);
        }
    }
}
