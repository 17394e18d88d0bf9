package io.channelhub.hub.privacy;

import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.ILoggingEvent;
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
 * detectors of all privacy policies the hub runs (whatever the tenant). Until a policy plugin has started (the
 * first lines of a start), messages pass unchanged.
 */
@JsonTypeName("redacted-json")
public class LogRedaction extends EventJsonLayoutBaseFactory {

    private static volatile Redactor redactor = new Redactor(List.of(), List.of(), "");

    /** Uses these detectors from now on (called when the privacy plugins have started). */
    public static void install(List<PiiDetector> detectors) {
        redactor = new Redactor(detectors, List.of(), "");
    }

    static String redact(String message) {
        return redactor.apply(message, Redactor.Mode.MASK).text();
    }

    @Override
    public LayoutBase<ILoggingEvent> build(LoggerContext context, TimeZone timeZone) {
        LayoutBase<ILoggingEvent> json = super.build(context, timeZone);
        LayoutBase<ILoggingEvent> out = new LayoutBase<>() {
            @Override
            public String doLayout(ILoggingEvent event) {
                return json.doLayout(redacted(event));
            }

            @Override
            public void start() {
                json.start();
                super.start();
            }

            @Override
            public void stop() {
                json.stop();
                super.stop();
            }
        };
        out.setContext(context);
        return out;
    }

    /** The event with its formatted message redacted; everything else as it was. */
    static ILoggingEvent redacted(ILoggingEvent event) {
        String message = event.getFormattedMessage();
        String clean = message == null ? null : redact(message);
        if (clean == null || clean.equals(message)) {
            return event;
        }
        return (ILoggingEvent) Proxy.newProxyInstance(ILoggingEvent.class.getClassLoader(),
                new Class<?>[] {ILoggingEvent.class}, (proxy, method, args) -> {
                    if (method.getName().equals("getFormattedMessage") || method.getName().equals("getMessage")) {
                        return clean;
                    }
                    if (method.getName().equals("getArgumentArray")) {
                        return null;
                    }
                    try {
                        return method.invoke(event, args);
                    } catch (InvocationTargetException e) {
                        throw e.getCause();
                    }
                });
    }
}
