package io.channelhub.hub.redis;

import io.channelhub.hub.observability.ThrottledLog;
import io.dropwizard.lifecycle.Managed;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import redis.clients.jedis.JedisPubSub;
import redis.clients.jedis.UnifiedJedis;

/**
 * Change messages between replicas on one Redis pub/sub channel: {@link #publish} announces, every replica's
 * subscriber (this one's too) hands each message to its listener. Pub/sub delivers only to connected subscribers, so
 * each (re)subscription also tells the listener it may have missed messages ({@code onResubscribed}).
 */
public final class RedisEvents implements Managed {

    private static final Logger LOG = LoggerFactory.getLogger(RedisEvents.class);

    private final UnifiedJedis redis;
    private final String channel;
    private final Consumer<String> listener;
    private final Runnable onResubscribed;
    private volatile boolean running;
    private volatile JedisPubSub current;
    private Thread thread;
    // A Redis outage retries every second: a line a minute says it goes on.
    private final ThrottledLog subscriptionFailures = new ThrottledLog(LOG, java.time.Duration.ofMinutes(1));
    private final ThrottledLog publishFailures = new ThrottledLog(LOG, java.time.Duration.ofMinutes(1));

    public RedisEvents(UnifiedJedis redis, String channel, Consumer<String> listener, Runnable onResubscribed) {
        this.redis = redis;
        this.channel = channel;
        this.listener = listener;
        this.onResubscribed = onResubscribed;
    }

    /** Announces a change; a failure is logged, and the receivers' time-to-live bounds what they miss. */
    public void publish(String message) {
        try {
            redis.publish(channel, message);
        } catch (RuntimeException e) {
            publishFailures.warn("Could not publish a change to other replicas ({})", e.getClass().getSimpleName());
        }
    }

    @Override
    public void start() {
        running = true;
        thread = new Thread(this::listen, "redis-events");
        thread.setDaemon(true);
        thread.start();
    }

    private void listen() {
        while (running) {
            JedisPubSub sub = new JedisPubSub() {
                @Override
                public void onSubscribe(String ch, int count) {
                    subscriptionFailures.recovered("Redis events subscription restored");
                    onResubscribed.run();
                }

                @Override
                public void onMessage(String ch, String message) {
                    listener.accept(message);
                }
            };
            current = sub;
            try {
                redis.subscribe(sub, channel);
            } catch (RuntimeException e) {
                if (running) {
                    subscriptionFailures.warn("Redis events subscription lost ({}); retrying every second",
                            e.getClass().getSimpleName());
                    onResubscribed.run();
                    try {
                        Thread.sleep(1000);
                    } catch (InterruptedException ie) {
                        Thread.currentThread().interrupt();
                        return;
                    }
                }
            }
        }
    }

    @Override
    public void stop() {
        running = false;
        JedisPubSub sub = current;
        if (sub != null && sub.isSubscribed()) {
            try {
                sub.unsubscribe();
            } catch (RuntimeException ignored) {
                // The connection is going away with the hub.
            }
        }
    }
}
