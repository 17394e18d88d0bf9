package io.channelhub.hub.delivery;

import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;

/**
 * Outbox rows that may go at once: a producer wakes each row after the transaction that wrote it commits, and the
 * dispatcher takes it from here. Built before both, so neither holds the other. A wake that finds the queue full is
 * dropped on purpose: the poller sends that row a moment later (on this replica or another), as it does for a row
 * written while no dispatcher runs.
 */
public final class WorkSignal {

    private static final int CAPACITY = 10_000;

    private final BlockingQueue<Long> woken = new LinkedBlockingQueue<>(CAPACITY);

    /** Row {@code id} is committed and due now. */
    public void wake(long id) {
        woken.offer(id);
    }

    long take() throws InterruptedException {
        return woken.take();
    }
}
