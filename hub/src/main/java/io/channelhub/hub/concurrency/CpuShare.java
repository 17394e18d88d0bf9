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
 * a share of the wall clock (a token bucket of permit-held time), so a steady stream of webhooks leaves most of the
 * CPU to their acknowledgements and processing still moves at that share. The share adapts to how fast the
 * acknowledgements are answered (from the moment their request arrived, so queueing for a thread counts): when more
 * than one in a hundred in a tenth of a second took longer than the target, it halves, down to
 * {@link #MIN_SHARE}; otherwise it grows back by a tenth of its ceiling. Work that runs on its own thread without a
 * permit (an outbox send) {@link #pace() waits} for the same budget and {@link #charge(long) is charged} its CPU
 * time. Nothing is lost by waiting: the events are stored before they are acknowledged.
 */
public final class CpuShare {

    /** The share the current thread holds, while it runs background work. */
    private static final ThreadLocal<CpuShare> HELD = new ThreadLocal<>();

    /** Acknowledgements within this long make processing run on its budget. */
    static final long ACTIVE_NANOS = 200_000_000L;
    /** The most permit-held time the budget saves up. */
    static final long BURST_NANOS = 50_000_000L;
    /** The least share processing keeps while acknowledgements flow: a backlog still moves. */
    static final double MIN_SHARE = 0.02;
    /** How often the share is judged against the acknowledgements' latency. */
    static final long WINDOW_NANOS = 100_000_000L;

    private final Semaphore permits;
    private final long maxDeferNanos;
    /** The ceiling of the share, and where it starts. */
    private final double busyShare;
    private final long ackTargetNanos;
    /** Processing's share of the wall clock while acknowledgements flow (guarded by this). */
    private double share;
    private long windowStart;
    private int windowAcks;
    private int windowSlow;
    private final java.util.function.LongSupplier nanoTime;
    private volatile long lastAck = Long.MIN_VALUE / 2;
    /** The budget: permit-held nanoseconds processing may still use; refilled at the share per nanosecond. */
    private double tokens = BURST_NANOS;
    private long refilledAt;
    /** When this thread took its permit, to charge the budget when it gives it back. */
    private static final ThreadLocal<long[]> TAKEN = ThreadLocal.withInitial(() -> new long[1]);
    private final AtomicInteger acks = new AtomicInteger();
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition quiet = lock.newCondition();

    public CpuShare(int permits, java.time.Duration maxDefer, java.time.Duration ackTarget) {
        this(permits, maxDefer, 0.25, ackTarget, System::nanoTime);
    }

    /**
     * {@code busyShare}: of the wall clock, the most processing may hold permits for while acknowledgements flow;
     * {@code ackTarget}: acknowledgements slower than this make the share shrink.
     */
    public CpuShare(int permits, java.time.Duration maxDefer, double busyShare, java.time.Duration ackTarget,
                    java.util.function.LongSupplier nanoTime) {
        this.permits = new Semaphore(Math.max(1, permits), true);
        this.maxDeferNanos = maxDefer.toNanos();
        this.busyShare = busyShare;
        this.share = busyShare;
        this.ackTargetNanos = ackTarget.toNanos();
        this.nanoTime = nanoTime;
        this.refilledAt = nanoTime.getAsLong();
        this.windowStart = refilledAt;
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

    /** It answered, {@code latencyNanos} after its request arrived: the share adapts to it. */
    public void ackFinished(long latencyNanos) {
        long now = nanoTime.getAsLong();
        synchronized (this) {
            windowAcks++;
            if (latencyNanos > ackTargetNanos) {
                windowSlow++;
            }
            if (now - windowStart >= WINDOW_NANOS) {
                // Multiplicative decrease, additive increase: a slow tail halves processing's share at once, and it
                // creeps back while the acknowledgements stay fast.
                if (windowSlow * 100 > windowAcks) {
                    share = Math.max(MIN_SHARE, share / 2);
                } else {
                    share = Math.min(busyShare, share + busyShare / 10);
                }
                windowStart = now;
                windowAcks = 0;
                windowSlow = 0;
            }
        }
        ackFinished();
    }

    /** It answered (its latency unknown: the share stays as it is). */
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

    /** Processing's share of the wall clock while acknowledgements flow, now (for metrics). */
    public synchronized double share() {
        return share;
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
        tokens = Math.min(BURST_NANOS, tokens + (now - refilledAt) * share);
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
                waitNanos = (long) Math.ceil(-tokens / share);
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
     * Background work that runs on its own threads without a permit (an outbox send, whose wait for the remote side
     * must not hold one) waits here as processing does: after the acknowledgements in progress, within the budget.
     * It then reports what it cost with {@link #charge(long)}.
     */
    public void pace() {
        deferToAcks();
        waitForBudget();
    }

    /** Charges {@code cpuNanos} of background work done without a permit to the budget (while acknowledgements flow). */
    public void charge(long cpuNanos) {
        if (cpuNanos <= 0) {
            return;
        }
        synchronized (this) {
            if (nanoTime.getAsLong() - lastAck <= ACTIVE_NANOS) {
                refill();
                tokens -= cpuNanos;
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
        return new CpuShare(Integer.MAX_VALUE / 2, java.time.Duration.ZERO, 1e9, java.time.Duration.ofDays(1),
                System::nanoTime);
    }
}
