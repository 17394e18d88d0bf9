package io.channelhub.hub.concurrency;

import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.function.Supplier;

/**
 * One load per key at a time: callers that miss the same key while it is being loaded wait for that load's value
 * instead of each loading it. Ten thousand turns opening on a cold node otherwise each read the same tenant's rows,
 * every one of them waiting for a database connection that the turns themselves needed (docs/benchmarks.md, sixth
 * pass).
 *
 * <p>Only a value is shared. When the shared load fails (the database, or the loading turn interrupted), each
 * waiting caller loads for itself, as it would have without this: one caller's failure is not handed to the others,
 * and a failing dependency is not retried by the waiters one after another.
 */
public final class SingleFlight<K, V> {

    private final Map<K, CompletableFuture<V>> inFlight = new ConcurrentHashMap<>();

    public V load(K key, Supplier<V> load) {
        CompletableFuture<V> mine = new CompletableFuture<>();
        CompletableFuture<V> running = inFlight.putIfAbsent(key, mine);
        if (running != null) {
            try {
                return running.get();
            } catch (ExecutionException failed) {
                return load.get();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return load.get();
            }
        }
        try {
            V v = load.get();
            mine.complete(v);
            return v;
        } catch (RuntimeException | Error e) {
            mine.completeExceptionally(e);
            throw e;
        } finally {
            inFlight.remove(key, mine);
        }
    }

    /** Loads in flight are no longer joined: a caller from now on loads afresh (after a change of what is loaded). */
    public void forgetAll() {
        inFlight.clear();
    }
}
