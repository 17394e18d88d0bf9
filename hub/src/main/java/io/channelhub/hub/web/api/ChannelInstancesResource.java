package io.channelhub.hub.web.api;

import io.dropwizard.auth.Auth;
import io.channelhub.hub.channels.ChannelInstance;
import io.channelhub.hub.channels.ChannelInstanceService;
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
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Channel instances of a tenant. Settings are validated against the plugin's schema; secrets are write-only.
 * Reading needs the role's read right; changing needs ownership, the admin role or a grant.
 */
@Produces(MediaType.APPLICATION_JSON)
@Consumes(MediaType.APPLICATION_JSON)
public class ChannelInstancesResource {

    private final ChannelInstanceService instances;
    private final GrantRepository grants;
    private final AccessControl access;
    private final AuditLog audit;
    private final ChannelMessagesResource messages;
    private final ChannelTemplatesResource templates;

    public ChannelInstancesResource(ChannelInstanceService instances, GrantRepository grants, AccessControl access,
                                    AuditLog audit, ChannelMessagesResource messages,
                                    ChannelTemplatesResource templates) {
        this.instances = instances;
        this.grants = grants;
        this.access = access;
        this.audit = audit;
        this.messages = messages;
        this.templates = templates;
    }

    /** Messages the integrator sends on an instance. */
    @Path("/{instanceId}/messages")
    public ChannelMessagesResource messages() {
        return messages;
    }

    /** The instance's message templates. */
    @Path("/{instanceId}/templates")
    public ChannelTemplatesResource templates() {
        return templates;
    }

    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    public record InstanceView(String id, String pluginId, String name, boolean enabled, Map<String, Object> settings,
                               String ownerPrincipalId, int version, Instant createdAt, Instant updatedAt) {
        static InstanceView of(ChannelInstance ci) {
            return new InstanceView(ci.id(), ci.pluginId(), ci.name(), ci.enabled(),
                    ChannelInstanceService.masked(ci), ci.ownerPrincipalId(), ci.version(), ci.createdAt(),
                    ci.updatedAt());
        }
    }

    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    public record CreateInstance(@NotBlank @Size(max = 100) String pluginId, @NotBlank @Size(max = 200) String name,
                                 Map<String, Object> settings, Boolean enabled) {
    }

    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    public record UpdateInstance(@Size(min = 1, max = 200) String name, Map<String, Object> settings,
                                 Boolean enabled) {
    }

    static ResourceDirectory.ResourceRef ref(ChannelInstance ci) {
        return new ResourceDirectory.ResourceRef(ResourceType.CHANNEL_INSTANCE, ci.id(), ci.ownerPrincipalId());
    }

    @GET
    public Page<InstanceView> list(@Auth Caller c, @Context TenantScope scope,
                                   @QueryParam("plugin_id") String pluginId) {
        String tenantId = scope.tenantId();
        return Page.all(access.readable(c, tenantId, instances.list(tenantId, pluginId),
                ChannelInstancesResource::ref, InstanceView::of));
    }

    @POST
    public Response create(@Auth Caller c, @Context TenantScope scope, @NotNull @Valid CreateInstance body) {
        String tenantId = scope.tenantId();
        access.require(c, tenantId, Permission.RESOURCES_CREATE);
        ChannelInstance ci = instances.create(tenantId, body.pluginId(), body.name(), body.settings(),
                body.enabled() == null || body.enabled(), c.principalId());
        audit.success(c, tenantId, "channel_instance.create", ResourceType.CHANNEL_INSTANCE.wire(), ci.id(),
                summary(ci, body.settings()));
        return Response.status(201).entity(InstanceView.of(ci)).build();
    }

    @GET
    @Path("/{instanceId}")
    public InstanceView get(@Auth Caller c, @Context TenantScope scope, @PathParam("instanceId") String id) {
        String tenantId = scope.tenantId();
        ChannelInstance ci = instances.get(tenantId, id);
        access.require(c, tenantId, ref(ci), ResourcePermission.READ);
        return InstanceView.of(ci);
    }

    @PATCH
    @Path("/{instanceId}")
    public InstanceView update(@Auth Caller c, @Context TenantScope scope, @PathParam("instanceId") String id,
                               @NotNull @Valid UpdateInstance body) {
        String tenantId = scope.tenantId();
        ChannelInstance ci = instances.get(tenantId, id);
        access.require(c, tenantId, ref(ci), ResourcePermission.UPDATE);
        ChannelInstance next = instances.update(ci, body.name(), body.settings(), body.enabled());
        Map<String, Object> s = summary(next, body.settings());
        if (body.enabled() != null) {
            s.put("enabled", body.enabled());
        }
        audit.success(c, tenantId, "channel_instance.update", ResourceType.CHANNEL_INSTANCE.wire(), id, s);
        return InstanceView.of(next);
    }

    @DELETE
    @Path("/{instanceId}")
    public Response delete(@Auth Caller c, @Context TenantScope scope, @PathParam("instanceId") String id) {
        String tenantId = scope.tenantId();
        ChannelInstance ci = instances.get(tenantId, id);
        access.require(c, tenantId, ref(ci), ResourcePermission.DELETE);
        instances.delete(tenantId, id);
        grants.deleteForResource(tenantId, ResourceType.CHANNEL_INSTANCE, id);
        audit.success(c, tenantId, "channel_instance.delete", ResourceType.CHANNEL_INSTANCE.wire(), id,
                Map.of("plugin_id", ci.pluginId(), "name", ci.name()));
        return Response.noContent().build();
    }

    /** Names of the settings that changed, never their values: some are secrets. */
    private static Map<String, Object> summary(ChannelInstance ci, Map<String, Object> settings) {
        Map<String, Object> s = new LinkedHashMap<>();
        s.put("plugin_id", ci.pluginId());
        s.put("name", ci.name());
        if (settings != null) {
            s.put("settings_changed", settings.keySet().stream().sorted().toList());
        }
        return s;
    }
}
