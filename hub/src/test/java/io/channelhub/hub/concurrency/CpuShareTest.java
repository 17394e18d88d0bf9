package io.channelhub.hub.concurrency;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** Acknowledgements first: few permits for background work, given back while it waits, deferring to acks. */
class CpuShareTest {

    private static final Duration TARGET = Duration.ofMillis(10);

    @Test
    void noMoreWorkComputesAtOnceThanThereArePermits() throws Exception {
        CpuShare share = new CpuShare(2, Duration.ZERO, TARGET);
        AtomicInteger computing = new AtomicInteger();
        AtomicInteger peak = new AtomicInteger();
        List<CompletableFuture<Void>> all = new java.util.ArrayList<>();
        for (int i = 0; i < 20; i++) {
            all.add(CompletableFuture.runAsync(() -> quietly(() -> share.run(() -> {
                peak.accumulateAndGet(computing.incrementAndGet(), Math::max);
                Thread.sleep(5);
                computing.decrementAndGet();
                return null;
            })), java.util.concurrent.Executors.newSingleThreadExecutor()));
        }
        CompletableFuture.allOf(all.toArray(CompletableFuture[]::new)).get(30, TimeUnit.SECONDS);
        assertThat(peak.get()).isEqualTo(2);
        assertThat(share.available()).isEqualTo(2);
    }

