package io.channelhub.hub.web.api;

import io.channelhub.hub.acl.AccessControl;
import io.channelhub.hub.audit.AuditLog;
import io.channelhub.hub.channels.Jobs;
import io.channelhub.hub.errors.Failure;
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
 * A tenant's background work ({@link Jobs}): what the hub still does for it and what it gave up on, with a retry. For
 * the tenant's admins ({@code /v1/jobs}) and the operator ({@code /admin/tenants/{id}/jobs}), as the dead letters.
 */
@Produces(MediaType.APPLICATION_JSON)
public class JobsResource {

    private final Jobs jobs;
    private final AccessControl access;
    private final AuditLog audit;

    public JobsResource(Jobs jobs, AccessControl access, AuditLog audit) {
        this.jobs = jobs;
        this.access = access;
        this.audit = audit;
    }

    @GET
    public Page<Jobs.Job> list(@Auth Caller c, @Context TenantScope scope, @QueryParam("state") String state,
                               @QueryParam("limit") Integer limit) {
        access.require(c, scope.tenantId(), Permission.TENANT_UPDATE);
        return Page.all(jobs.list(scope.tenantId(), state, Page.limit(limit)));
    }

    @GET
    @Path("/{jobId}")
    public Jobs.Job get(@Auth Caller c, @Context TenantScope scope, @PathParam("jobId") String id) {
        access.require(c, scope.tenantId(), Permission.TENANT_UPDATE);
        return jobs.find(scope.tenantId(), id).orElseThrow(() -> Failure.notFound("job"));
    }

    /** Tries a job again now: {@code 202} with the id of what carries it. */
    @POST
    @Path("/{jobId}/retry")
    public Response retry(@Auth Caller c, @Context TenantScope scope, @PathParam("jobId") String id) {
        String tenantId = scope.tenantId();
        access.require(c, tenantId, Permission.TENANT_UPDATE);
        String now = jobs.retry(tenantId, id);
        audit.success(c, tenantId, "job.retry", "job", id, Map.of("retried_as", now));
        return Response.status(202).entity(Map.of("id", now, "retried", id)).build();
    }
}
