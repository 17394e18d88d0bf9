package io.channelhub.hub.web.api;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonNaming;
import io.channelhub.hub.acl.AccessControl;
import io.channelhub.hub.acl.ResourcePermission;
import io.channelhub.hub.audit.AuditLog;
import io.channelhub.hub.channels.ChannelContexts;
import io.channelhub.hub.channels.ChannelInstance;
import io.channelhub.hub.channels.ChannelInstanceService;
import io.channelhub.hub.errors.ApiException;
import io.channelhub.hub.identity.Caller;
import io.channelhub.hub.plugins.PluginPlatform;
import io.channelhub.hub.web.TenantScope;
import io.channelhub.plugin.channel.ChannelCapability;
import io.channelhub.plugin.channel.MessageTemplate;
import io.dropwizard.auth.Auth;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import java.util.List;
import java.util.Map;

/**
 * A channel instance's message templates (WhatsApp's, say), as its channel has them: listed, and synced from the
 * channel's provider. Mounted at {@code channel-instances/{instanceId}/templates}. A channel without templates has
 * none.
 */
@Produces(MediaType.APPLICATION_JSON)
public class ChannelTemplatesResource {

    private final ChannelInstanceService instances;
    private final ChannelContexts contexts;
    private final PluginPlatform plugins;
    private final AccessControl access;
    private final AuditLog audit;
    private final ObjectMapper json;

    public ChannelTemplatesResource(ChannelInstanceService instances, ChannelContexts contexts,
                                    PluginPlatform plugins, AccessControl access, AuditLog audit, ObjectMapper json) {
        this.instances = instances;
        this.contexts = contexts;
        this.plugins = plugins;
        this.access = access;
        this.audit = audit;
        this.json = json;
    }

    /** A template as the API shows it. */
    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    public record TemplateView(String name, String language, String category, String status, JsonNode components) {
    }

    @GET
    public Map<String, Object> templates(@Auth Caller caller, @Context TenantScope scope,
                                         @PathParam("instanceId") String id) {
        ChannelInstance ci = readable(caller, scope, id);
        return Map.of("data", views(templateCall(ci, "templates",
                (connector, ctx) -> connector.templates(ctx))));
    }

    @POST
    @Path("/sync")
    public Map<String, Object> sync(@Auth Caller c, @Context TenantScope scope,
                                    @PathParam("instanceId") String id) {
        String tenantId = scope.tenantId();
        ChannelInstance ci = instances.get(tenantId, id);
        access.require(c, tenantId, ChannelInstancesResource.ref(ci), ResourcePermission.UPDATE);
        List<MessageTemplate> synced = templateCall(ci, "syncTemplates",
                (connector, ctx) -> connector.syncTemplates(ctx));
        audit.success(c, tenantId, "channel_templates.sync", "channel_instance", ci.id(),
                Map.of("templates", synced.size()));
        return Map.of("data", views(synced));
    }

    private ChannelInstance readable(Caller c, TenantScope scope, String id) {
        String tenantId = scope.tenantId();
        ChannelInstance ci = instances.get(tenantId, id);
        access.require(c, tenantId, ChannelInstancesResource.ref(ci), ResourcePermission.READ);
        return ci;
    }

    /** Calls the instance's channel about templates; a channel without templates has none (not an error). */
    private List<MessageTemplate> templateCall(ChannelInstance ci, String operation,
                                               java.util.function.BiFunction<io.channelhub.plugin.channel
                                                       .ChannelConnector, io.channelhub.plugin.PluginContext,
                                                       List<MessageTemplate>> call) {
        PluginPlatform.LoadedConnector c = plugins.connector(ci.pluginId()).orElseThrow(() ->
                ApiException.unprocessable("plugin_unavailable", "the plugin of this instance is not running",
                        Map.of("plugin_id", ci.pluginId())));
        if (!c.descriptor().capabilities().contains(ChannelCapability.TEMPLATES)) {
            return List.of();
        }
        List<MessageTemplate> out = plugins.call(ci.pluginId(), operation,
                () -> call.apply(c.connector(), contexts.forInstance(ci)));
        return out == null ? List.of() : out;
    }

    private List<TemplateView> views(List<MessageTemplate> list) {
        return list.stream().map(t -> {
            JsonNode components;
            try {
                components = t.componentsJson() == null ? null : json.readTree(t.componentsJson());
            } catch (JsonProcessingException e) {
                components = null;
            }
            return new TemplateView(t.name(), t.language(), t.category(), t.status(), components);
        }).toList();
    }
}
