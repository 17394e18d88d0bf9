package io.channelhub.hub.web.api;

import io.channelhub.hub.audit.AuditLog;
import io.channelhub.hub.channels.DeadLetters;
import io.channelhub.hub.acl.AccessControl;
import io.channelhub.hub.identity.Caller;
import io.channelhub.hub.identity.Permission;
import io.channelhub.hub.web.Page;
import io.channelhub.hub.web.TenantScope;
import io.dropwizard.auth.Auth;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.util.Map;

/**
 * A tenant's dead letters ({@link DeadLetters}): what the hub gave up delivering or processing, and a retry where one
 * is safe. For the tenant's admins ({@code /v1/dead-letters}) and the operator ({@code /admin/tenants/{id}/...}).
 */
@Produces(MediaType.APPLICATION_JSON)
public class DeadLettersResource {

    private final DeadLetters letters;
    private final AccessControl access;
    private final AuditLog audit;

    public DeadLettersResource(DeadLetters letters, AccessControl access, AuditLog audit) {
        this.letters = letters;
        this.access = access;
        this.audit = audit;
    }

    @GET
    public Page<DeadLetters.Letter> list(@Auth Caller c, @Context TenantScope scope,
                                         @QueryParam("limit") Integer limit) {
        access.require(c, scope.tenantId(), Permission.TENANT_UPDATE);
        return Page.all(letters.list(scope.tenantId(), Page.limit(limit)));
    }

    /** Sends a dead letter again: {@code 202} with the id of what now carries it. */
    @POST
    @Path("/{letterId}/retry")
    public Response retry(@Auth Caller c, @Context TenantScope scope, @PathParam("letterId") String id) {
        String tenantId = scope.tenantId();
        access.require(c, tenantId, Permission.TENANT_UPDATE);
        String now = letters.retry(tenantId, id);
        audit.success(c, tenantId, "dead_letter.retry", "dead_letter", id, Map.of("retried_as", now));
        return Response.status(202).entity(Map.of("id", now, "retried", id)).build();
    }
}
