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

    /** Whether a started plugin is enabled for a tenant until that tenant's admin disables it. */
    private boolean enabledByDefault = true;

    /**
     * How long one call into a plugin (a channel's webhook parsing or send, a gateway call, a tool) may take before
     * the hub gives up on it (PluginGuard).
     */
    @jakarta.validation.constraints.NotNull
    private io.dropwizard.util.Duration callTimeout = io.dropwizard.util.Duration.seconds(30);

    /** The same for a plugin's model provider: one call, or the wait for the next piece of a streamed reply. */
    @jakarta.validation.constraints.NotNull
    private io.dropwizard.util.Duration modelCallTimeout = io.dropwizard.util.Duration.minutes(5);

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
