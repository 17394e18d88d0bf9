package io.channelhub.hub.privacy;

import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.IThrowableProxy;
import ch.qos.logback.core.LayoutBase;
import com.fasterxml.jackson.annotation.JsonTypeName;
import io.channelhub.plugin.privacy.PiiDetector;
import io.dropwizard.logging.json.EventJsonLayoutBaseFactory;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.util.List;
import java.util.TimeZone;

/**
 * Log layout {@code redacted-json}: Dropwizard's JSON layout with personal data masked in every message, by the
 * detectors of all privacy policies the hub runs (whatever the tenant), exception messages included. Until a policy plugin has started (the
 * first lines of a start), messages pass unchanged.
 */
@JsonTypeName("redacted-json")
public class LogRedaction extends EventJsonLayoutBaseFactory {

    private static volatile Redactor redactor = new Redactor(List.of(), List.of(), "");

    /** Uses these detectors from now on (called when the privacy plugins have started). */
    public static void install(List<PiiDetector> detectors) {
        install(detectors, java.util.Set.of());
    }

    /**
     * The same, keeping {@code infrastructure} readable: the addresses of the hub's own database, Redis, model and
     * telemetry endpoints are no one's personal data, and a log that says a connection to {@code [ip]:3306} failed
     * hides where to look.
     */
    public static void install(List<PiiDetector> detectors, java.util.Set<String> infrastructure) {
        redactor = new Redactor(detectors, List.of(), "", infrastructure);
    }

    static String redact(String message) {
        return redactor.apply(message, Redactor.Mode.MASK).text();
    }

    @Override
    public LayoutBase<ILoggingEvent> build(LoggerContext context, TimeZone timeZone) {
        return redacting(super.build(context, timeZone), context);
    }

    /** {@code inner} applied to each event with its personal data masked. */
    static LayoutBase<ILoggingEvent> redacting(LayoutBase<ILoggingEvent> inner, LoggerContext context) {
        LayoutBase<ILoggingEvent> out = new LayoutBase<>() {
            @Override
            public String doLayout(ILoggingEvent event) {
                return inner.doLayout(redacted(event));
            }

            @Override
            public void start() {
                inner.start();
                super.start();
            }

            @Override
            public void stop() {
                inner.stop();
                super.stop();
            }
        };
        out.setContext(context);
        return out;
    }

    /**
     * The event with its formatted message and its exception texts redacted; everything else as it was. Exception
     * messages matter as much as log messages: a constraint violation or a provider's error echoes the value it
     * refused.
     */
    static ILoggingEvent redacted(ILoggingEvent event) {
        String message = event.getFormattedMessage();
        String clean = message == null ? null : redact(message);
        IThrowableProxy thrown = event.getThrowableProxy();
        if (thrown == null && (clean == null || clean.equals(message))) {
            return event;
        }
        IThrowableProxy cleanThrown = redacted(thrown);
        return (ILoggingEvent) Proxy.newProxyInstance(ILoggingEvent.class.getClassLoader(),
                new Class<?>[] {ILoggingEvent.class}, (proxy, method, args) -> {
                    switch (method.getName()) {
                        case "getFormattedMessage", "getMessage" -> {
                            return clean;
                        }
                        case "getArgumentArray" -> {
                            return null;
                        }
                        case "getThrowableProxy" -> {
                            return cleanThrown;
                        }
                        default -> {
                            return forward(method, event, args);
                        }
                    }
                });
    }

    /** A throwable whose message, causes' and suppressed' messages are redacted, wrapped as they are read. */
    static IThrowableProxy redacted(IThrowableProxy thrown) {
        if (thrown == null) {
            return null;
        }
        return (IThrowableProxy) Proxy.newProxyInstance(IThrowableProxy.class.getClassLoader(),
                new Class<?>[] {IThrowableProxy.class}, (proxy, method, args) -> {
                    switch (method.getName()) {
                        case "getMessage" -> {
                            return thrown.getMessage() == null ? null : redact(thrown.getMessage());
                        }
                        case "getCause" -> {
                            return redacted(thrown.getCause());
                        }
                        case "getSuppressed" -> {
                            IThrowableProxy[] suppressed = thrown.getSuppressed();
                            if (suppressed == null) {
                                return null;
                            }
                            IThrowableProxy[] out = new IThrowableProxy[suppressed.length];
                            for (int i = 0; i < out.length; i++) {
                                out[i] = redacted(suppressed[i]);
                            }
                            return out;
                        }
                        default -> {
                            return forward(method, thrown, args);
                        }
                    }
                });
    }

    private static Object forward(java.lang.reflect.Method method, Object target, Object[] args) throws Throwable {
        try {
            return method.invoke(target, args);
        } catch (InvocationTargetException e) {
            throw e.getCause();
        }
    }
}
