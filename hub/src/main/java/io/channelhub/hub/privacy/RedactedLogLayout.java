package io.channelhub.hub.privacy;

import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.LayoutBase;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonTypeName;
import io.dropwizard.logging.common.DropwizardLayout;
import jakarta.validation.constraints.NotEmpty;
import jakarta.validation.constraints.NotNull;
import java.util.Locale;
import java.util.TimeZone;

/**
 * Log layout {@code redacted}: the {@code redacted-json} masking with the output chosen by {@code format} — {@code text}
 * (one readable line per event, the embedded default) or {@code json} (one object per line, what a log pipeline
 * reads; production sets {@code CHANNELHUB_LOG_FORMAT=json}). The JSON options ({@code includesMdcKeys}, ...) apply to
 * {@code json}; {@code pattern} (a logback pattern) to {@code text}.
 */
@JsonTypeName("redacted")
public class RedactedLogLayout extends LogRedaction {

    /** The output of {@code format}. */
    public enum Format {
        TEXT, JSON;

        /** Case-insensitive, so {@code CHANNELHUB_LOG_FORMAT=json} and {@code JSON} both work. */
        @com.fasterxml.jackson.annotation.JsonCreator
        public static Format of(String value) {
            return valueOf(value.trim().toUpperCase(Locale.ROOT));
        }
    }

    @NotNull
    private Format format = Format.TEXT;

    /** No colour codes: the same line reads well in a terminal, a file and a pipe. */
    @NotEmpty
    private String pattern = "%-5level [%d{ISO8601,UTC}] %logger{36}: %msg%n%rEx";

    @JsonProperty
    public Format getFormat() {
        return format;
    }

    @JsonProperty
    public void setFormat(Format format) {
        this.format = format;
    }

    @JsonProperty
    public String getPattern() {
        return pattern;
    }

    @JsonProperty
    public void setPattern(String pattern) {
        this.pattern = pattern;
    }

    @Override
    public LayoutBase<ILoggingEvent> build(LoggerContext context, TimeZone timeZone) {
        if (format == Format.JSON) {
            return super.build(context, timeZone);
        }
        DropwizardLayout text = new DropwizardLayout(context, timeZone);
        text.setPattern(pattern);
        return redacting(text, context);
    }
}
