package io.channelhub.hub.privacy;

import ch.qos.logback.access.common.spi.IAccessEvent;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.core.LayoutBase;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonTypeName;
import io.dropwizard.logging.json.AccessJsonLayoutBaseFactory;
import io.dropwizard.request.logging.layout.LogbackAccessRequestLayout;
import jakarta.validation.constraints.NotNull;
import java.util.TimeZone;

/**
 * Request log layout {@code access}: one line per request in the format {@code format} names, like the application
 * log's {@code redacted} layout — {@code text} (the combined log format, the embedded default) or {@code json}
 * (Dropwizard's {@code access-json}, whose options apply).
 */
@JsonTypeName("access")
public class AccessLogLayout extends AccessJsonLayoutBaseFactory {

    @NotNull
    private RedactedLogLayout.Format format = RedactedLogLayout.Format.TEXT;

    /** The request attribute the hub's tracing filter sets: every request line carries its trace id. */
    static final String TRACE_ID = io.channelhub.hub.observability.Tracing.MDC_TRACE_ID;

    public AccessLogLayout() {
        setRequestAttributes(java.util.Set.of(TRACE_ID));
    }

    @JsonProperty
    public RedactedLogLayout.Format getFormat() {
        return format;
    }

    @JsonProperty
    public void setFormat(RedactedLogLayout.Format format) {
        this.format = format;
    }

    @Override
    public LayoutBase<IAccessEvent> build(LoggerContext context, TimeZone timeZone) {
        if (format == RedactedLogLayout.Format.JSON) {
            return super.build(context, timeZone);
        }
        LogbackAccessRequestLayout text = new LogbackAccessRequestLayout(context, timeZone);
        // The combined log format, then the trace id ("-" for a request that reached no resource).
        text.setPattern(text.getPattern() + " %reqAttribute{" + TRACE_ID + "}");
        return text;
    }
}
