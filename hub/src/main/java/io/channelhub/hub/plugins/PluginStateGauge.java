package io.channelhub.hub.plugins;

import io.prometheus.metrics.core.metrics.GaugeWithCallback;
import io.prometheus.metrics.model.registry.PrometheusRegistry;

/** {@code channelhub_plugin_state}: 1 for the state each plugin jar is in, read from the platform at each scrape. */
public final class PluginStateGauge {

    private PluginStateGauge() {
    }

    public static void register(PrometheusRegistry registry, PluginPlatform plugins) {
        GaugeWithCallback.builder().name("channelhub_plugin_state")
                .help("1 for the state each plugin jar is in").labelNames("plugin", "state")
                .callback(cb -> {
                    for (PluginStatus s : plugins.statuses()) {
                        for (PluginState st : PluginState.values()) {
                            cb.call(s.state() == st ? 1 : 0, s.id(), st.wire());
                        }
                    }
                }).register(registry);
    }
}
