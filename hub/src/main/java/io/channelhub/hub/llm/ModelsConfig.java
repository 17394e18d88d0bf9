package io.channelhub.hub.llm;

import com.fasterxml.jackson.annotation.JsonProperty;
import io.dropwizard.util.Duration;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotNull;

/** Global model settings: the operator's OpenAI-compatible endpoint and the resilience policy of model calls. */
public class ModelsConfig {

    /** Empty: OpenAI's own. Set it for Azure OpenAI, Ollama, vLLM or LiteLLM. */
    private String openaiBaseUrl = "";
    /** Empty (and no tenant key): agents answer with the demo provider. */
    private String openaiApiKey = "";
    @NotNull
    private Duration timeout = Duration.seconds(60);
    @Min(1)
    @Max(10)
    private int maxAttempts = 3;
    @NotNull
    private Duration initialBackoff = Duration.milliseconds(500);
    @NotNull
    private Duration maxBackoff = Duration.seconds(8);
    @NotNull
    private Duration breakerOpenFor = Duration.seconds(30);
    @Min(2)
    private int breakerWindow = 20;
    @Min(1)
    private int breakerMinimumCalls = 5;
    /**
     * Idle connections kept open per model endpoint. The HTTP client's default (5) is far below the calls a busy
     * node has in flight, so every call beyond it opened a new connection.
     */
    private int maxIdleConnections = 256;
    /**
     * The HTTP client of the {@code openai} provider: {@code jdk} (the JDK's client with Jackson streaming, cheap per
     * call) or {@code sdk} (the official openai-java SDK). Azure OpenAI endpoints always go through the SDK.
     */
    @NotNull
    @jakarta.validation.constraints.Pattern(regexp = "jdk|sdk")
    private String client = "jdk";

    @JsonProperty
    public String getClient() {
        return client;
    }

    @JsonProperty
    public void setClient(String client) {
        this.client = client;
    }

    @JsonProperty
    public int getMaxIdleConnections() {
        return maxIdleConnections;
    }

    @JsonProperty
    public void setMaxIdleConnections(int maxIdleConnections) {
        this.maxIdleConnections = maxIdleConnections;
    }

    @JsonProperty
    public String getOpenaiBaseUrl() {
        return openaiBaseUrl;
    }

    @JsonProperty
    public void setOpenaiBaseUrl(String v) {
        this.openaiBaseUrl = v == null ? "" : v.trim();
    }

    @JsonProperty
    public String getOpenaiApiKey() {
        return openaiApiKey;
    }

    @JsonProperty
    public void setOpenaiApiKey(String v) {
        this.openaiApiKey = v == null ? "" : v.trim();
    }

    @JsonProperty
    public Duration getTimeout() {
        return timeout;
    }

    @JsonProperty
    public void setTimeout(Duration timeout) {
        this.timeout = timeout;
    }

    @JsonProperty
    public int getMaxAttempts() {
        return maxAttempts;
    }

    @JsonProperty
    public void setMaxAttempts(int maxAttempts) {
        this.maxAttempts = maxAttempts;
    }

    @JsonProperty
    public Duration getInitialBackoff() {
        return initialBackoff;
    }

    @JsonProperty
    public void setInitialBackoff(Duration initialBackoff) {
        this.initialBackoff = initialBackoff;
    }

    @JsonProperty
    public Duration getMaxBackoff() {
        return maxBackoff;
    }

    @JsonProperty
    public void setMaxBackoff(Duration maxBackoff) {
        this.maxBackoff = maxBackoff;
    }

    @JsonProperty
    public Duration getBreakerOpenFor() {
        return breakerOpenFor;
    }

    @JsonProperty
    public void setBreakerOpenFor(Duration breakerOpenFor) {
        this.breakerOpenFor = breakerOpenFor;
    }

    @JsonProperty
    public int getBreakerWindow() {
        return breakerWindow;
    }

    @JsonProperty
    public void setBreakerWindow(int breakerWindow) {
        this.breakerWindow = breakerWindow;
    }

    @JsonProperty
    public int getBreakerMinimumCalls() {
        return breakerMinimumCalls;
    }

    @JsonProperty
    public void setBreakerMinimumCalls(int breakerMinimumCalls) {
        this.breakerMinimumCalls = breakerMinimumCalls;
    }
}
