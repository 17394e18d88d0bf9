package io.channelhub.hub.web.api;

import io.dropwizard.auth.Auth;
import io.channelhub.hub.tenancy.Tenant;
import io.channelhub.hub.tenancy.TenantService;
import io.channelhub.hub.audit.AuditLog;
import io.channelhub.hub.identity.Caller;
import io.channelhub.hub.identity.Permission;
import io.channelhub.hub.acl.AccessControl;
import io.channelhub.hub.web.Page;
import jakarta.validation.Valid;
import jakarta.validation.constraints.NotNull;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Tenants, for the platform operator (super-admin keys only): the list and new tenants; one tenant is
 * {@link TenantAdminApi}. */
@Path("/admin/tenants")
@Produces(MediaType.APPLICATION_JSON)
@Consumes(MediaType.APPLICATION_JSON)
public class TenantsResource {

    private final TenantService tenants;
    private final AccessControl access;
    private final AuditLog audit;

    public TenantsResource(TenantService tenants, AccessControl access, AuditLog audit) {
        this.tenants = tenants;
        this.access = access;
        this.audit = audit;
    }

    private Caller platform(Caller c) {
        access.require(c, c.tenantId(), Permission.PLATFORM_ADMIN);
        return c;
    }

    @GET
    public Page<TenantViews.TenantView> list(@Auth Caller caller, @QueryParam("after") String after,
                                             @QueryParam("limit") Integer limit, @QueryParam("q") String q) {
        platform(caller);
        int n = Page.limit(limit);
        if (q != null && q.length() > 100) {
            throw io.channelhub.hub.errors.ApiException.unprocessable("invalid_field", "q is at most 100 characters",
                    Map.of("field", "q"));
        }
        List<Tenant> rows = q == null || q.isBlank() ? tenants.list(after, n + 1)
                : tenants.search(q.strip(), after, n + 1);
        return Page.of(rows.stream().map(TenantViews.TenantView::of).toList(), n, TenantViews.TenantView::id);
    }

    @POST
    public Response create(@Auth Caller caller, @NotNull @Valid TenantViews.CreateTenant body) {
        Caller c = platform(caller);
        Tenant t = tenants.create(body.slug(), body.name());
        audit.success(c, t.id(), "tenant.create", "tenant", t.id(), Map.of("slug", t.slug(), "name", t.name()));
        return Response.status(201).entity(TenantViews.TenantView.of(t)).build();
    }

    static Map<String, Object> changed(String slug, String name) {
        Map<String, Object> m = new LinkedHashMap<>();
        if (slug != null) {
            m.put("slug", slug);
        }
        if (name != null) {
            m.put("name", name);
        }
        return m;
    }
}
