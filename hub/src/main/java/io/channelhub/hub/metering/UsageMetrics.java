package io.channelhub.hub.metering;

import io.prometheus.metrics.core.metrics.CounterWithCallback;
import io.prometheus.metrics.core.metrics.GaugeWithCallback;
import io.prometheus.metrics.model.registry.PrometheusRegistry;

/**
 * The usage ledger's health: rows waiting in the spool for the database, failed attempts to write them, and rows
 * that could not be written at all (by reason; each one is billing data an operator must look at).
 */
public final class UsageMetrics {

    private UsageMetrics() {
    }

    public static void register(PrometheusRegistry registry, UsageLedger ledger) {
        GaugeWithCallback.builder().name("channelhub_usage_spooled_rows")
                .help("API request usage rows on disk waiting for the database")
                .callback(cb -> cb.call(ledger.spooledRows())).register(registry);
        GaugeWithCallback.builder().name("channelhub_usage_spool_bytes")
                .help("Bytes of the usage spool's segment files (what a database outage has piled up)")
                .callback(cb -> cb.call(ledger.spoolBytes())).register(registry);
        GaugeWithCallback.builder().name("channelhub_usage_spool_free_bytes")
                .help("Free bytes on the usage spool's volume; when it runs out, request usage cannot be spooled")
                .callback(cb -> {
                    long free = ledger.spoolFreeBytes();
                    if (free >= 0) {
                        cb.call(free);
                    }
                }).register(registry);
        CounterWithCallback.builder().name("channelhub_usage_write_failures")
                .help("Attempts to write spooled usage rows that failed because the database could not be reached")
                .callback(cb -> cb.call(ledger.failedWrites())).register(registry);
        CounterWithCallback.builder().name("channelhub_usage_rows_lost")
                .help("Usage rows that could not be written, by reason (rejected rows are kept in the spool's "
                        + "rejected.jsonl)").labelNames("reason")
                .callback(cb -> {
                    for (UsageLedger.Loss l : UsageLedger.Loss.values()) {
                        cb.call(ledger.lostRows(l), l.label());
                    }
                }).register(registry);
    }
}
