package io.channelhub.hub.web;

import com.codahale.metrics.Counter;
import com.codahale.metrics.Gauge;
import com.codahale.metrics.Histogram;
import com.codahale.metrics.Meter;
import com.codahale.metrics.Metric;
import com.codahale.metrics.MetricFilter;
import com.codahale.metrics.MetricRegistry;
import com.codahale.metrics.Timer;
import java.util.Locale;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.regex.Pattern;

/**
 * A read-only view of the Dropwizard registry whose metric names are snake_case
 * ({@code ManagedPooledDataSource.releasedIdle} becomes {@code managed_pooled_data_source.released_idle}), so the
 * Prometheus export follows Prometheus naming and passes {@code promtool check metrics}.
 */
final class SnakeCaseMetrics extends MetricRegistry {

    private static final Pattern CAMEL = Pattern.compile("(?<=[a-z0-9])(?=[A-Z])|(?<=[A-Z])(?=[A-Z][a-z])");

    private final MetricRegistry source;

    SnakeCaseMetrics(MetricRegistry source) {
        this.source = source;
    }

    /** Dropwizard names a connector's timer by its bind host and port; the host goes (the port becomes a label). */
    private static final Pattern CONNECTOR =
            Pattern.compile("^(org\\.eclipse\\.jetty\\.server\\.HttpConnectionFactory)\\.(?:.+\\.)?(\\d+)\\.connections$");

    static String snake(String name) {
        String n = CONNECTOR.matcher(name).replaceFirst("$1.$2.connections");
        return CAMEL.matcher(n).replaceAll("_").replace('-', '_').toLowerCase(Locale.ROOT);
    }

    private static <T extends Metric> SortedMap<String, T> renamed(SortedMap<String, T> metrics) {
        SortedMap<String, T> out = new TreeMap<>();
        for (Map.Entry<String, T> e : metrics.entrySet()) {
            out.putIfAbsent(snake(e.getKey()), e.getValue());
        }
        return out;
    }

    @Override
    @SuppressWarnings("rawtypes")
    public SortedMap<String, Gauge> getGauges(MetricFilter filter) {
        return renamed(source.getGauges(filter));
    }

    @Override
    public SortedMap<String, Counter> getCounters(MetricFilter filter) {
        return renamed(source.getCounters(filter));
    }

    @Override
    public SortedMap<String, Histogram> getHistograms(MetricFilter filter) {
        return renamed(source.getHistograms(filter));
    }

    @Override
    public SortedMap<String, Meter> getMeters(MetricFilter filter) {
        return renamed(source.getMeters(filter));
    }

    @Override
    public SortedMap<String, Timer> getTimers(MetricFilter filter) {
        return renamed(source.getTimers(filter));
    }
}
