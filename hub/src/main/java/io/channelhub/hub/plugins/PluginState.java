package io.channelhub.hub.plugins;

import java.util.Locale;

/** A plugin's state as the admin API and health checks report it. */
public enum PluginState {
    /** Loaded, started, extensions usable. */
    STARTED,
    /** Its Plugin-Requires does not match this hub's plugin API, or is missing: refused, never started. */
    INCOMPATIBLE,
    /**
     * Its jar is not signed by a certificate that plugins.trustedSigners lists (unsigned, partly signed, changed after
     * signing, or another signer): refused before any of its code or manifest is used.
     */
    UNTRUSTED,
    /** Switched off by the operator (disabled.txt in the plugins directory). */
    DISABLED,
    /** Could not be loaded, threw on start, or an extension misbehaved; its reason says which. */
    FAILED,
    /** Stopped by the hub (shutdown). */
    STOPPED;

    public String wire() {
        return name().toLowerCase(Locale.ROOT);
    }
}
