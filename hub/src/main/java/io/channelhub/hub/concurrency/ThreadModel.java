package io.channelhub.hub.concurrency;

import com.fasterxml.jackson.annotation.JsonCreator;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.AbstractExecutorService;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.Semaphore;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Where the hub's blocking work runs. The build targets Java 17; on Java 21 and later (production runs on 25) the
 * same bytecode runs requests and background workers on virtual threads, so a turn waiting seconds for a model or
 * a stream open for a minute holds a few hundred bytes of heap instead of a platform thread and its stack. The
 * JDK's virtual-thread API is reached through method handles, since Java 17 does not have it to compile against.
 */
public final class ThreadModel {

    /** Configured choice. */
    public enum Mode {
        AUTO, VIRTUAL, PLATFORM;

        @JsonCreator
        public static Mode of(String s) {
            return valueOf(s.trim().toUpperCase(Locale.ROOT));
        }
    }

    /** The JDK's count of the platform threads that carry virtual threads (by default one per core). */
    static final String CARRIERS = "jdk.virtualThreadScheduler.parallelism";
    /**
     * Carriers at the least, however few the cores. A virtual thread is not time-sliced: once mounted it runs until it
     * blocks, so requests queue in arrival order behind whatever the carriers run, and the few long stretches among
     * short ones (a commit that writes the embedded database's store, a long history) hold every request behind them.
     * On two cores at half the hub's maximum rate that made the p99 0.5-0.9 s with two carriers against 0.1-0.18 s
     * with eight, at the same maximum rate (docs/benchmarks.md, the seventh pass): with more carriers than cores the
     * kernel slices the cores among them, as it did among platform threads.
     */
    static final int MIN_CARRIERS = 8;

    /** {@code Thread.ofVirtual()}, {@code Builder.name(prefix, start)} and {@code Builder.factory()}; null before 21. */
    private static final MethodHandle[] VIRTUAL = find();

    private final boolean virtual;

    private ThreadModel(boolean virtual) {
        this.virtual = virtual;
    }

    private static MethodHandle[] find() {
        try {
            MethodHandles.Lookup lookup = MethodHandles.publicLookup();
            Class<?> ofVirtual = Class.forName("java.lang.Thread$Builder$OfVirtual");
            Class<?> builder = Class.forName("java.lang.Thread$Builder");
            return new MethodHandle[] {
                lookup.findStatic(Thread.class, "ofVirtual", MethodType.methodType(ofVirtual)),
                lookup.findVirtual(ofVirtual, "name", MethodType.methodType(ofVirtual, String.class, long.class)),
                lookup.findVirtual(builder, "factory", MethodType.methodType(ThreadFactory.class))};
        } catch (ReflectiveOperationException e) {
            return null;
        }
    }

    /**
     * Gives the virtual-thread scheduler at least {@link #MIN_CARRIERS} carriers, unless the operator chose a number
     * ({@code -Djdk.virtualThreadScheduler.parallelism}). The scheduler reads it once, when the first virtual thread
     * starts: the hub's {@code main} calls this first.
     */
    public static void widenCarriers() {
        if (System.getProperty(CARRIERS) == null) {
            System.setProperty(CARRIERS, Integer.toString(Math.max(MIN_CARRIERS,
                    Runtime.getRuntime().availableProcessors())));
        }
    }

    /**
     * Carriers the virtual-thread scheduler has: the JDK's own count where it tells it (Java 24+), so the start log
     * shows what the scheduler took, not what was asked; else {@link #configuredCarriers()}.
     */
    static int carriers() {
        try {
            Class<? extends java.lang.management.PlatformManagedObject> type = Class.forName(
                    "jdk.management.VirtualThreadSchedulerMXBean")
                    .asSubclass(java.lang.management.PlatformManagedObject.class);
            Object bean = java.lang.management.ManagementFactory.getPlatformMXBean(type);
            if (bean != null) {
                return (Integer) type.getMethod("getParallelism").invoke(bean);
            }
        } catch (ReflectiveOperationException | RuntimeException | LinkageError beforeJava24) {
            // The property below is what the scheduler reads.
        }
        return configuredCarriers();
    }

    /** Carriers the scheduler takes when it starts: the property if set, else one per core (the JDK's rule). */
    static int configuredCarriers() {
        String set = System.getProperty(CARRIERS);
        try {
            return set == null ? Runtime.getRuntime().availableProcessors() : Integer.parseInt(set.trim());
        } catch (NumberFormatException e) {
            return Runtime.getRuntime().availableProcessors();
        }
    }