    private static void quietly(CpuShare.Work<?, ?> work) {
        try {
            work.run();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    @Test
    void workWaitingForAnotherServiceHoldsNoPermit() throws Exception {
        CpuShare share = new CpuShare(1, Duration.ZERO, TARGET);
        CountDownLatch waiting = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        List<String> order = new CopyOnWriteArrayList<>();
        CompletableFuture<Void> slow = CompletableFuture.runAsync(() -> quietly(() -> share.run(() -> {
            order.add("slow computes");
            CpuShare.whileWaiting(() -> {
                waiting.countDown();
                release.await();
                return null;
            });
            order.add("slow computes again");
            return null;
        })));
        assertThat(waiting.await(5, TimeUnit.SECONDS)).isTrue();
        // The only permit is free while the first waits for its model: the second runs meanwhile.
        share.run(() -> order.add("other computes"));
        release.countDown();
        slow.get(5, TimeUnit.SECONDS);
        assertThat(order).containsExactly("slow computes", "other computes", "slow computes again");
        assertThat(share.available()).isEqualTo(1);
        // Outside background work there is no permit to give back.
        assertThat(CpuShare.whileWaiting(() -> "plain")).isEqualTo("plain");
    }

    @Test
    void backgroundWorkWaitsForTheAcknowledgementsInProgress() throws Exception {
        CpuShare share = new CpuShare(1, Duration.ofSeconds(30), TARGET);
        share.ackStarted();
        share.ackStarted();
        CompletableFuture<String> work = CompletableFuture.supplyAsync(() -> share.run(() -> "ran"));
        Thread.sleep(200);
        assertThat(work).as("deferred while acknowledgements are in progress").isNotDone();
        share.ackFinished();
        Thread.sleep(100);
        assertThat(work).as("one is still in progress").isNotDone();
        share.ackFinished();
        assertThat(work.get(5, TimeUnit.SECONDS)).isEqualTo("ran");
        assertThat(share.acksInProgress()).isZero();
    }

    @Test
    void theDeferralIsBoundedSoProcessingProgressesUnderSustainedLoad() throws Exception {
        CpuShare share = new CpuShare(1, Duration.ofMillis(100), TARGET);
        share.ackStarted();
        // An acknowledgement that never ends (or a steady stream of them) delays work, never stops it.
        assertThat(CompletableFuture.supplyAsync(() -> share.run(() -> "ran")).get(5, TimeUnit.SECONDS))
                .isEqualTo("ran");
    }

    @Test
    void whileAcknowledgementsKeepComingProcessingHoldsPermitsForItsShareOfTheClockOnly() throws Exception {
        java.util.concurrent.atomic.AtomicLong clock = new java.util.concurrent.atomic.AtomicLong(1_000_000_000L);
        CpuShare share = new CpuShare(1, Duration.ZERO, 0.25, TARGET, clock::get);
        // Quiet: no budget at all, work after work.
        for (int i = 0; i < 3; i++) {
            share.run(() -> clock.addAndGet(100_000_000L));
        }
        // Webhooks arrive: the next 100 ms of processing overdraws the budget (50 ms saved at most)...
        share.ackStarted();
        share.ackFinished();
        share.run(() -> clock.addAndGet(100_000_000L));
        share.ackStarted();
        share.ackFinished();
        CompletableFuture<String> next = CompletableFuture.supplyAsync(() -> share.run(() -> "ran"));
        Thread.sleep(150);
        assertThat(next).as("waiting for its share of the clock to come back").isNotDone();
        // ...and at a quarter of the clock, 50 ms overdrawn take 200 ms to come back.
        clock.addAndGet(150_000_000L);
        share.ackStarted();
        share.ackFinished();
        Thread.sleep(100);
        assertThat(next).isNotDone();
        clock.addAndGet(60_000_000L);
        assertThat(next.get(5, TimeUnit.SECONDS)).isEqualTo("ran");
    }

    @Test
    void theBudgetEndsWhenTheAcknowledgementsStop() throws Exception {
        java.util.concurrent.atomic.AtomicLong clock = new java.util.concurrent.atomic.AtomicLong(1_000_000_000L);
        CpuShare share = new CpuShare(1, Duration.ZERO, 0.25, TARGET, clock::get);
        share.ackStarted();
        share.ackFinished();
        share.run(() -> clock.addAndGet(400_000_000L));
        // Overdrawn by far, but the last acknowledgement was 400 ms ago: nothing to defer to.
        assertThat(CompletableFuture.supplyAsync(() -> share.run(() -> "ran")).get(5, TimeUnit.SECONDS))
                .isEqualTo("ran");
    }

    @Test
    void slowAcknowledgementsHalveTheShareAndFastOnesGrowItBack() {
        java.util.concurrent.atomic.AtomicLong clock = new java.util.concurrent.atomic.AtomicLong(1_000_000_000L);
        CpuShare share = new CpuShare(1, Duration.ZERO, 0.25, TARGET, clock::get);
        assertThat(share.share()).isEqualTo(0.25);
        // A tenth of a second in which 2 of 100 acknowledgements took 30 ms: more than one in a hundred.
        window(share, clock, 100, 2);
        assertThat(share.share()).isEqualTo(0.125);
        window(share, clock, 100, 2);
        window(share, clock, 100, 50);
        assertThat(share.share()).isEqualTo(0.03125);
        // However slow, processing keeps a floor: the backlog still moves.
        for (int i = 0; i < 10; i++) {
            window(share, clock, 100, 100);
        }
        assertThat(share.share()).isEqualTo(CpuShare.MIN_SHARE);
        // One slow one in a hundred is within the target: the share grows back by a tenth of its ceiling a window.
        window(share, clock, 100, 1);
        assertThat(share.share()).isCloseTo(CpuShare.MIN_SHARE + 0.025, org.assertj.core.data.Offset.offset(1e-9));
        for (int i = 0; i < 20; i++) {
            window(share, clock, 100, 0);
        }
        assertThat(share.share()).isEqualTo(0.25);
    }

    /** A window's acknowledgements, {@code slow} of them over the target; the window closes with the last. */
    private static void window(CpuShare share, java.util.concurrent.atomic.AtomicLong clock, int acks, int slow) {
        for (int i = 0; i < acks; i++) {
            share.ackStarted();
            if (i == acks - 1) {
                clock.addAndGet(CpuShare.WINDOW_NANOS);
            }
            share.ackFinished(i < slow ? 30_000_000L : 2_000_000L);
        }
    }

    @Test
    void workWithoutAPermitWaitsForTheBudgetItsChargesUsedUp() throws Exception {
        java.util.concurrent.atomic.AtomicLong clock = new java.util.concurrent.atomic.AtomicLong(1_000_000_000L);
        CpuShare share = new CpuShare(1, Duration.ZERO, 0.25, TARGET, clock::get);
        // Quiet: a charge costs nothing, pacing never waits.
        share.charge(1_000_000_000L);
        share.pace();
        share.ackStarted();
        share.ackFinished(1_000_000L);
        // While acknowledgements flow, 100 ms of a send's CPU overdraws the 50 ms the budget saves up.
        share.charge(100_000_000L);
        CompletableFuture<Void> next = CompletableFuture.runAsync(share::pace);
        Thread.sleep(150);
        assertThat(next).as("the next send waits for the budget").isNotDone();
        // 50 ms overdrawn at a quarter of the clock: back after 200 ms.
        clock.addAndGet(150_000_000L);
        share.ackStarted();
        share.ackFinished(1_000_000L);
        clock.addAndGet(60_000_000L);
        next.get(5, TimeUnit.SECONDS);
    }
}
