package io.channelhub.hub.billing;

import com.fasterxml.jackson.annotation.JsonProperty;
import io.dropwizard.util.Duration;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotNull;

/** Billing configuration: grace before suspension, due dates, and how often the billing jobs run. */
public class BillingConfig {

    /** How long a subscription may stay past due before the tenant is suspended. */
    @NotNull
    private Duration overdueGrace = Duration.days(7);

    /** Days from an invoice to its due date (when the gateway account does not set its own). */
    @Min(0)
    @Max(60)
    private int dueDays = 3;

    /** How often periods are closed, charges created, grace checked and unpaid charges reconciled. */
    @NotNull
    private Duration jobInterval = Duration.minutes(1);

    /** A charge with no news for this long is asked about at the gateway (its webhook may never have come). */
    @NotNull
    private Duration reconcileAfter = Duration.hours(6);

    @JsonProperty
    public Duration getOverdueGrace() {
        return overdueGrace;
    }

    @JsonProperty
    public void setOverdueGrace(Duration overdueGrace) {
        this.overdueGrace = overdueGrace;
    }

    @JsonProperty
    public int getDueDays() {
        return dueDays;
    }

    @JsonProperty
    public void setDueDays(int dueDays) {
        this.dueDays = dueDays;
    }

    @JsonProperty
    public Duration getJobInterval() {
        return jobInterval;
    }

    @JsonProperty
    public void setJobInterval(Duration jobInterval) {
        this.jobInterval = jobInterval;
    }

    @JsonProperty
    public Duration getReconcileAfter() {
        return reconcileAfter;
    }

    @JsonProperty
    public void setReconcileAfter(Duration reconcileAfter) {
        this.reconcileAfter = reconcileAfter;
    }
}
