package io.channelhub.hub.plugins;

import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.context.Scope;
import io.prometheus.metrics.core.metrics.Histogram;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.lang.reflect.InvocationHandler;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;

/**
 * What stands between the hub and every extension a plugin contributes. The platform hands out only guarded
 * proxies, so no caller can reach plugin code around them; each call is:
 * <ul>
 *   <li><b>traced</b>: a span {@code plugin <id> <Interface>.<method>}, marked as an error when the call throws;</li>
 *   <li><b>measured</b>: {@code channelhub_plugin_call_duration_seconds} by plugin, extension point, method and
 *       outcome ({@code ok}, {@code error}, {@code timeout});</li>
 *   <li><b>attributed</b>: the log's {@code plugin} field names the plugin while its code runs;</li>
 *   <li><b>bounded</b>: past its timeout the calling thread is interrupted (blocking I/O of the JDK's HTTP client
 *       and sleeps stop there) and the call fails with a {@link PluginCallException} caused by a
 *       {@link TimeoutException}. Code that ignores interrupts still holds its thread until it returns; the call is
 *       then failed and counted as a timeout all the same.</li>
 * </ul>
 * Objects an extension returns that are themselves plugin code (a model's token stream) are guarded the same way.
 * Exceptions pass through unchanged: what a plugin may throw is part of each extension point's contract, and the
 * platform's {@link PluginPlatform#call} decides what a failure means for the request.
 */
public final class PluginGuard {

    private static final Logger LOG = LoggerFactory.getLogger(PluginGuard.class);
    private static final String API_PACKAGE = "io.channelhub.plugin";

    /** One watchdog for every guard of the JVM: it only interrupts, so one thread is plenty. */
    private static final ScheduledExecutorService WATCHDOG = watchdog();

    private final Tracer tracer;
    private final Histogram calls;
    /** Calls running now, per plugin: an unload waits for its plugin's to finish. */
    private final java.util.concurrent.ConcurrentHashMap<String, java.util.concurrent.atomic.AtomicInteger> inFlight =
            new java.util.concurrent.ConcurrentHashMap<>();

    public PluginGuard(Tracer tracer, PrometheusRegistry registry) {
        this.tracer = tracer;
        this.calls = Histogram.builder().name("channelhub_plugin_call_duration_seconds")
                .help("Calls into plugin code, by plugin, extension point, method and outcome (ok, error, timeout)")
                .labelNames("plugin", "extension", "method", "outcome").register(registry);
    }

    private static ScheduledExecutorService watchdog() {
        ScheduledThreadPoolExecutor w = new ScheduledThreadPoolExecutor(1, r -> {
            Thread t = new Thread(r, "plugin-watchdog");
            t.setDaemon(true);
            return t;
        });
        w.setRemoveOnCancelPolicy(true);
        return Executors.unconfigurableScheduledExecutorService(w);
    }

    /** {@code target} behind a proxy of {@code type} that guards every call with {@code timeout} (zero: none). */
    public <T> T guard(Class<T> type, T target, String pluginId, Duration timeout) {
        if (target == null || Proxy.isProxyClass(target.getClass())
                && Proxy.getInvocationHandler(target) instanceof Guarded) {
            return target;
        }
        Object proxy = Proxy.newProxyInstance(type.getClassLoader(), new Class<?>[] {type},
                new Guarded(type, target, pluginId, timeout));
        return type.cast(proxy);
    }

    /**
     * Counts a whole operation on {@code pluginId} (several calls into it, and the hub's work between them) as running
     * until the returned handle is closed, so an unload waits for the operation, not only for each call.
     */
    public AutoCloseable enter(String pluginId) {
        var running = inFlight.computeIfAbsent(pluginId, k -> new java.util.concurrent.atomic.AtomicInteger());
        running.incrementAndGet();
        return running::decrementAndGet;
    }

    /** How many calls into {@code pluginId} are running now. */
    public int inFlight(String pluginId) {
        var n = inFlight.get(pluginId);
        return n == null ? 0 : n.get();
    }

    /**
     * Waits until no call into {@code pluginId} runs, at most {@code max}; true when none does. Callers stop handing
     * out the plugin's extensions first, so the count only falls.
     */
    public boolean awaitIdle(String pluginId, Duration max) throws InterruptedException {
        long deadline = System.nanoTime() + max.toNanos();
        while (inFlight(pluginId) > 0) {
            if (System.nanoTime() - deadline > 0) {
                return false;
            }
            Thread.sleep(10);
        }
        return true;
    }

