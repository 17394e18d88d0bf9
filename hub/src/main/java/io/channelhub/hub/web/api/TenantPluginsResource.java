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
import io.channelhub.hub.web.TenantScopes;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.UriInfo;
import java.util.Map;

/** The plugins a tenant can use, and its switch for each. Changes apply to the next request. */
@Produces(MediaType.APPLICATION_JSON)
@Consumes(MediaType.APPLICATION_JSON)
public abstract class TenantPluginsResource {

    private final PluginPlatform platform;
    private final PluginEnablements enablements;
    private final TenantScopes scopes;
    private final AccessControl access;
    private final AuditLog audit;

    protected TenantPluginsResource(PluginPlatform platform, PluginEnablements enablements, TenantScopes scopes,
                                    AccessControl access, AuditLog audit) {
        this.platform = platform;
        this.enablements = enablements;
        this.scopes = scopes;
        this.access = access;
        this.audit = audit;
    }

    @GET
    public Page<PluginViews.TenantPluginView> list(@Auth Caller c, @Context UriInfo uri) {
        String tenantId = scopes.resolve(c, uri);
        access.require(c, tenantId, Permission.PLUGINS_READ);
        Map<String, Boolean> explicit = enablements.explicit(tenantId);
        return Page.all(platform.statuses().stream()
                .filter(s -> s.version() != null)
                .map(s -> view(s, explicit.getOrDefault(s.id(), enablements.enabledByDefault()))).toList());
    }

    @GET
    @Path("/{pluginId}")
    public PluginViews.TenantPluginView get(@Auth Caller c, @Context UriInfo uri,
                                            @PathParam("pluginId") String pluginId) {
        String tenantId = scopes.resolve(c, uri);
        access.require(c, tenantId, Permission.PLUGINS_READ);
        PluginStatus s = known(pluginId);
        return view(s, enablements.isEnabled(tenantId, pluginId));
    }

    @POST
    @Path("/{pluginId}/enable")
    public PluginViews.TenantPluginView enable(@Auth Caller caller, @Context UriInfo uri,
                                               @PathParam("pluginId") String pluginId) {
        return set(caller, uri, pluginId, true);
    }

    @POST
    @Path("/{pluginId}/disable")
    public PluginViews.TenantPluginView disable(@Auth Caller caller, @Context UriInfo uri,
                                                @PathParam("pluginId") String pluginId) {
        return set(caller, uri, pluginId, false);
    }

    private PluginViews.TenantPluginView set(Caller c, UriInfo uri, String pluginId, boolean enabled) {
        String tenantId = scopes.resolve(c, uri);
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

    /** The caller's tenant. */
    @Path("/v1/plugins")
    public static class Own extends TenantPluginsResource {
        public Own(PluginPlatform platform, PluginEnablements enablements, TenantScopes scopes, AccessControl access,
                   AuditLog audit) {
            super(platform, enablements, scopes, access, audit);
        }
    }

    /** Any tenant, for the operator. */
    @Path("/admin/tenants/{tenantId}/plugins")
    public static class OfTenant extends Own {
        public OfTenant(PluginPlatform platform, PluginEnablements enablements, TenantScopes scopes,
                        AccessControl access, AuditLog audit) {
            super(platform, enablements, scopes, access, audit);
        }
    }
}
