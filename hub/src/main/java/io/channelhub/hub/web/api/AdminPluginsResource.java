package io.channelhub.hub.web.api;

import io.dropwizard.auth.Auth;
import io.channelhub.hub.plugins.PluginPlatform;
import io.channelhub.hub.acl.AccessControl;
import io.channelhub.hub.web.Page;
import io.channelhub.hub.identity.Caller;
import io.channelhub.hub.identity.Permission;
import io.channelhub.hub.errors.ApiException;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;

/** Every plugin jar of this node with its state and, when it is not started, the reason. */
@Path("/admin/plugins")
@Produces(MediaType.APPLICATION_JSON)
public class AdminPluginsResource {

    private final PluginPlatform platform;
    private final AccessControl access;

    public AdminPluginsResource(PluginPlatform platform, AccessControl access) {
        this.platform = platform;
        this.access = access;
    }

    @GET
    public Page<PluginViews.AdminPluginView> list(@Auth Caller c) {
        access.require(c, c.tenantId(), Permission.PLATFORM_ADMIN);
        return Page.all(platform.statuses().stream().map(s -> PluginViews.AdminPluginView.of(s, platform)).toList());
    }

    @GET
    @Path("/{pluginId}")
    public PluginViews.AdminPluginView get(@Auth Caller c, @PathParam("pluginId") String id) {
        access.require(c, c.tenantId(), Permission.PLATFORM_ADMIN);
        return platform.status(id).map(s -> PluginViews.AdminPluginView.of(s, platform))
                .orElseThrow(() -> ApiException.notFound("plugin"));
    }
}
