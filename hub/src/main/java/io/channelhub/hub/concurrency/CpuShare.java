package io.channelhub.hub.concurrency;

import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Acknowledgements first: background processing of stored events (a channel message's turn) shares the CPU with
 * the requests that acknowledge new events, and must never make them wait. Processing runs with a permit, of which
 * there are few (half the cores): however many turns are in progress, only that many compute at once, so the other
 * cores are the acknowledgements'. A turn gives its permit back while it waits for another service (its model),
 * so thousands can wait at once and the permits go to turns that have work. And a turn about to take a permit lets
 * acknowledgements in progress finish first, for at most {@code maxDefer}, so processing slows down under a burst
 * of webhooks and drains the backlog after it, rather than the reverse. While acknowledgements keep arriving (one
 * in the last {@code ACTIVE} window), processing also has a time budget: together its permits may be held for
 * {@code busyShare} of the wall clock (a token bucket of permit-held time), so a steady stream of webhooks leaves
 * most of the CPU to their acknowledgements and processing still moves at that share. Nothing is lost by waiting:
 * the events are stored before they are acknowledged.
 */
public final class CpuShare {

    /** The share the current thread holds, while it runs background work. */
    private static final ThreadLocal<CpuShare> HELD = new ThreadLocal<>();

    /** Acknowledgements within this long make processing run on its budget. */
    static final long ACTIVE_NANOS = 200_000_000L;
    /** The most permit-held time the budget saves up. */
    static final long BURST_NANOS = 50_000_000L;

    private final Semaphore permits;
    private final long maxDeferNanos;
    private final double busyShare;
    private final java.util.function.LongSupplier nanoTime;
    private volatile long lastAck = Long.MIN_VALUE / 2;
    /** The budget: permit-held nanoseconds processing may still use; refilled at busyShare per nanosecond. */
    private double tokens = BURST_NANOS;
    private long refilledAt;
    /** When this thread took its permit, to charge the budget when it gives it back. */
    private static final ThreadLocal<long[]> TAKEN = ThreadLocal.withInitial(() -> new long[1]);
    private final AtomicInteger acks = new AtomicInteger();
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition quiet = lock.newCondition();

    public CpuShare(int permits, java.time.Duration maxDefer) {
        this(permits, maxDefer, 0.25, System::nanoTime);
    }

    /** {@code busyShare}: of the wall clock, what processing may hold permits for while acknowledgements flow. */
    public CpuShare(int permits, java.time.Duration maxDefer, double busyShare, java.util.function.LongSupplier nanoTime) {
        this.permits = new Semaphore(Math.max(1, permits), true);
        this.maxDeferNanos = maxDefer.toNanos();
        this.busyShare = busyShare;
        this.nanoTime = nanoTime;
        this.refilledAt = nanoTime.getAsLong();
    }

    /** Work that can fail with a checked exception. */
    @FunctionalInterface
    public interface Work<T, E extends Exception> {
        T run() throws E;
    }

    // Acknowledgements ---------------------------------------------------------------------------------------------

    /** An acknowledgement begins: processing about to start defers to it. */
    public void ackStarted() {
        lastAck = nanoTime.getAsLong();
        acks.incrementAndGet();
    }

    /** It answered. */
    public void ackFinished() {
        if (acks.decrementAndGet() == 0) {
            lock.lock();
            try {
                quiet.signalAll();
            } finally {
                lock.unlock();
            }
        }
    }

    /** Acknowledgements in progress now. */
    public int acksInProgress() {
        return acks.get();
    }

    // Processing ---------------------------------------------------------------------------------------------------

    /** Runs background work on a permit (after the acknowledgements in progress, within the deferral bound). */
    public <T, E extends Exception> T run(Work<T, E> work) throws E {
        long[] taken = TAKEN.get();
        long outerTaken = taken[0];
        take();
        CpuShare outer = HELD.get();
        HELD.set(this);
        try {
            return work.run();
        } finally {
            if (outer == null) {
                HELD.remove();
            } else {
                HELD.set(outer);
            }
            give();
            taken[0] = outerTaken;
        }
    }

    /** Takes a permit: after the acknowledgements in progress, and within the budget while they keep coming. */
    private void take() {
        deferToAcks();
        waitForBudget();
        permits.acquireUninterruptibly();
        TAKEN.get()[0] = nanoTime.getAsLong();
    }

    /** Gives the permit back and charges the time it was held to the budget. */
    private void give() {
        long now = nanoTime.getAsLong();
        long held = now - TAKEN.get()[0];
        synchronized (this) {
            if (now - lastAck > ACTIVE_NANOS) {
                // Quiet: processing may use what it likes, and the budget starts full at the next burst.
                tokens = BURST_NANOS;
                refilledAt = now;
            } else {
                refill();
                tokens -= held;
            }
        }
        permits.release();
    }

    private void refill() {
        long now = nanoTime.getAsLong();
        tokens = Math.min(BURST_NANOS, tokens + (now - refilledAt) * busyShare);
        refilledAt = now;
    }

    /** While acknowledgements flow, waits until the budget is positive again. */
    private void waitForBudget() {
        while (true) {
            long waitNanos;
            synchronized (this) {
                if (nanoTime.getAsLong() - lastAck > ACTIVE_NANOS) {
                    return;
                }
                refill();
                if (tokens > 0) {
                    return;
                }
                waitNanos = (long) Math.ceil(-tokens / busyShare);
            }
            // Bounded sleeps: the acknowledgements may stop meanwhile, which ends the budget.
            java.util.concurrent.locks.LockSupport.parkNanos(Math.min(waitNanos, 20_000_000L));
            if (Thread.interrupted()) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }

    /**
     * Waits for another service (a model, say) without holding a permit: the thread's permit, if it holds one, goes
     * to other work meanwhile and is taken again (acknowledgements first) afterwards. On a thread without one, just
     * runs {@code wait}.
     */
    public static <T, E extends Exception> T whileWaiting(Work<T, E> wait) throws E {
        try (Waiting w = waiting()) {
            return wait.run();
        }
    }

    /** The same as a scope: the permit is away until {@link Waiting#close()}. */
    public static Waiting waiting() {
        CpuShare share = HELD.get();
        if (share == null) {
            return NOT_HELD;
        }
        HELD.remove();
        share.give();
        return () -> {
            share.take();
            HELD.set(share);
        };
    }

    /** A wait without the permit; closing it takes the permit back. */
    @FunctionalInterface
    public interface Waiting extends AutoCloseable {
        @Override
        void close();
    }

    private static final Waiting NOT_HELD = () -> { };

    private void deferToAcks() {
        if (acks.get() == 0 || maxDeferNanos <= 0) {
            return;
        }
        long left = maxDeferNanos;
        lock.lock();
        try {
            while (acks.get() > 0 && left > 0) {
                left = quiet.awaitNanos(left);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            lock.unlock();
        }
    }

    /** Permits free now (for tests and metrics). */
    public int available() {
        return permits.availablePermits();
    }

    /** A share that never limits (for tests and tools that run no background work). */
    public static CpuShare unlimited() {
        return new CpuShare(Integer.MAX_VALUE / 2, java.time.Duration.ZERO, 1e9, System::nanoTime);
    }
}
