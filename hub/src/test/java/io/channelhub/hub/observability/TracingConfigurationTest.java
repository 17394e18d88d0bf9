package io.channelhub.hub.observability;

import static org.assertj.core.api.Assertions.assertThat;

import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.sdk.testing.exporter.InMemorySpanExporter;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.sdk.trace.export.SimpleSpanProcessor;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The SDK takes OpenTelemetry's standard settings (here as the properties the {@code OTEL_*} variables become): the
 * service name, resource attributes and the sampler an operator sets are the ones spans carry.
 */
class TracingConfigurationTest {

    private static List<SpanData> oneSpan(Map<String, String> settings) {
        Tracing tracing = new Tracing(new Tracing.Factory(), settings);
        try {
            InMemorySpanExporter spans = InMemorySpanExporter.create();
            tracing.addProcessor(SimpleSpanProcessor.create(spans));
            tracing.tracer().spanBuilder("GET /v1/me").startSpan().end();
            return spans.getFinishedSpanItems();
        } finally {
            tracing.stop();
        }
    }

    @Test
    void theServiceIsChannelhubUnlessTheOperatorNamesIt() {
        assertThat(oneSpan(Map.of()).get(0).getResource().getAttribute(AttributeKey.stringKey("service.name")))
                .isEqualTo("channelhub");
        SpanData named = oneSpan(Map.of("otel.service.name", "hub-eu-west",
                "otel.resource.attributes", "deployment.environment=production,service.namespace=acme")).get(0);
        assertThat(named.getResource().getAttribute(AttributeKey.stringKey("service.name"))).isEqualTo("hub-eu-west");
        assertThat(named.getResource().getAttribute(AttributeKey.stringKey("deployment.environment")))
                .isEqualTo("production");
        assertThat(named.getResource().getAttribute(AttributeKey.stringKey("service.namespace"))).isEqualTo("acme");
    }

    @Test
    void theOperatorsSamplerDecides() {
        assertThat(oneSpan(Map.of("otel.traces.sampler", "always_off"))).isEmpty();
        assertThat(oneSpan(Map.of("otel.traces.sampler", "traceidratio", "otel.traces.sampler.arg", "1.0")))
                .hasSize(1);
    }

    /** The standard endpoint variable alone turns export on, over OTLP/HTTP, as the OpenTelemetry spec has it. */
    @Test
    void theStandardEndpointVariableAloneExportsSpans() throws Exception {
        com.sun.net.httpserver.HttpServer collector = com.sun.net.httpserver.HttpServer.create(
                new java.net.InetSocketAddress("127.0.0.1", 0), 0);
        java.util.List<String> received = new java.util.concurrent.CopyOnWriteArrayList<>();
        collector.createContext("/", exchange -> {
            received.add(exchange.getRequestMethod() + " " + exchange.getRequestURI().getPath() + " "
                    + exchange.getRequestHeaders().getFirst("Content-Type"));
            exchange.getRequestBody().readAllBytes();
            exchange.sendResponseHeaders(200, -1);
            exchange.close();
        });
        collector.start();
        try {
            Tracing tracing = new Tracing(new Tracing.Factory(), Map.of("otel.exporter.otlp.endpoint",
                    "http://127.0.0.1:" + collector.getAddress().getPort()));
            tracing.tracer().spanBuilder("GET /v1/me").startSpan().end();
            tracing.stop();
            assertThat(received).containsExactly("POST /v1/traces application/x-protobuf");
        } finally {
            collector.stop(0);
        }
    }

    @Test
    void anExporterTheOperatorNamesIsKept() {
        assertThat(Tracing.exporterUnlessChosen(io.opentelemetry.sdk.autoconfigure.spi.internal.DefaultConfigProperties
                .createFromMap(Map.of("otel.traces.exporter", "console")))).isEmpty();
        assertThat(Tracing.exporterUnlessChosen(io.opentelemetry.sdk.autoconfigure.spi.internal.DefaultConfigProperties
                .createFromMap(Map.of()))).containsEntry("otel.traces.exporter", "none");
    }
}
