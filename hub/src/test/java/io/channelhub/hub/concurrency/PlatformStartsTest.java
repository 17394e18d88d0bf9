package io.channelhub.hub.concurrency;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/** Work started on the starter thread behaves as if started here: its result, its failure, its cancellation. */
class PlatformStartsTest {

    @Test
    void theWorkStartsOnTheStarterThreadAndItsResultComesBack() throws Exception {
        AtomicReference<String> startedOn = new AtomicReference<>();
        CompletableFuture<String> work = new CompletableFuture<>();
        CompletableFuture<String> f = PlatformStarts.start(() -> {
            startedOn.set(Thread.currentThread().getName());
            return work;
        });
        work.complete("answer");
        assertThat(f.get(5, TimeUnit.SECONDS)).isEqualTo("answer");
        assertThat(startedOn.get()).isEqualTo("platform-starts");
    }

    @Test
    void aFailureOfTheWorkOrOfItsStartIsTheResultsFailure() {
        CompletableFuture<String> failed = PlatformStarts.start(
                () -> CompletableFuture.failedFuture(new IOException("connection refused")));
        assertThatThrownBy(() -> failed.get(5, TimeUnit.SECONDS)).isInstanceOf(ExecutionException.class)
                .hasCauseInstanceOf(IOException.class);
        CompletableFuture<String> refused = PlatformStarts.start(() -> {
            throw new IllegalArgumentException("bad request");
        });
        assertThatThrownBy(() -> refused.get(5, TimeUnit.SECONDS)).hasCauseInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void cancellingAfterTheStartCancelsTheWork() throws Exception {
        CompletableFuture<String> work = new CompletableFuture<>();
        CountDownLatch started = new CountDownLatch(1);
        CompletableFuture<String> f = PlatformStarts.start(() -> {
            started.countDown();
            return work;
        });
        assertThat(started.await(5, TimeUnit.SECONDS)).isTrue();
        f.cancel(true);
        // Reaches the work whether the starter had handed it over yet or not.
        assertThatThrownBy(() -> work.get(5, TimeUnit.SECONDS)).isInstanceOf(CancellationException.class);
    }

    @Test
    void aStartThatReturnsNoFutureFailsTheResult() {
        CompletableFuture<String> f = PlatformStarts.start(() -> null);
        assertThatThrownBy(() -> f.get(5, TimeUnit.SECONDS)).hasCauseInstanceOf(NullPointerException.class);
    }

    @Test
    void cancellingBeforeTheStartStartsNothing() throws Exception {
        CountDownLatch busy = new CountDownLatch(1);
        // Hold the starter so the next start is still queued when it is cancelled.
        PlatformStarts.start(() -> {
            try {
                busy.await(5, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            return CompletableFuture.completedFuture("done");
        });
        AtomicReference<Boolean> ran = new AtomicReference<>(false);
        CompletableFuture<String> f = PlatformStarts.start(() -> {
            ran.set(true);
            return new CompletableFuture<>();
        });
        f.cancel(true);
        busy.countDown();
        PlatformStarts.start(() -> CompletableFuture.completedFuture("after")).get(5, TimeUnit.SECONDS);
        assertThat(ran.get()).isFalse();
    }
}
