package io.channelhub.hub.concurrency;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** The thread model's choice on this JVM, and the bound of its virtual-thread workers (run here on platform ones). */
class ThreadModelTest {

    @Test
    void autoUsesVirtualThreadsExactlyWhereTheJvmHasThem() throws ReflectiveOperationException {
        assertThat(ThreadModel.available()).isEqualTo(Runtime.version().feature() >= 21);
        assertThat(ThreadModel.of(ThreadModel.Mode.AUTO).virtual()).isEqualTo(ThreadModel.available());
        assertThat(ThreadModel.of(ThreadModel.Mode.PLATFORM).virtual()).isFalse();
        if (!ThreadModel.available()) {
            assertThatThrownBy(() -> ThreadModel.of(ThreadModel.Mode.VIRTUAL))
                    .hasMessageContaining("threads.mode is virtual").hasMessageContaining("Java 21");
        } else {
            Thread t = ThreadModel.of(ThreadModel.Mode.VIRTUAL).factory("t").newThread(() -> { });
            // Thread.isVirtual is Java 21 API; this class compiles for 17.
            assertThat(Thread.class.getMethod("isVirtual").invoke(t)).isEqualTo(true);
        }
        assertThat(ThreadModel.Mode.of(" Virtual ")).isEqualTo(ThreadModel.Mode.VIRTUAL);
    }

    /**
     * The hub's start gives the virtual-thread scheduler at least eight carriers, whatever the cores, and keeps a
     * number the operator chose. (The packaged hub's start log says how many the scheduler took, from the JDK:
     * {@code LiveTurnsIT}.)
     */
    @Test
    void carriersAreWidenedUnlessTheOperatorChoseHowMany() {
        String before = System.getProperty(ThreadModel.CARRIERS);
        try {
            System.clearProperty(ThreadModel.CARRIERS);
            ThreadModel.widenCarriers();
            assertThat(ThreadModel.configuredCarriers()).isEqualTo(Math.max(ThreadModel.MIN_CARRIERS,
                    Runtime.getRuntime().availableProcessors()));
            System.setProperty(ThreadModel.CARRIERS, "3");
            ThreadModel.widenCarriers();
            assertThat(ThreadModel.configuredCarriers()).isEqualTo(3);
        } finally {
            if (before == null) {
                System.clearProperty(ThreadModel.CARRIERS);
            } else {
                System.setProperty(ThreadModel.CARRIERS, before);
            }
        }
    }

    @Test
    void boundedWorkersRunEveryTaskAndNeverMoreThanTheBoundAtOnce() throws Exception {
        ExecutorService workers = ThreadModel.bounded(ThreadModel.of(ThreadModel.Mode.PLATFORM).factory("w"), 4);
        AtomicInteger running = new AtomicInteger();
        AtomicInteger peak = new AtomicInteger();
        List<Integer> done = new CopyOnWriteArrayList<>();
        CountDownLatch all = new CountDownLatch(60);
        for (int i = 0; i < 60; i++) {
            int n = i;
            workers.execute(() -> {
                peak.accumulateAndGet(running.incrementAndGet(), Math::max);
                try {
                    Thread.sleep(5);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                running.decrementAndGet();
                done.add(n);
                all.countDown();
            });
        }
        assertThat(all.await(30, TimeUnit.SECONDS)).isTrue();
        assertThat(done).hasSize(60);
        assertThat(peak.get()).isEqualTo(4);
        workers.shutdown();
        assertThat(workers.awaitTermination(5, TimeUnit.SECONDS)).isTrue();
        assertThatThrownBy(() -> workers.execute(() -> { })).isInstanceOf(RejectedExecutionException.class);
    }

    @Test
    void shutdownNowHandsBackWhatHadNotStarted() throws Exception {
        ExecutorService workers = ThreadModel.bounded(ThreadModel.of(ThreadModel.Mode.PLATFORM).factory("w"), 1);
        CountDownLatch release = new CountDownLatch(1);
        workers.execute(() -> {
            try {
                release.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        workers.execute(() -> { });
        workers.execute(() -> { });
        assertThat(workers.shutdownNow()).hasSize(2);
        assertThat(workers.isTerminated()).isFalse();
        release.countDown();
        assertThat(workers.awaitTermination(5, TimeUnit.SECONDS)).isTrue();
    }
}
