package io.channelhub.hub.console;

import com.fasterxml.jackson.annotation.JsonProperty;
import io.dropwizard.util.Duration;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotNull;

/** The browser console ({@code console:} in config.yml): sessions, cookies and the password policy. */
public class ConsoleConfig {

    /** A session nobody used for this long ends (OWASP: 15–30 minutes for an administrative application). */
    @NotNull
    private Duration idleTimeout = Duration.minutes(30);

    /** A session ends this long after sign-in, however busy. */
    @NotNull
    private Duration maxAge = Duration.hours(12);

    /**
     * Whether the session cookie is {@code Secure}. {@code auto}: when the request came over HTTPS (directly or, with
     * {@code server.applicationConnectors[].useForwardedHeaders}, through a proxy that says so); {@code always}:
     * production behind TLS; {@code never}: only for plain-HTTP development on another host than localhost.
     */
    @NotNull
    private String secureCookie = "auto";

    @Min(1)
    private int passwordIterations = PasswordHasher.DEFAULT_ITERATIONS;

    /** Failed sign-ins in a row that lock an account for {@link #lockout}. */
    @Min(1)
    @Max(100)
    private int maxFailedLogins = 5;

    @NotNull
    private Duration lockout = Duration.minutes(15);

    @JsonProperty
    public Duration getIdleTimeout() {
        return idleTimeout;
    }

    @JsonProperty
    public void setIdleTimeout(Duration idleTimeout) {
        this.idleTimeout = idleTimeout;
    }

    @JsonProperty
    public Duration getMaxAge() {
        return maxAge;
    }

    @JsonProperty
    public void setMaxAge(Duration maxAge) {
        this.maxAge = maxAge;
    }

    @JsonProperty
    public String getSecureCookie() {
        return secureCookie;
    }

    @JsonProperty
    public void setSecureCookie(String secureCookie) {
        if (!java.util.Set.of("auto", "always", "never").contains(secureCookie)) {
            throw new IllegalArgumentException("console.secureCookie is auto, always or never");
        }
        this.secureCookie = secureCookie;
    }

    @JsonProperty
    public int getPasswordIterations() {
        return passwordIterations;
    }

    @JsonProperty
    public void setPasswordIterations(int passwordIterations) {
        this.passwordIterations = passwordIterations;
    }

    @JsonProperty
    public int getMaxFailedLogins() {
        return maxFailedLogins;
    }

    @JsonProperty
    public void setMaxFailedLogins(int maxFailedLogins) {
        this.maxFailedLogins = maxFailedLogins;
    }

    @JsonProperty
    public Duration getLockout() {
        return lockout;
    }

    @JsonProperty
    public void setLockout(Duration lockout) {
        this.lockout = lockout;
    }
}
