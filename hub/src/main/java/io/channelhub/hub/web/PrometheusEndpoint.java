package io.channelhub.hub.web;

import com.codahale.metrics.MetricFilter;
import com.codahale.metrics.MetricRegistry;
import io.dropwizard.core.setup.Environment;
import io.prometheus.metrics.exporter.servlet.jakarta.PrometheusMetricsServlet;
import io.prometheus.metrics.instrumentation.dropwizard.DropwizardExports;
import io.prometheus.metrics.instrumentation.jvm.JvmMetrics;
import io.prometheus.metrics.model.registry.PrometheusRegistry;

/**
 * Serves the Dropwizard metric registry in Prometheus text format at {@code /prometheus} on the admin port.
 * Standard JVM metrics ({@code jvm_*}) come from the Prometheus JVM instrumentation. Metrics named {@code *.total} are dropped: Dropwizard's {@code @Timed} adds one beside each timer, which maps
 * onto the same Prometheus name as the timer's counter.
 */
public final class PrometheusEndpoint {

    public static final String PATH = "/prometheus";

    private PrometheusEndpoint() {
    }

    public static PrometheusRegistry install(Environment env) {
        PrometheusRegistry registry = new PrometheusRegistry();
        MetricRegistry metrics = env.metrics();
        MetricFilter filter = (name, metric) -> !name.endsWith(".total");
        DropwizardExports.builder().dropwizardRegistry(new SnakeCaseMetrics(metrics)).metricFilter(filter).register(registry);
        JvmMetrics.builder().register(registry);
        env.admin().addServlet("prometheus", new PrometheusMetricsServlet(registry)).addMapping(PATH);
        return registry;
    }
}
