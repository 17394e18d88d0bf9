package io.channelhub.hub.web.api;

import io.dropwizard.auth.Auth;
import io.channelhub.hub.agents.Prompt;
import io.channelhub.hub.agents.PromptService;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonNaming;
import io.channelhub.hub.acl.AccessControl;
import io.channelhub.hub.acl.GrantRepository;
import io.channelhub.hub.acl.ResourceDirectory;
import io.channelhub.hub.acl.ResourcePermission;
import io.channelhub.hub.acl.ResourceType;
import io.channelhub.hub.web.Page;
import io.channelhub.hub.audit.AuditLog;
import io.channelhub.hub.identity.Caller;
import io.channelhub.hub.identity.Permission;
import io.channelhub.hub.web.TenantScope;
import jakarta.validation.Valid;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Size;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.PATCH;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.time.Instant;
import java.util.Map;

/** Prompts and their immutable versions, under the resource ACL. */
@Produces(MediaType.APPLICATION_JSON)
@Consumes(MediaType.APPLICATION_JSON)
public class PromptsResource {

    private final PromptService prompts;
    private final GrantRepository grants;
    private final AccessControl access;
    private final AuditLog audit;

    public PromptsResource(PromptService prompts, GrantRepository grants, AccessControl access, AuditLog audit) {
        this.prompts = prompts;
        this.grants = grants;
        this.access = access;
        this.audit = audit;
    }

    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    public record CreatePrompt(@NotBlank String slug, @NotBlank @Size(max = 200) String name,
                               @Size(max = 1000) String description, @NotBlank String content,
                               @Size(max = 1000) String note) {
    }

    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    public record UpdatePrompt(@Size(min = 1, max = 200) String name, @Size(max = 1000) String description) {
    }

    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    public record CreateVersion(@NotBlank String content, @Size(max = 1000) String note) {
    }

    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    public record PromptView(String id, String slug, String name, String description, int latestVersion,
                             String ownerPrincipalId, Instant createdAt, Instant updatedAt) {
        static PromptView of(Prompt p) {
            return new PromptView(p.id(), p.slug(), p.name(), p.description(), p.latestVersion(),
                    p.ownerPrincipalId(), p.createdAt(), p.updatedAt());
        }
    }

    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    public record VersionView(String promptId, int version, String content, String note, String createdBy,
                              Instant createdAt) {
        static VersionView of(Prompt.Version v) {
            return new VersionView(v.promptId(), v.version(), v.content(), v.note(), v.createdBy(), v.createdAt());
        }
    }

    static ResourceDirectory.ResourceRef ref(Prompt p) {
        return new ResourceDirectory.ResourceRef(ResourceType.PROMPT, p.id(), p.ownerPrincipalId());
    }

    private Prompt load(Caller c, String tenantId, String id, ResourcePermission need) {
        Prompt p = prompts.get(tenantId, id);
        access.require(c, tenantId, ref(p), need);
        return p;
    }

    @GET
    public Page<PromptView> list(@Auth Caller c, @Context TenantScope scope) {
        String tenantId = scope.tenantId();
        return Page.all(access.readable(c, tenantId, prompts.list(tenantId), PromptsResource::ref, PromptView::of));
    }

    @POST
    public Response create(@Auth Caller c, @Context TenantScope scope, @NotNull @Valid CreatePrompt body) {
        String tenantId = scope.tenantId();
        access.require(c, tenantId, Permission.RESOURCES_CREATE);
        Prompt p = prompts.create(tenantId, body.slug(), body.name(), body.description(), body.content(),
                body.note(), c.principalId());
        audit.success(c, tenantId, "prompt.create", ResourceType.PROMPT.wire(), p.id(), Map.of("slug", p.slug()));
        return Response.status(201).entity(PromptView.of(p)).build();
    }

    @GET
    @Path("/{promptId}")
    public PromptView get(@Auth Caller c, @Context TenantScope scope, @PathParam("promptId") String id) {
        return PromptView.of(load(c, scope.tenantId(), id, ResourcePermission.READ));
    }

    @PATCH
    @Path("/{promptId}")
    public PromptView update(@Auth Caller c, @Context TenantScope scope, @PathParam("promptId") String id,
                             @NotNull @Valid UpdatePrompt body) {
        String tenantId = scope.tenantId();
        Prompt p = load(c, tenantId, id, ResourcePermission.UPDATE);
        prompts.rename(p, body.name(), body.description());
        audit.success(c, tenantId, "prompt.update", ResourceType.PROMPT.wire(), id, Map.of());
        return PromptView.of(prompts.get(tenantId, id));
    }

    @DELETE
    @Path("/{promptId}")
    public Response delete(@Auth Caller c, @Context TenantScope scope, @PathParam("promptId") String id) {
        String tenantId = scope.tenantId();
        Prompt p = load(c, tenantId, id, ResourcePermission.DELETE);
        prompts.delete(p);
        grants.deleteForResource(tenantId, ResourceType.PROMPT, id);
        audit.success(c, tenantId, "prompt.delete", ResourceType.PROMPT.wire(), id, Map.of("slug", p.slug()));
        return Response.noContent().build();
    }

    @GET
    @Path("/{promptId}/versions")
    public Page<VersionView> versions(@Auth Caller c, @Context TenantScope scope,
                                      @PathParam("promptId") String id) {
        Prompt p = load(c, scope.tenantId(), id, ResourcePermission.READ);
        return Page.all(prompts.versions(p).stream().map(VersionView::of).toList());
    }

    @POST
    @Path("/{promptId}/versions")
    public Response addVersion(@Auth Caller c, @Context TenantScope scope, @PathParam("promptId") String id,
                               @NotNull @Valid CreateVersion body) {
        String tenantId = scope.tenantId();
        Prompt p = load(c, tenantId, id, ResourcePermission.UPDATE);
        Prompt.Version v = prompts.addVersion(p, body.content(), body.note(), c.principalId());
        audit.success(c, tenantId, "prompt.version", ResourceType.PROMPT.wire(), id, Map.of("version", v.version()));
        return Response.status(201).entity(VersionView.of(v)).build();
    }

    @GET
    @Path("/{promptId}/versions/{version}")
    public VersionView version(@Auth Caller c, @Context TenantScope scope, @PathParam("promptId") String id,
                               @PathParam("version") int version) {
        Prompt p = load(c, scope.tenantId(), id, ResourcePermission.READ);
        return VersionView.of(prompts.version(p, version));
    }
}
