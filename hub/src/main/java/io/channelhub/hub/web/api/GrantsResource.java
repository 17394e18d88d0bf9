package io.channelhub.hub.web.api;

import io.dropwizard.auth.Auth;
import io.channelhub.hub.acl.AccessControl;
import io.channelhub.hub.acl.Grant;
import io.channelhub.hub.acl.GrantRepository;
import io.channelhub.hub.acl.ResourceDirectory;
import io.channelhub.hub.acl.ResourcePermission;
import io.channelhub.hub.acl.ResourceType;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonNaming;
import io.channelhub.hub.web.Page;
import io.channelhub.hub.audit.AuditLog;
import io.channelhub.hub.auth.ApiKey;
import io.channelhub.hub.auth.ApiKeyService;
import io.channelhub.hub.identity.Caller;
import io.channelhub.hub.identity.Permission;
import io.channelhub.hub.errors.ApiException;
import io.channelhub.hub.errors.HubFailure;
import io.channelhub.hub.persistence.Ids;
import io.channelhub.hub.web.TenantScope;
import jakarta.validation.Valid;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.time.Clock;
import java.time.Instant;
import java.util.Map;

/**
 * Explicit rights on one resource for one key (and its rotations). Granting read, update or delete needs the
 * share right on the resource; granting share or admin needs admin on it. Admins have every right.
 */
@Produces(MediaType.APPLICATION_JSON)
@Consumes(MediaType.APPLICATION_JSON)
public class GrantsResource {

    private final GrantRepository grants;
    private final ResourceDirectory resources;
    private final ApiKeyService keys;
    private final AccessControl access;
    private final AuditLog audit;
    private final Clock clock;

    public GrantsResource(GrantRepository grants, ResourceDirectory resources, ApiKeyService keys,
                          AccessControl access, AuditLog audit, Clock clock) {
        this.grants = grants;
        this.resources = resources;
        this.keys = keys;
        this.access = access;
        this.audit = audit;
        this.clock = clock;
    }

    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    public record GrantView(String id, String resourceType, String resourceId, String principalId, String permission,
                            String grantedBy, Instant createdAt) {
        static GrantView of(Grant g) {
            return new GrantView(g.id(), g.resourceType().wire(), g.resourceId(), g.principalId(),
                    g.permission().wire(), g.grantedBy(), g.createdAt());
        }
    }

    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    public record CreateGrant(@NotBlank String resourceType, @NotBlank String resourceId, @NotBlank String apiKeyId,
                              @NotBlank String permission) {
    }

    @GET
    public Page<GrantView> list(@Auth Caller c, @Context TenantScope scope,
                                @QueryParam("resource_type") String type, @QueryParam("resource_id") String id) {
        String tenantId = scope.tenantId();
        access.require(c, tenantId, Permission.GRANTS_READ);
        return Page.all(grants.list(tenantId, type == null ? null : parseType(type), id).stream()
                .map(GrantView::of).toList());
    }

    @POST
    public Response create(@Auth Caller c, @Context TenantScope scope, @NotNull @Valid CreateGrant body) {
        String tenantId = scope.tenantId();
        ResourceType type = parseType(body.resourceType());
        ResourcePermission perm = parsePermission(body.permission());
        ResourceDirectory.ResourceRef ref = resources.find(tenantId, type, body.resourceId())
                .orElseThrow(() -> ApiException.notFound(type.wire()));
        boolean delegatesSharing = perm == ResourcePermission.SHARE || perm == ResourcePermission.ADMIN;
        access.require(c, tenantId, ref, delegatesSharing ? ResourcePermission.ADMIN : ResourcePermission.SHARE);
        ApiKey grantee;
        try {
            grantee = keys.get(tenantId, body.apiKeyId());
        } catch (HubFailure e) {
            throw ApiException.unprocessable("unknown_api_key", "no such API key in this tenant",
                    Map.of("field", "api_key_id"));
        }
        if (grants.exists(tenantId, type, ref.id(), grantee.principalId(), perm)) {
            throw ApiException.conflict("grant_exists", "this grant exists");
        }
        Grant g = new Grant(Ids.newId("grt"), tenantId, type, ref.id(), grantee.principalId(), perm, c.principalId(),
                clock.instant());
        grants.insert(g);
        audit.success(c, tenantId, "grant.create", type.wire(), ref.id(),
                Map.of("principal_id", g.principalId(), "permission", perm.wire()));
        return Response.status(201).entity(GrantView.of(g)).build();
    }

    @DELETE
    @Path("/{grantId}")
    public Response delete(@Auth Caller c, @Context TenantScope scope, @PathParam("grantId") String id) {
        String tenantId = scope.tenantId();
        Grant g = grants.find(tenantId, id).orElseThrow(() -> ApiException.notFound("grant"));
        ResourceDirectory.ResourceRef ref = resources.find(tenantId, g.resourceType(), g.resourceId())
                .orElse(new ResourceDirectory.ResourceRef(g.resourceType(), g.resourceId(), null));
        boolean delegatesSharing = g.permission() == ResourcePermission.SHARE
                || g.permission() == ResourcePermission.ADMIN;
        access.require(c, tenantId, ref, delegatesSharing ? ResourcePermission.ADMIN : ResourcePermission.SHARE);
        grants.delete(tenantId, id);
        audit.success(c, tenantId, "grant.delete", g.resourceType().wire(), g.resourceId(),
                Map.of("principal_id", g.principalId(), "permission", g.permission().wire()));
        return Response.noContent().build();
    }

    private static ResourceType parseType(String s) {
        try {
            return ResourceType.fromWire(s);
        } catch (IllegalArgumentException e) {
            throw ApiException.unprocessable("invalid_resource_type", "unknown resource type",
                    Map.of("field", "resource_type"));
        }
    }

    private static ResourcePermission parsePermission(String s) {
        try {
            return ResourcePermission.fromWire(s);
        } catch (IllegalArgumentException e) {
            throw ApiException.unprocessable("invalid_permission",
                    "permission must be read, update, delete, share or admin", Map.of("field", "permission"));
        }
    }
}
