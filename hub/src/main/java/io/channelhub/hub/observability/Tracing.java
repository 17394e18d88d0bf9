package io.channelhub.hub.observability;

import com.fasterxml.jackson.annotation.JsonProperty;
import io.dropwizard.lifecycle.Managed;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.api.trace.propagation.W3CTraceContextPropagator;
import io.opentelemetry.context.Context;
import io.opentelemetry.context.propagation.TextMapGetter;
import io.opentelemetry.context.propagation.TextMapPropagator;
import io.opentelemetry.sdk.OpenTelemetrySdk;
import io.opentelemetry.sdk.autoconfigure.AutoConfiguredOpenTelemetrySdk;
import io.opentelemetry.sdk.autoconfigure.spi.ConfigProperties;
import io.opentelemetry.sdk.common.CompletableResultCode;
import io.opentelemetry.sdk.trace.ReadWriteSpan;
import io.opentelemetry.sdk.trace.ReadableSpan;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.SpanProcessor;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

/**
 * OpenTelemetry tracing of the hub: a server span per request (joining an incoming W3C {@code traceparent}),
 * child spans for model calls, plugin calls and outbox deliveries, and {@code traceparent} on every outbound call.
 * Spans are exported by OTLP/HTTP when {@code tracing.otlpEndpoint} is set, and as the standard {@code OTEL_*}
 * variables say; ids are in the logs either way.
 */
public final class Tracing implements Managed {

    /** The MDC key of the current request's or job's trace id. */
    public static final String MDC_TRACE_ID = "trace_id";

    public static final TextMapPropagator PROPAGATOR = W3CTraceContextPropagator.getInstance();

    private static final TextMapGetter<Map<String, String>> MAP_GETTER = new TextMapGetter<>() {
        @Override
        public Iterable<String> keys(Map<String, String> carrier) {
            return carrier.keySet();
        }

        @Override
        public String get(Map<String, String> carrier, String key) {
            return carrier == null ? null : carrier.get(key);
        }
    };

    /** Tracing configuration. */
    public static class Factory {
        /** OTLP/HTTP traces endpoint, e.g. http://otel-collector:4318/v1/traces; empty: no export. */
        private String otlpEndpoint = "";

        @JsonProperty
        public String getOtlpEndpoint() {
            return otlpEndpoint;
        }

        @JsonProperty
        public void setOtlpEndpoint(String v) {
            this.otlpEndpoint = v == null ? "" : v.trim();
        }
    }

    private final List<SpanProcessor> processors = new CopyOnWriteArrayList<>();
    private final OpenTelemetrySdk sdk;
    private final SdkTracerProvider provider;
    private final Tracer tracer;

    public Tracing(Factory config) {
        this(config, Map.of());
    }

    /**
     * The SDK as OpenTelemetry's standard variables describe it ({@code OTEL_SERVICE_NAME},
     * {@code OTEL_RESOURCE_ATTRIBUTES}, {@code OTEL_TRACES_SAMPLER}, {@code OTEL_EXPORTER_OTLP_*} with their
     * headers, ...; the autoconfigure extension reads them), on the hub's defaults: service name {@code channelhub},
     * OTLP over HTTP, spans exported when an OTLP endpoint is given ({@code tracing.otlpEndpoint}, or the standard
     * endpoint variables) and nowhere otherwise, so that the embedded default sends nothing to a collector that is not
     * there; no metrics or logs exporters (metrics are Prometheus's, logs are stdout's). {@code settings} are read as
     * if they came from the environment (tests).
     */
    Tracing(Factory config, Map<String, String> settings) {
        Map<String, String> defaults = new HashMap<>();
        defaults.put("otel.service.name", "channelhub");
        defaults.put("otel.metrics.exporter", "none");
        defaults.put("otel.logs.exporter", "none");
        defaults.put("otel.exporter.otlp.protocol", "http/protobuf");
        if (!config.getOtlpEndpoint().isEmpty()) {
            defaults.put("otel.exporter.otlp.traces.endpoint", config.getOtlpEndpoint());
        }
        SpanProcessor fanOut = new SpanProcessor() {
            @Override
            public void onStart(Context parent, ReadWriteSpan span) {
                processors.forEach(p -> p.onStart(parent, span));
            }

            @Override
            public boolean isStartRequired() {
                return true;
            }

            @Override
            public void onEnd(ReadableSpan span) {
                processors.forEach(p -> p.onEnd(span));
            }

            @Override
            public boolean isEndRequired() {
                return true;
            }

            @Override
            public CompletableResultCode shutdown() {
                return CompletableResultCode.ofAll(processors.stream().map(SpanProcessor::shutdown).toList());
            }

            @Override
            public CompletableResultCode forceFlush() {
                return CompletableResultCode.ofAll(processors.stream().map(SpanProcessor::forceFlush).toList());
            }
        };
        sdk = AutoConfiguredOpenTelemetrySdk.builder()
                .addPropertiesSupplier(() -> defaults)
                .addPropertiesSupplier(() -> settings)
                .addPropertiesCustomizer(Tracing::exporterUnlessChosen)
                .addTracerProviderCustomizer((builder, props) -> builder.addSpanProcessor(fanOut))
                .disableShutdownHook()
                .build().getOpenTelemetrySdk();
        provider = sdk.getSdkTracerProvider();
        tracer = provider.get("io.channelhub.hub");
    }

    /** The traces exporter when the operator named none: OTLP if an endpoint is configured, else none. */
    static Map<String, String> exporterUnlessChosen(ConfigProperties props) {
        if (props.getString("otel.traces.exporter") != null) {
            return Map.of();
        }
        boolean endpoint = props.getString("otel.exporter.otlp.endpoint") != null
                || props.getString("otel.exporter.otlp.traces.endpoint") != null;
        return Map.of("otel.traces.exporter", endpoint ? "otlp" : "none");
    }

    public Tracer tracer() {
        return tracer;
    }

    /** Adds a span processor at run time (an in-process consumer, or a test). */
    public void addProcessor(SpanProcessor processor) {
        processors.add(processor);
    }

    /** The W3C trace context of {@code context}, as headers to send or store. */
    public static Map<String, String> headers(Context context) {
        Map<String, String> out = new HashMap<>();
        PROPAGATOR.inject(context, out, (carrier, key, value) -> carrier.put(key, value));
        return out;
    }

    /** A context continuing the stored or received W3C headers. */
    public static Context extract(Map<String, String> headers) {
        return PROPAGATOR.extract(Context.root(), headers, MAP_GETTER);
    }

    @Override
    public void stop() {
        sdk.shutdown().join(5, TimeUnit.SECONDS);
    }

    /** The trace id of the work this thread is doing (a request, a job), for records that keep it (audit). */
    public static String currentTraceId() {
        return org.slf4j.MDC.get(MDC_TRACE_ID);
    }
}
