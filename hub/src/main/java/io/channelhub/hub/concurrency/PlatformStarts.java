package io.channelhub.hub.concurrency;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;

/**
 * Starts asynchronous work from one platform thread instead of the calling (virtual) thread.
 *
 * <p>The JDK's HTTP client takes its own monitor to start an exchange, and its one selector thread takes the same
 * monitor on every turn of its loop. When ten thousand virtual threads started their model calls on two busy
 * carriers, the monitor kept passing to virtual threads that then waited for a carrier to run on, and the selector
 * waited behind them: replies went unread and no connection was opened for seconds at a time
 * (docs/benchmarks.md, 10,000 streams). Started from here, the monitor passes between platform threads only. Starting
 * is quick (the exchange itself runs on the client's threads), so one thread serves a node.
 */
public final class PlatformStarts {

    private static final ExecutorService STARTER = Executors.newSingleThreadExecutor(r -> {
        Thread t = new Thread(r, "platform-starts");
        t.setDaemon(true);
        return t;
    });

    private PlatformStarts() {
    }

    /**
     * Runs {@code start} on the starter thread. The returned future completes as the started one does (or with what
     * {@code start} threw); cancelling it, before or after the start, cancels the started work.
     */
    public static <T> CompletableFuture<T> start(Supplier<CompletableFuture<T>> start) {
        CompletableFuture<T> result = new CompletableFuture<>();
        AtomicReference<CompletableFuture<T>> started = new AtomicReference<>();
        result.whenComplete((v, e) -> {
            CompletableFuture<T> s = started.get();
            if (result.isCancelled() && s != null) {
                s.cancel(true);
            }
        });
        STARTER.execute(() -> {
            if (result.isDone()) {
                return;
            }
            CompletableFuture<T> s;
            try {
                s = start.get();
            } catch (RuntimeException | Error e) {
                result.completeExceptionally(e);
                return;
            }
            if (s == null) {
                result.completeExceptionally(new NullPointerException("the start returned no future"));
                return;
            }
            started.set(s);
            s.whenComplete((v, e) -> {
                if (e != null) {
                    result.completeExceptionally(e);
                } else {
                    result.complete(v);
                }
            });
            // Cancelled between the check above and started.set: the listener saw no started work.
            if (result.isCancelled()) {
                s.cancel(true);
            }
        });
        return result;
    }
}
