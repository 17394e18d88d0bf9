package io.channelhub.hub.web;

import com.fasterxml.jackson.annotation.JsonTypeName;
import io.dropwizard.request.logging.LogbackAccessRequestLogFactory;
import org.eclipse.jetty.server.RequestLog;

/**
 * Request log type {@code hub}: Dropwizard's logback-access request log without logback-access's start-up status
 * lines ("|-INFO in LogbackAccessRequestLog - Found logback-core version ..."), which are plain text among the JSON
 * lines production collects.
 */
@JsonTypeName("hub")
public class QuietRequestLogFactory extends LogbackAccessRequestLogFactory {

    @Override
    public RequestLog build(String name) {
        RequestLog log = super.build(name);
        if (log instanceof ch.qos.logback.access.jetty.RequestLogImpl impl) {
            impl.setQuiet(true);
        }
        return log;
    }
}
