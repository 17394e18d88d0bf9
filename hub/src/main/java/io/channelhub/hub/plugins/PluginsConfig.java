package io.channelhub.hub.plugins;

import com.fasterxml.jackson.annotation.JsonProperty;
import jakarta.validation.constraints.NotEmpty;
import java.util.ArrayList;
import java.util.List;

/** Where plugin jars are and how the hub treats them. */
public class PluginsConfig {

    @NotEmpty
    private String directory = "plugins";

    /** Plugins the node must not serve without: one of them not STARTED makes the health check fail. */
    private List<String> required = new ArrayList<>();

    /**
     * SHA-256 fingerprints of the certificates whose signed plugin jars this hub loads (as {@code keytool -list -v}
     * or {@code openssl x509 -fingerprint -sha256} print them). Empty: every jar loads, signed or not.
     */
    private List<String> trustedSigners = new ArrayList<>();

    /**
     * Whether a plugin must declare what it uses (routes, usage types, tools, stores) in its manifest to start. Off:
     * a plugin built before declarations runs unrestricted (declarations, when present, always hold).
     */
    private boolean requireDeclaredCapabilities = false;

    @JsonProperty
    public boolean isRequireDeclaredCapabilities() {
        return requireDeclaredCapabilities;
    }

    @JsonProperty
    public void setRequireDeclaredCapabilities(boolean requireDeclaredCapabilities) {
        this.requireDeclaredCapabilities = requireDeclaredCapabilities;
    }

    /** Whether a started plugin is enabled for a tenant until that tenant's admin disables it. */
    private boolean enabledByDefault = true;

    /**
     * Plugins each tenant switches on itself, whatever {@link #enabledByDefault} says: ones that read every
     * conversation or cost work on every turn (the leads plugin observes each completed turn), which a tenant chooses.
     */
    @jakarta.validation.constraints.NotNull
    private java.util.List<String> optIn = java.util.List.of("leads");

    @JsonProperty
    public java.util.List<String> getOptIn() {
        return optIn;
    }

    @JsonProperty
    public void setOptIn(java.util.List<String> optIn) {
        this.optIn = optIn;
    }

    /**
     * How long one call into a plugin (a channel's webhook parsing or send, a gateway call, a tool) may take before
     * the hub gives up on it (PluginGuard).
     */
    @jakarta.validation.constraints.NotNull
    private io.dropwizard.util.Duration callTimeout = io.dropwizard.util.Duration.seconds(30);

    /** The same for a plugin's model provider: one call, or the wait for the next piece of a streamed reply. */
    @jakarta.validation.constraints.NotNull
    private io.dropwizard.util.Duration modelCallTimeout = io.dropwizard.util.Duration.minutes(5);

    /**
     * How long an upgrade or removal waits for the calls already running in the old version before it unloads it
     * (longer ones are left to fail).
     */
    @jakarta.validation.constraints.NotNull
    private io.dropwizard.util.Duration drainTimeout = io.dropwizard.util.Duration.seconds(30);

    /** How often a replica compares its installed plugins with the database, for a change announcement it missed. */
    @jakarta.validation.constraints.NotNull
    private io.dropwizard.util.Duration syncInterval = io.dropwizard.util.Duration.seconds(30);

    /** The largest plugin jar the admin API takes (MariaDB's max_allowed_packet must be larger). */
    @jakarta.validation.constraints.NotNull
    private io.dropwizard.util.DataSize maxPackageSize = io.dropwizard.util.DataSize.megabytes(15);

    @JsonProperty
    public io.dropwizard.util.Duration getDrainTimeout() {
        return drainTimeout;
    }

    @JsonProperty
    public void setDrainTimeout(io.dropwizard.util.Duration drainTimeout) {
        this.drainTimeout = drainTimeout;
    }

    @JsonProperty
    public io.dropwizard.util.Duration getSyncInterval() {
        return syncInterval;
    }

    @JsonProperty
    public void setSyncInterval(io.dropwizard.util.Duration syncInterval) {
        this.syncInterval = syncInterval;
    }

    @JsonProperty
    public io.dropwizard.util.DataSize getMaxPackageSize() {
        return maxPackageSize;
    }

    @JsonProperty
    public void setMaxPackageSize(io.dropwizard.util.DataSize maxPackageSize) {
        this.maxPackageSize = maxPackageSize;
    }

    @JsonProperty
    public io.dropwizard.util.Duration getCallTimeout() {
        return callTimeout;
    }

    @JsonProperty
    public void setCallTimeout(io.dropwizard.util.Duration callTimeout) {
        this.callTimeout = callTimeout;
    }

    @JsonProperty
    public io.dropwizard.util.Duration getModelCallTimeout() {
        return modelCallTimeout;
    }

    @JsonProperty
    public void setModelCallTimeout(io.dropwizard.util.Duration modelCallTimeout) {
        this.modelCallTimeout = modelCallTimeout;
    }

    @JsonProperty
    public String getDirectory() {
        return directory;
    }

    @JsonProperty
    public void setDirectory(String directory) {
        this.directory = directory;
    }

    @JsonProperty
    public List<String> getRequired() {
        return required;
    }

    @JsonProperty
    public void setRequired(List<String> required) {
        this.required = required == null ? new ArrayList<>() : required;
    }

    @JsonProperty
    public List<String> getTrustedSigners() {
        return trustedSigners;
    }

    @JsonProperty
    public void setTrustedSigners(List<String> trustedSigners) {
        this.trustedSigners = trustedSigners == null ? new ArrayList<>() : trustedSigners;
    }

    @JsonProperty
    public boolean isEnabledByDefault() {
        return enabledByDefault;
    }

    @JsonProperty
    public void setEnabledByDefault(boolean enabledByDefault) {
        this.enabledByDefault = enabledByDefault;
    }
}
