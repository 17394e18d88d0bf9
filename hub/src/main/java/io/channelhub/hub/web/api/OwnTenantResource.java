package io.channelhub.hub.web.api;

import io.dropwizard.auth.Auth;
import io.channelhub.hub.tenancy.Tenant;
import io.channelhub.hub.web.TenantScope;
import io.channelhub.hub.tenancy.TenantService;
import io.channelhub.hub.acl.AccessControl;
import io.channelhub.hub.audit.AuditLog;
import io.channelhub.hub.identity.Caller;
import io.channelhub.hub.identity.Permission;
import jakarta.validation.Valid;
import jakarta.validation.constraints.NotNull;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.PATCH;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;

/** The caller's own tenant. Slug and status are the operator's; a tenant admin may rename it. */
@Path("/v1/tenant")
@Produces(MediaType.APPLICATION_JSON)
@Consumes(MediaType.APPLICATION_JSON)
public class OwnTenantResource {

    private final TenantService tenants;
    private final AccessControl access;
    private final AuditLog audit;

    public OwnTenantResource(TenantService tenants, AccessControl access, AuditLog audit) {
        this.tenants = tenants;
        this.access = access;
        this.audit = audit;
    }

    /** Rename only. */
    public record Rename(@NotNull @jakarta.validation.constraints.Size(min = 1, max = 200) String name) {
    }

    @GET
    public TenantViews.TenantView get(@Auth Caller c, @Context TenantScope scope) {
        String tenantId = scope.tenantId();
        access.require(c, tenantId, Permission.TENANT_READ);
        return TenantViews.TenantView.of(tenants.get(tenantId));
    }

    @PATCH
    public TenantViews.TenantView rename(@Auth Caller c, @Context TenantScope scope,
                                         @NotNull @Valid Rename body) {
        String tenantId = scope.tenantId();
        access.require(c, tenantId, Permission.TENANT_UPDATE);
        Tenant t = tenants.update(tenantId, null, body.name());
        audit.success(c, tenantId, "tenant.update", "tenant", tenantId, java.util.Map.of("name", body.name()));
        return TenantViews.TenantView.of(t);
    }
}
