package io.channelhub.hub.web.api;

import io.channelhub.hub.acl.AccessControl;
import io.channelhub.hub.audit.AuditLog;
import io.channelhub.hub.identity.Caller;
import io.channelhub.hub.identity.Permission;
import io.channelhub.hub.tenancy.Tenant;
import io.channelhub.hub.tenancy.TenantService;
import io.channelhub.hub.tenancy.TenantStatus;
import io.dropwizard.auth.Auth;
import jakarta.validation.Valid;
import jakarta.validation.constraints.NotNull;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.PATCH;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.util.Map;

/**
 * One tenant, for the platform operator: {@code /admin/tenants/{tenantId}} itself (read, rename, suspend, activate,
 * delete) and every section of the tenant's API under it, the same section objects as {@link TenantApi}'s. Only a
 * super-admin gets here (the operator API refuses anyone else before matching a body), and the tenant must exist.
 */
@Path("/admin/tenants/{tenantId}")
@Produces(MediaType.APPLICATION_JSON)
@Consumes(MediaType.APPLICATION_JSON)
public final class TenantAdminApi extends TenantSections {

    private final ConversationReads conversations;
    private final QuotasResource.Managed quotas;
    private final BillingResource.Managed billing;
    private final TenantService tenants;
    private final AccessControl access;
    private final AuditLog audit;

    public TenantAdminApi(TenantSections.Sections sections, ConversationReads conversations,
                          QuotasResource.Managed quotas, BillingResource.Managed billing, TenantService tenants,
                          AccessControl access, AuditLog audit) {
        super(sections);
        this.conversations = conversations;
        this.quotas = quotas;
        this.billing = billing;
        this.tenants = tenants;
        this.access = access;
        this.audit = audit;
    }

    private Caller platform(Caller c) {
        access.require(c, c.tenantId(), Permission.PLATFORM_ADMIN);
        return c;
    }

    @GET
    public TenantViews.TenantView get(@Auth Caller caller, @PathParam("tenantId") String id) {
        platform(caller);
        return TenantViews.TenantView.of(tenants.get(id));
    }

    @PATCH
    public TenantViews.TenantView update(@Auth Caller caller, @PathParam("tenantId") String id,
                                         @NotNull @Valid TenantViews.UpdateTenant body) {
        Caller c = platform(caller);
        Tenant t = tenants.update(id, body.slug(), body.name());
        audit.success(c, id, "tenant.update", "tenant", id, TenantsResource.changed(body.slug(), body.name()));
        return TenantViews.TenantView.of(t);
    }

    @POST
    @Path("suspend")
    public TenantViews.TenantView suspend(@Auth Caller caller, @PathParam("tenantId") String id) {
        Caller c = platform(caller);
        Tenant t = tenants.setStatus(id, TenantStatus.SUSPENDED);
        audit.success(c, id, "tenant.suspend", "tenant", id, Map.of());
        return TenantViews.TenantView.of(t);
    }

    @POST
    @Path("activate")
    public TenantViews.TenantView activate(@Auth Caller caller, @PathParam("tenantId") String id) {
        Caller c = platform(caller);
        Tenant t = tenants.setStatus(id, TenantStatus.ACTIVE);
        audit.success(c, id, "tenant.activate", "tenant", id, Map.of());
        return TenantViews.TenantView.of(t);
    }

    @DELETE
    public Response delete(@Auth Caller caller, @PathParam("tenantId") String id) {
        Caller c = platform(caller);
        Tenant t = tenants.delete(id);
        audit.success(c, id, "tenant.delete", "tenant", id, Map.of("slug", t.slug()));
        return Response.noContent().build();
    }

    /** The tenant's conversations, read-only (the console's viewer). */
    @Path("conversations")
    public ConversationReads conversations() {
        return conversations;
    }

    @Path("quotas")
    public QuotasResource.Managed quotas() {
        return quotas;
    }

    @Path("billing")
    public BillingResource.Managed billing() {
        return billing;
    }
}
