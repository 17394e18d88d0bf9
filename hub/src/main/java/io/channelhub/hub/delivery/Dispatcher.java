package io.channelhub.hub.delivery;

import io.dropwizard.lifecycle.Managed;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sends outbox rows: at once when they are written ({@link #kick}), and from a poller that picks up retries and
 * rows left behind by a replica that stopped. Failed attempts back off exponentially with jitter (or as the target
 * asked with Retry-After); after the last attempt a row goes to the dead-letter state.
 */
public class Dispatcher implements Managed {

    private static final Logger LOG = LoggerFactory.getLogger(Dispatcher.class);
    private static final Duration LOCK = Duration.ofMinutes(2);

    private final Outbox outbox;
    private final Map<String, Deliverer> deliverers;
    private final DeliveryConfig config;
    private final Clock clock;
    private ExecutorService workers;
    private final io.channelhub.hub.observability.HubMetrics metrics;
    private final io.channelhub.hub.observability.Tracing tracing;

    private void count(OutboxItem item, String outcome) {
        metrics.deliveries.labelValues(item.kind(), outcome).inc();
    }
    private ScheduledExecutorService poller;
    private final WorkSignal signal;
    private final io.channelhub.hub.concurrency.CpuShare cpu;
    private static final java.lang.management.ThreadMXBean THREADS =
            java.lang.management.ManagementFactory.getThreadMXBean();
    private Thread signalled;

    public Dispatcher(Outbox outbox, Map<String, Deliverer> deliverers, DeliveryConfig config, Clock clock,
                      io.channelhub.hub.observability.HubMetrics metrics, io.channelhub.hub.observability.Tracing tracing,
                      WorkSignal signal, io.channelhub.hub.concurrency.CpuShare cpu) {
        this.signal = signal;
        this.cpu = cpu;
        this.metrics = metrics;
        this.tracing = tracing;
        this.outbox = outbox;
        this.deliverers = Map.copyOf(deliverers);
        this.config = config;
        this.clock = clock;
    }

    @Override
    public void start() {
        AtomicInteger n = new AtomicInteger();
        workers = Executors.newFixedThreadPool(config.getWorkers(), r -> {
            Thread t = new Thread(r, "outbox-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
        poller = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "outbox-poller");
            t.setDaemon(true);
            return t;
        });
        long every = config.getPollInterval().toMilliseconds();
        poller.scheduleWithFixedDelay(this::poll, every, every, TimeUnit.MILLISECONDS);
        signalled = new Thread(() -> {
            try {
                while (!Thread.currentThread().isInterrupted()) {
                    kick(signal.take());
                }
            } catch (InterruptedException stopping) {
                Thread.currentThread().interrupt();
            }
        }, "outbox-signal");
        signalled.setDaemon(true);
        signalled.start();
    }

    @Override
    public void stop() throws InterruptedException {
        signalled.interrupt();
        poller.shutdownNow();
        workers.shutdown();
        workers.awaitTermination(5, TimeUnit.SECONDS);
    }

    /** Tries a freshly written row now, without waiting for the poller. */
    public void kick(long id) {
        try {
            workers.submit(() -> attempt(id));
        } catch (RejectedExecutionException | NullPointerException e) {
            // stopping, or not started yet: the poller (here or on another replica) will send it
        }
    }

    private void poll() {
        try {
            for (long id : outbox.due(clock.instant(), 100)) {
                attempt(id);
            }
        } catch (RuntimeException e) {
            LOG.warn("Outbox poll failed", e);
        }
    }

    /**
     * Sends are background work: while webhook acknowledgements flow they wait for their share of the CPU (see
     * CpuShare) and are charged what they used; the wait for the remote side holds nothing.
     */
    void attempt(long id) {
        cpu.pace();
        long before = THREADS.getCurrentThreadCpuTime();
        try {
            attemptNow(id);
        } finally {
            long after = before < 0 ? -1 : THREADS.getCurrentThreadCpuTime();
            if (after >= 0) {
                cpu.charge(after - before);
            }
        }
    }

    private void attemptNow(long id) {
        Instant now = clock.instant();
        Optional<OutboxItem> claimed = outbox.claim(id, now, now.plus(LOCK));
        if (claimed.isEmpty()) {
            return;
        }
        OutboxItem item = claimed.get();
        var span = tracing.tracer()
                .spanBuilder("outbox deliver " + item.kind())
                .setParent(io.channelhub.hub.observability.Tracing.extract(item.traceParent() == null ? java.util.Map.of()
                        : java.util.Map.of("traceparent", item.traceParent())))
                .setSpanKind(io.opentelemetry.api.trace.SpanKind.PRODUCER)
                .setAttribute("channelhub.event_type", item.eventType()).setAttribute("channelhub.attempt",
                        item.attempts() + 1L).startSpan();
        try (var scope = span.makeCurrent()) {
            deliver(item);
        } finally {
            span.end();
        }
    }

    private void deliver(OutboxItem item) {
        Deliverer d = deliverers.get(item.kind());
        long started = System.nanoTime();
        Deliverer.Outcome outcome;
        try {
            outcome = d == null ? new Deliverer.Outcome.Permanent(null, "no deliverer for " + item.kind())
                    : d.deliver(item);
        } catch (RuntimeException e) {
            outcome = new Deliverer.Outcome.Retry(null, e.getClass().getSimpleName(), null);
        }
        long ms = (System.nanoTime() - started) / 1_000_000;
        Instant at = clock.instant();
        if (outcome instanceof Deliverer.Outcome.Delivered ok) {
            outbox.delivered(item, ok.statusCode(), at, ms);
            count(item, "delivered");
            return;
        }
        if (outcome instanceof Deliverer.Outcome.Deferred wait) {
            outbox.deferred(item, wait.reason(), at.plus(wait.after()));
            count(item, "deferred");
            return;
        }
        boolean last = item.attempts() + 1 >= config.getMaxAttempts();
        if (outcome instanceof Deliverer.Outcome.Permanent p || last) {
            Integer code = outcome instanceof Deliverer.Outcome.Permanent p2 ? p2.statusCode()
                    : ((Deliverer.Outcome.Retry) outcome).statusCode();
            String error = outcome instanceof Deliverer.Outcome.Permanent p3 ? p3.error()
                    : ((Deliverer.Outcome.Retry) outcome).error();
            outbox.failed(item, code, error, at, null, ms);
            count(item, "dead");
            LOG.warn("Outbox row {} ({} {}) is dead after {} attempts: {}", item.id(), item.kind(),
                    item.eventType(), item.attempts() + 1, error);
            if (d != null) {
                d.dead(item);
            }
            return;
        }
        Deliverer.Outcome.Retry retry = (Deliverer.Outcome.Retry) outcome;
        count(item, "retry");
        outbox.failed(item, retry.statusCode(), retry.error(), at, at.plus(backoff(item.attempts() + 1,
                retry.retryAfter())), ms);
    }

    Duration backoff(int attempt, Duration retryAfter) {
        long max = config.getMaxBackoff().toMilliseconds();
        if (retryAfter != null) {
            return Duration.ofMillis(Math.min(retryAfter.toMillis(), max));
        }
        long base = config.getInitialBackoff().toMilliseconds() * (1L << Math.min(attempt - 1, 20));
        long capped = Math.min(base, max);
        return Duration.ofMillis(capped / 2 + ThreadLocalRandom.current().nextLong(capped / 2 + 1));
    }
}
