package io.channelhub.hub.web.api;

import io.channelhub.hub.tenancy.Tenant;
import io.channelhub.hub.tenancy.TenantService;
import io.channelhub.hub.tenancy.TenantStatus;
import io.channelhub.hub.audit.AuditLog;
import io.channelhub.hub.web.ApiKeyAuthFilter;
import io.channelhub.hub.identity.Caller;
import io.channelhub.hub.identity.Permission;
import io.channelhub.hub.acl.AccessControl;
import io.channelhub.hub.web.Page;
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
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.SecurityContext;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Tenants, for the platform operator (super-admin keys only). */
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

    private Caller platform(SecurityContext sc) {
        Caller c = ApiKeyAuthFilter.caller(sc);
        access.require(c, c.tenantId(), Permission.PLATFORM_ADMIN);
        return c;
    }

    @GET
    public Page<TenantViews.TenantView> list(@Context SecurityContext sc, @QueryParam("after") String after,
                                             @QueryParam("limit") Integer limit) {
        platform(sc);
        int n = Page.limit(limit);
        List<Tenant> rows = tenants.list(after, n + 1);
        return Page.of(rows.stream().map(TenantViews.TenantView::of).toList(), n, TenantViews.TenantView::id);
    }

    @POST
    public Response create(@Context SecurityContext sc, @NotNull @Valid TenantViews.CreateTenant body) {
        Caller c = platform(sc);
        Tenant t = tenants.create(body.slug(), body.name());
        audit.success(c, t.id(), "tenant.create", "tenant", t.id(), Map.of("slug", t.slug(), "name", t.name()));
        return Response.status(201).entity(TenantViews.TenantView.of(t)).build();
    }

    @GET
    @Path("/{tenantId}")
    public TenantViews.TenantView get(@Context SecurityContext sc, @PathParam("tenantId") String id) {
        platform(sc);
        return TenantViews.TenantView.of(tenants.get(id));
    }

    @PATCH
    @Path("/{tenantId}")
    public TenantViews.TenantView update(@Context SecurityContext sc, @PathParam("tenantId") String id,
                                         @NotNull @Valid TenantViews.UpdateTenant body) {
        Caller c = platform(sc);
        Tenant t = tenants.update(id, body.slug(), body.name());
        audit.success(c, id, "tenant.update", "tenant", id, changed(body.slug(), body.name()));
        return TenantViews.TenantView.of(t);
    }

    @POST
    @Path("/{tenantId}/suspend")
    public TenantViews.TenantView suspend(@Context SecurityContext sc, @PathParam("tenantId") String id) {
        Caller c = platform(sc);
        Tenant t = tenants.setStatus(id, TenantStatus.SUSPENDED);
        audit.success(c, id, "tenant.suspend", "tenant", id, Map.of());
        return TenantViews.TenantView.of(t);
    }

    @POST
    @Path("/{tenantId}/activate")
    public TenantViews.TenantView activate(@Context SecurityContext sc, @PathParam("tenantId") String id) {
        Caller c = platform(sc);
        Tenant t = tenants.setStatus(id, TenantStatus.ACTIVE);
        audit.success(c, id, "tenant.activate", "tenant", id, Map.of());
        return TenantViews.TenantView.of(t);
    }

    @DELETE
    @Path("/{tenantId}")
    public Response delete(@Context SecurityContext sc, @PathParam("tenantId") String id) {
        Caller c = platform(sc);
        Tenant t = tenants.delete(id);
        audit.success(c, id, "tenant.delete", "tenant", id, Map.of("slug", t.slug()));
        return Response.noContent().build();
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