    /** The object behind a guarded proxy (for identity checks and tests), or the object itself. */
    public static Object unwrap(Object maybeProxy) {
        if (maybeProxy != null && Proxy.isProxyClass(maybeProxy.getClass())
                && Proxy.getInvocationHandler(maybeProxy) instanceof Guarded g) {
            return g.target;
        }
        return maybeProxy;
    }

    /** A call's state, shared with its watchdog: interrupting and clearing happen under its lock, never crossed. */
    private static final class Deadline {
        private final Thread caller = Thread.currentThread();
        private boolean done;
        private boolean expired;

        synchronized void expire() {
            if (!done) {
                expired = true;
                caller.interrupt();
            }
        }

        /** Ends the call; true when it had expired (the interrupt it caused is cleared here). */
        synchronized boolean finish() {
            done = true;
            if (expired) {
                Thread.interrupted();
            }
            return expired;
        }
    }

    private final class Guarded implements InvocationHandler {
        private final Class<?> type;
        private final Object target;
        private final String pluginId;
        private final Duration timeout;

        Guarded(Class<?> type, Object target, String pluginId, Duration timeout) {
            this.type = type;
            this.target = target;
            this.pluginId = pluginId;
            this.timeout = timeout;
        }

        @Override
        public Object invoke(Object proxy, Method method, Object[] args) throws Throwable {
            if (method.getDeclaringClass() == Object.class) {
                return switch (method.getName()) {
                    case "equals" -> proxy == args[0];
                    case "hashCode" -> System.identityHashCode(proxy);
                    default -> "guarded " + pluginId + " " + type.getSimpleName();
                };
            }
            String extension = type.getSimpleName();
            String operation = extension + "." + method.getName();
            String outerPlugin = MDC.get("plugin");
            MDC.put("plugin", pluginId);
            Span span = tracer.spanBuilder("plugin " + pluginId + " " + operation)
                    .setAttribute("channelhub.plugin", pluginId).startSpan();
            var running = inFlight.computeIfAbsent(pluginId, k -> new java.util.concurrent.atomic.AtomicInteger());
            Deadline deadline = new Deadline();
            long start = System.nanoTime();
            Object result = null;
            Throwable failure = null;
            ScheduledFuture<?> alarm = null;
            running.incrementAndGet();
            try (Scope ignored = span.makeCurrent()) {
                alarm = timeout.isZero() ? null
                        : WATCHDOG.schedule(deadline::expire, timeout.toNanos(), TimeUnit.NANOSECONDS);
                result = method.invoke(target, args);
            } catch (InvocationTargetException e) {
                failure = e.getCause();
            } finally {
                running.decrementAndGet();
                if (alarm != null) {
                    alarm.cancel(false);
                }
            }
            boolean expired = deadline.finish();
            String outcome = expired ? "timeout" : failure == null ? "ok" : "error";
            calls.labelValues(pluginId, extension, method.getName(), outcome)
                    .observe((System.nanoTime() - start) / 1e9);
            try {
                if (expired) {
                    span.setStatus(StatusCode.ERROR, "timeout");
                    LOG.warn("Plugin {} did not answer {} within {}", pluginId, operation, timeout);
                    throw new PluginCallException(pluginId, operation,
                            new TimeoutException("no answer within " + timeout));
                }
                if (failure != null) {
                    span.setStatus(StatusCode.ERROR, failure.getClass().getSimpleName());
                    throw failure;
                }
                return guardResult(method, result);
            } finally {
                span.end();
                if (outerPlugin == null) {
                    MDC.remove("plugin");
                } else {
                    MDC.put("plugin", outerPlugin);
                }
            }
        }

        /** A returned object that runs plugin code when called (an open interface of the plugin API) is guarded too. */
        @SuppressWarnings({"unchecked", "rawtypes"})
        private Object guardResult(Method method, Object result) {
            Class<?> r = method.getReturnType();
            // A sealed interface is a closed set of values (SendResult), not code that runs later.
            if (result == null || !r.isInterface() || r.isSealed() || !r.getName().startsWith(API_PACKAGE + ".")) {
                return result;
            }
            return guard((Class) r, result, pluginId, timeout);
        }
    }
}
