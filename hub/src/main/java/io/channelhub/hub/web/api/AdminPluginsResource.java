package io.channelhub.hub.web.api;

import io.dropwizard.auth.Auth;
import io.channelhub.hub.audit.AuditLog;
import io.channelhub.hub.plugins.PluginPackages;
import io.channelhub.hub.plugins.PluginPlatform;
import io.channelhub.hub.plugins.PluginStatus;
import io.channelhub.hub.acl.AccessControl;
import io.channelhub.hub.web.Page;
import io.channelhub.hub.identity.Caller;
import io.channelhub.hub.identity.Permission;
import io.channelhub.hub.errors.ApiException;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The node's plugins: every jar with its state and, when it is not started, the reason; and the plugins installed
 * through this API, which every replica runs (install or upgrade with the jar as the body, disable, enable, remove).
 */
@Path("/admin/plugins")
@Produces(MediaType.APPLICATION_JSON)
public class AdminPluginsResource {

    private final PluginPlatform platform;
    private final PluginPackages packages;
    private final AccessControl access;
    private final AuditLog audit;
    private final long maxBytes;

    public AdminPluginsResource(PluginPlatform platform, PluginPackages packages, AccessControl access, AuditLog audit,
                                long maxBytes) {
        this.platform = platform;
        this.packages = packages;
        this.access = access;
        this.audit = audit;
        this.maxBytes = maxBytes;
    }

    @GET
    public Page<PluginViews.AdminPluginView> list(@Auth Caller c) {
        access.require(c, c.tenantId(), Permission.PLATFORM_ADMIN);
        return Page.all(platform.statuses().stream().map(this::view).toList());
    }

    @GET
    @Path("/{pluginId}")
    public PluginViews.AdminPluginView get(@Auth Caller c, @PathParam("pluginId") String id) {
        access.require(c, c.tenantId(), Permission.PLATFORM_ADMIN);
        return platform.status(id).map(this::view).orElseThrow(() -> ApiException.notFound("plugin"));
    }

    /**
     * Installs the jar in the body, or upgrades the installed plugin with its Plugin-Id: 201 for a new plugin, 200
     * for an upgrade or the same jar again. The jar is tried first; one that would not start changes nothing (422).
     */
    @POST
    // Any type reaches the method, so who may install is decided before what was sent (a 403, not a 415, for a
    // caller who may not).
    @Consumes(MediaType.WILDCARD)
    public Response install(@Auth Caller c, InputStream body, @HeaderParam("Content-Type") String contentType,
                            @HeaderParam("X-Filename") String fileName) {
        access.require(c, c.tenantId(), Permission.PLATFORM_ADMIN);
        String type = contentType == null ? "" : contentType.split(";")[0].trim().toLowerCase(java.util.Locale.ROOT);
        if (!java.util.Set.of("application/java-archive", "application/x-java-archive",
                MediaType.APPLICATION_OCTET_STREAM).contains(type)) {
            throw new ApiException(415, "unsupported_media_type", "send the plugin's jar as the body, with "
                    + "Content-Type: application/java-archive", Map.of("content_type", type));
        }
        byte[] jar = read(body);
        if (jar.length == 0) {
            throw ApiException.unprocessable("empty_package", "the body must be the plugin's jar", Map.of());
        }
        PluginPackages.Installed done;
        try {
            done = packages.install(jar, fileName);
        } catch (io.channelhub.hub.errors.HubFailure f) {
            audit.denied(c, c.tenantId(), "plugin.install", "plugin", fileName == null ? "-" : fileName,
                    Map.of("code", f.code()));
            throw f;
        }
        Map<String, Object> summary = new LinkedHashMap<>();
        summary.put("version", done.pkg().version());
        summary.put("sha256", done.pkg().sha256());
        summary.put("signed_by", String.valueOf(done.status() == null ? null : done.status().signedBy()));
        summary.put("change", done.created() ? "installed" : done.unchanged() ? "unchanged" : "upgraded");
        audit.success(c, c.tenantId(), done.created() ? "plugin.install" : "plugin.upgrade", "plugin",
                done.pkg().pluginId(), summary);
        PluginViews.AdminPluginView view = platform.status(done.pkg().pluginId()).map(this::view)
                .orElseThrow(() -> ApiException.notFound("plugin"));
        return Response.status(done.created() ? 201 : 200).entity(view).build();
    }

    /** Stops an installed plugin on every replica; its package stays, for {@code enable}. */
    @POST
    @Path("/{pluginId}/disable")
    public PluginViews.AdminPluginView disable(@Auth Caller c, @PathParam("pluginId") String id) {
        return switchTo(c, id, false);
    }

    @POST
    @Path("/{pluginId}/enable")
    public PluginViews.AdminPluginView enable(@Auth Caller c, @PathParam("pluginId") String id) {
        return switchTo(c, id, true);
    }

    private PluginViews.AdminPluginView switchTo(Caller c, String id, boolean on) {
        access.require(c, c.tenantId(), Permission.PLATFORM_ADMIN);
        PluginStatus s = on ? packages.enable(id) : packages.disable(id);
        audit.success(c, c.tenantId(), on ? "plugin.enable" : "plugin.disable", "plugin", id, Map.of());
        // This replica may have nothing to show yet (its copy could not be read): what it knows, or 404.
        return s != null ? view(s) : platform.status(id).map(this::view)
                .orElseThrow(() -> ApiException.notFound("plugin"));
    }

    /** Removes an installed plugin from every replica, after the calls running in it finish. Tenants' data stays. */
    @DELETE
    @Path("/{pluginId}")
    public Response uninstall(@Auth Caller c, @PathParam("pluginId") String id) {
        access.require(c, c.tenantId(), Permission.PLATFORM_ADMIN);
        packages.uninstall(id);
        audit.success(c, c.tenantId(), "plugin.uninstall", "plugin", id, Map.of());
        return Response.noContent().build();
    }

    private PluginViews.AdminPluginView view(PluginStatus s) {
        return PluginViews.AdminPluginView.of(s, platform, platform.isBundled(s.id()) ? "bundled" : "installed");
    }

    private byte[] read(InputStream body) {
        if (body == null) {
            return new byte[0];
        }
        try {
            byte[] jar = body.readNBytes((int) Math.min(Integer.MAX_VALUE - 8, maxBytes + 1));
            if (jar.length > maxBytes) {
                throw new ApiException(413, "package_too_large", "the plugin jar is larger than " + maxBytes
                        + " bytes", Map.of("max_bytes", maxBytes));
            }
            return jar;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
