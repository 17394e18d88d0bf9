package io.channelhub.hub.web;

import io.channelhub.hub.tenancy.TenantRepository;
import io.channelhub.hub.identity.Caller;
import io.channelhub.hub.errors.ApiException;
import jakarta.ws.rs.core.UriInfo;

/**
 * The tenant a request acts on. Under {@code /v1/...} it is the caller's own tenant, from the verified key. Under
 * {@code /admin/tenants/{tenantId}/...} it is the path's tenant, which only a super-admin may name.
 */
public class TenantScopes {

    private final TenantRepository tenants;
    private final io.channelhub.hub.audit.AuditLog audit;

    public TenantScopes(TenantRepository tenants, io.channelhub.hub.audit.AuditLog audit) {
        this.tenants = tenants;
        this.audit = audit;
    }

    public String resolve(Caller caller, UriInfo uri) {
        String pathTenant = uri.getPathParameters().getFirst("tenantId");
        if (pathTenant != null) {
            if (!caller.isSuperAdmin()) {
                audit.denied(caller, caller.tenantId(), "access.denied", "tenant", null,
                        java.util.Map.of("permission", "platform_admin"));
                throw ApiException.forbidden("permission_denied", "only a super-admin may act on another tenant");
            }
            tenants.find(pathTenant).orElseThrow(() -> ApiException.notFound("tenant"));
            return pathTenant;
        }
        if (caller.tenantId() == null) {
            throw ApiException.forbidden("tenant_scope_required",
                    "a platform key acts on a tenant under /admin/tenants/{tenantId}/...");
        }
        return caller.tenantId();
    }
}