    /** Whether this JVM has virtual threads. */
    public static boolean available() {
        // 19 and 20 have the API as a preview, which fails unless the JVM enables previews.
        return VIRTUAL != null && Runtime.version().feature() >= 21;
    }

    /** The model for {@code mode} on this JVM; {@code VIRTUAL} without them is a configuration error. */
    public static ThreadModel of(Mode mode) {
        return switch (mode) {
            case PLATFORM -> new ThreadModel(false);
            case AUTO -> new ThreadModel(available());
            case VIRTUAL -> {
                if (!available()) {
                    throw new IllegalStateException("threads.mode is virtual, but this JVM (Java "
                            + Runtime.version().feature() + ") has no virtual threads: run on Java 21 or later, or "
                            + "set threads.mode to auto");
                }
                yield new ThreadModel(true);
            }
        };
    }

    public boolean virtual() {
        return virtual;
    }

    /** For the start log: what runs requests and workers on this node. */
    public String describe() {
        return virtual ? "virtual threads (Java " + Runtime.version().feature() + ", " + carriers() + " carriers)"
                : "platform threads (Java " + Runtime.version().feature() + ")";
    }

    /** Threads named {@code prefix-N}: virtual ones in this model, else daemon platform threads. */
    public ThreadFactory factory(String prefix) {
        if (virtual) {
            try {
                Object builder = VIRTUAL[0].invoke();
                builder = VIRTUAL[1].invoke(builder, prefix + "-", 1L);
                return (ThreadFactory) VIRTUAL[2].invoke(builder);
            } catch (Throwable e) {
                throw new IllegalStateException("virtual threads could not be made", e);
            }
        }
        AtomicInteger n = new AtomicInteger();
        return r -> {
            Thread t = new Thread(r, prefix + "-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        };
    }

    /**
     * Workers for blocking tasks, at most {@code concurrency} running at once; the rest wait in submission order.
     * Platform threads: a fixed pool of that size. Virtual threads: one per task, started when a permit is free, so
     * the bound holds (it protects what the tasks share, such as the database pool) without idle threads.
     */
    public ExecutorService workers(String prefix, int concurrency) {
        ThreadFactory threads = factory(prefix);
        if (!virtual) {
            return Executors.newFixedThreadPool(concurrency, threads);
        }
        return bounded(threads, concurrency);
    }

    /** At most {@code concurrency} tasks at once, each on a new thread of {@code threads}. */
    static ExecutorService bounded(ThreadFactory threads, int concurrency) {
        return new Bounded(threads, concurrency);
    }

    /**
     * A task per virtual thread behind a semaphore: a task starts at once when a permit is free, or waits in order;
     * a finishing task hands its permit to the next waiting one.
     */
    private static final class Bounded extends AbstractExecutorService {
        private final ThreadFactory threads;
        private final Semaphore permits;
        private final ConcurrentLinkedQueue<Runnable> waiting = new ConcurrentLinkedQueue<>();
        private final AtomicInteger running = new AtomicInteger();
        private volatile boolean shutdown;

        Bounded(ThreadFactory threads, int concurrency) {
            this.threads = threads;
            this.permits = new Semaphore(concurrency);
        }

        @Override
        public void execute(Runnable command) {
            if (shutdown) {
                throw new RejectedExecutionException("shut down");
            }
            waiting.add(command);
            drain();
        }

        /** Starts waiting tasks while permits last; run after every change to either. */
        private void drain() {
            while (!waiting.isEmpty() && permits.tryAcquire()) {
                Runnable task = waiting.poll();
                if (task == null) {
                    permits.release();
                    continue;
                }
                running.incrementAndGet();
                threads.newThread(() -> {
                    try {
                        task.run();
                    } finally {
                        running.decrementAndGet();
                        permits.release();
                        drain();
                    }
                }).start();
            }
        }

        @Override
        public void shutdown() {
            shutdown = true;
        }

        @Override
        public List<Runnable> shutdownNow() {
            shutdown = true;
            List<Runnable> left = new ArrayList<>();
            for (Runnable r = waiting.poll(); r != null; r = waiting.poll()) {
                left.add(r);
            }
            return left;
        }

        @Override
        public boolean isShutdown() {
            return shutdown;
        }

        @Override
        public boolean isTerminated() {
            return shutdown && waiting.isEmpty() && running.get() == 0;
        }

        @Override
        public boolean awaitTermination(long timeout, TimeUnit unit) throws InterruptedException {
            long deadline = System.nanoTime() + unit.toNanos(timeout);
            while (!isTerminated() && System.nanoTime() < deadline) {
                Thread.sleep(10);
            }
            return isTerminated();
        }
    }
}
