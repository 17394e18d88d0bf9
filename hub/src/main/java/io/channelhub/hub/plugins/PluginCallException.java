package io.channelhub.hub.plugins;

/** Plugin code threw; mapped to a 502 {@code plugin_error} for the request that called it. */
public class PluginCallException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    private final String pluginId;

    public PluginCallException(String pluginId, String operation, Throwable cause) {
        super("plugin " + pluginId + " failed in " + operation, cause);
        this.pluginId = pluginId;
    }

    public String pluginId() {
        return pluginId;
    }
}
