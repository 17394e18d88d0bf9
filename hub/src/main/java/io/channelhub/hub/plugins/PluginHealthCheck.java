package io.channelhub.hub.plugins;

import com.codahale.metrics.health.HealthCheck;

/**
 * Health of one plugin. A plugin listed in {@code plugins.required} that is not STARTED makes the node unhealthy
 * (it must not take traffic it cannot serve); any other plugin's failure is reported but keeps the node healthy,
 * because the hub serves every other plugin.
 */
public class PluginHealthCheck extends HealthCheck {

    private final PluginPlatform platform;
    private final String pluginId;
    private final boolean required;

    public PluginHealthCheck(PluginPlatform platform, String pluginId, boolean required) {
        this.platform = platform;
        this.pluginId = pluginId;
        this.required = required;
    }

    @Override
    protected Result check() {
        var status = platform.status(pluginId);
        if (status.isEmpty()) {
            return required ? Result.unhealthy("required plugin is not installed") : Result.healthy("not installed");
        }
        PluginStatus s = status.get();
        if (s.state() == PluginState.STARTED) {
            return Result.healthy(s.version());
        }
        String text = s.state().wire() + ": " + s.reason();
        return required ? Result.unhealthy("required plugin " + text) : Result.healthy("optional plugin " + text);
    }
}
