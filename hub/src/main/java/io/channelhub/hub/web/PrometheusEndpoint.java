package io.channelhub.hub.web;

import com.codahale.metrics.MetricFilter;
import com.codahale.metrics.MetricRegistry;
import io.dropwizard.core.setup.Environment;
import io.prometheus.metrics.exporter.servlet.jakarta.PrometheusMetricsServlet;
import io.prometheus.metrics.instrumentation.dropwizard.DropwizardExports;
import io.prometheus.metrics.instrumentation.dropwizard5.labels.CustomLabelMapper;
import io.prometheus.metrics.instrumentation.dropwizard5.labels.MapperConfig;
import io.prometheus.metrics.instrumentation.jvm.JvmMetrics;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.util.List;
import java.util.Map;

/**
 * Serves the Dropwizard metric registry in Prometheus text format at {@code /prometheus} on the admin port.
 * Standard JVM metrics ({@code jvm_*}) come from the Prometheus JVM instrumentation, not from Dropwizard's gauges.
 * Metrics named {@code *.total} are dropped: Dropwizard's {@code @Timed} adds one beside each timer, which maps onto the
 * same Prometheus name as the timer's counter.
 */
public final class PrometheusEndpoint {

    public static final String PATH = "/prometheus";

    private PrometheusEndpoint() {
    }

    public static PrometheusRegistry install(Environment env) {
        PrometheusRegistry registry = new PrometheusRegistry();
        MetricRegistry metrics = env.metrics();
        // Dropwizard's own jvm.* gauges stay in /metrics: Prometheus gets the standard jvm_* of JvmMetrics instead,
        // where Dropwizard's would add a second, non-standard set (15 gauges named *_count, which promtool refuses).
        MetricFilter filter = (name, metric) -> !name.endsWith(".total") && !name.startsWith("jvm.");
        // A connector's timer is named after its port (org.eclipse.jetty.server.HttpConnectionFactory.8080.connections):
        // one metric with the port as a label, so dashboards and alerts do not depend on the deployment's ports.
        CustomLabelMapper connectors = new CustomLabelMapper(List.of(new MapperConfig(
                "org.eclipse.jetty.server.http_connection_factory.*.connections", "jetty_connections",
                Map.of("port", "${0}"))));
        DropwizardExports.builder().dropwizardRegistry(new SnakeCaseMetrics(metrics)).metricFilter(filter)
                .customLabelMapper(connectors).register(registry);
        JvmMetrics.builder().register(registry);
        env.admin().addServlet("prometheus", new PrometheusMetricsServlet(registry)).addMapping(PATH);
        return registry;
    }
}
