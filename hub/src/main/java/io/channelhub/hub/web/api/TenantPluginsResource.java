package io.channelhub.hub.web.api;

import io.dropwizard.auth.Auth;
import io.channelhub.hub.plugins.PluginEnablements;
import io.channelhub.hub.plugins.PluginPlatform;
import io.channelhub.hub.plugins.PluginStatus;
import io.channelhub.hub.acl.AccessControl;
import io.channelhub.hub.web.Page;
import io.channelhub.hub.audit.AuditLog;
import io.channelhub.hub.identity.Caller;
import io.channelhub.hub.identity.Permission;
import io.channelhub.hub.errors.ApiException;
import io.channelhub.hub.web.TenantScope;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import java.util.Map;

/** The plugins a tenant can use, and its switch for each. Changes apply to the next request. */
@Produces(MediaType.APPLICATION_JSON)
@Consumes(MediaType.APPLICATION_JSON)
public class TenantPluginsResource {

    private final PluginPlatform platform;
    private final PluginEnablements enablements;
    private final AccessControl access;
    private final AuditLog audit;

    public TenantPluginsResource(PluginPlatform platform, PluginEnablements enablements, AccessControl access,
                                 AuditLog audit) {
        this.platform = platform;
        this.enablements = enablements;
        this.access = access;
        this.audit = audit;
    }

    @GET
    public Page<PluginViews.TenantPluginView> list(@Auth Caller c, @Context TenantScope scope) {
        String tenantId = scope.tenantId();
        access.require(c, tenantId, Permission.PLUGINS_READ);
        Map<String, Boolean> explicit = enablements.explicit(tenantId);
        return Page.all(platform.statuses().stream()
                .filter(s -> s.version() != null)
                .map(s -> view(s, explicit.getOrDefault(s.id(), enablements.enabledByDefault(s.id())))).toList());
    }

    @GET
    @Path("/{pluginId}")
    public PluginViews.TenantPluginView get(@Auth Caller c, @Context TenantScope scope,
                                            @PathParam("pluginId") String pluginId) {
        String tenantId = scope.tenantId();
        access.require(c, tenantId, Permission.PLUGINS_READ);
        PluginStatus s = known(pluginId);
        return view(s, enablements.isEnabled(tenantId, pluginId));
    }

    @POST
    @Path("/{pluginId}/enable")
    public PluginViews.TenantPluginView enable(@Auth Caller caller, @Context TenantScope scope,
                                               @PathParam("pluginId") String pluginId) {
        return set(caller, scope, pluginId, true);
    }

    @POST
    @Path("/{pluginId}/disable")
    public PluginViews.TenantPluginView disable(@Auth Caller caller, @Context TenantScope scope,
                                                @PathParam("pluginId") String pluginId) {
        return set(caller, scope, pluginId, false);
    }

    private PluginViews.TenantPluginView set(Caller c, TenantScope scope, String pluginId, boolean enabled) {
        String tenantId = scope.tenantId();
        access.require(c, tenantId, Permission.PLUGINS_MANAGE);
        PluginStatus s = known(pluginId);
        enablements.set(tenantId, pluginId, enabled);
        audit.success(c, tenantId, enabled ? "plugin.enable" : "plugin.disable", "plugin", pluginId, Map.of());
        return view(s, enabled);
    }

    private PluginStatus known(String pluginId) {
        return platform.status(pluginId).filter(s -> s.version() != null)
                .orElseThrow(() -> ApiException.notFound("plugin"));
    }

    private PluginViews.TenantPluginView view(PluginStatus s, boolean enabled) {
        return new PluginViews.TenantPluginView(s.id(), s.version(), s.description(), s.state().wire(), enabled,
                s.extensions(), platform.connector(s.id()).map(PluginViews.ChannelView::of).orElse(null));
    }
}
