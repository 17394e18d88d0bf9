package io.channelhub.hub.web;

import io.channelhub.hub.metering.UsageLedger;
import io.channelhub.hub.identity.Caller;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.container.ContainerResponseContext;
import jakarta.ws.rs.container.ContainerResponseFilter;

/** Every authenticated request of a tenant is a billable API call ({@code api.requests}), whatever it answered. */
public class ApiCallMetering implements ContainerResponseFilter {

    private final UsageLedger ledger;

    public ApiCallMetering(UsageLedger ledger) {
        this.ledger = ledger;
    }

    @Override
    public void filter(ContainerRequestContext request, ContainerResponseContext response) {
        if (request.getSecurityContext().getUserPrincipal() instanceof Caller c
                && c.tenantId() != null) {
            // A random key is new by construction, so the row can wait for the ledger's next batch.
            ledger.recordBatched(new UsageLedger.UsageEvent(c.tenantId(), "api.requests", 1, "request", null, null,
                    null, null, "req:" + io.channelhub.hub.persistence.Ids.randomBase62(22)));
        }
    }
}
