package io.channelhub.hub.persistence;

import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;

/**
 * Tells every replica's caches that a row changed. A message is {@code <kind>:<id>} ({@code k:<key id>},
 * {@code t:<tenant id>}, {@code quotas:<tenant id>}, ...); each cache registers for its kinds. The transport is Redis
 * pub/sub when configured ({@link #publishTo}); without it there is one replica and its caches were evicted directly.
 * Messages can be missed (a replica reconnecting), so every cache also has a time-to-live, and {@link #missed}
 * clears all of them.
 */
public final class ChangeBus {

    private final Map<String, List<Consumer<String>>> listeners = new ConcurrentHashMap<>();
    private final List<Runnable> clearers = new CopyOnWriteArrayList<>();
    private volatile Consumer<String> transport = m -> { };

    public void publishTo(Consumer<String> t) {
        this.transport = t;
    }

    /** {@code evict} receives the id of each change of this kind announced by any replica. */
    public void on(String kind, Consumer<String> evict) {
        listeners.computeIfAbsent(kind, k -> new CopyOnWriteArrayList<>()).add(evict);
    }

    /** Called to forget everything when messages may have been missed. */
    public void onMissed(Runnable clear) {
        clearers.add(clear);
    }

    /** Announces a committed change to the other replicas (this one evicted its own entries already). */
    public void publish(String kind, String id) {
        transport.accept(kind + ":" + id);
    }

    /** A message from the transport (also this replica's own: evicting twice is harmless). */
    public void receive(String message) {
        int colon = message.indexOf(':');
        if (colon <= 0) {
            missed();
            return;
        }
        List<Consumer<String>> l = listeners.get(message.substring(0, colon));
        if (l != null) {
            String id = message.substring(colon + 1);
            l.forEach(c -> c.accept(id));
        }
    }

    public void missed() {
        clearers.forEach(Runnable::run);
    }
}
