package io.channelhub.hub.web.hooks;

import io.channelhub.hub.web.PublicApi;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.OPTIONS;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.UriInfo;
import java.io.InputStream;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The public routes of channel plugins on Jersey ({@link ChannelHooks} does the work): every method of
 * {@code /hooks/instances/...}, and the reads and preflights of {@code /hooks/plugins/...}, whose posts
 * {@link WebhookFilter} answers before Jersey.
 */
@Path("/hooks")
@PublicApi
public class ChannelHooksResource {

    private final ChannelHooks hooks;

    @Context
    private HttpServletRequest servlet;

    public ChannelHooksResource(ChannelHooks hooks) {
        this.hooks = hooks;
    }

    @GET
    @Path("/instances/{instanceId}{path: (/.*)?}")
    public Response instanceGet(@PathParam("instanceId") String id, @PathParam("path") String path,
                                @Context HttpHeaders headers, @Context UriInfo uri) {
        return hooks.instance("GET", id, request(path, headers, uri, null));
    }

    @POST
    @Path("/instances/{instanceId}{path: (/.*)?}")
    public Response instancePost(@PathParam("instanceId") String id, @PathParam("path") String path,
                                 @Context HttpHeaders headers, @Context UriInfo uri, InputStream body) {
        return hooks.instance("POST", id, request(path, headers, uri, body));
    }

    @OPTIONS
    @Path("/instances/{instanceId}{path: (/.*)?}")
    public Response instanceOptions(@PathParam("instanceId") String id, @PathParam("path") String path,
                                    @Context HttpHeaders headers, @Context UriInfo uri) {
        return hooks.instance("OPTIONS", id, request(path, headers, uri, null));
    }

    @GET
    @Path("/plugins/{pluginId}{path: (/.*)?}")
    public Response pluginGet(@PathParam("pluginId") String pluginId, @PathParam("path") String path,
                              @Context HttpHeaders headers, @Context UriInfo uri) {
        return hooks.shared("GET", pluginId, request(path, headers, uri, null));
    }

    /** Reached where {@link WebhookFilter} is not installed (a test's Jersey alone). */
    @POST
    @Path("/plugins/{pluginId}{path: (/.*)?}")
    public Response pluginPost(@PathParam("pluginId") String pluginId, @PathParam("path") String path,
                               @Context HttpHeaders headers, @Context UriInfo uri, InputStream body) {
        return hooks.shared("POST", pluginId, request(path, headers, uri, body));
    }

    @OPTIONS
    @Path("/plugins/{pluginId}{path: (/.*)?}")
    public Response pluginOptions(@PathParam("pluginId") String pluginId, @PathParam("path") String path,
                                  @Context HttpHeaders headers, @Context UriInfo uri) {
        return hooks.shared("OPTIONS", pluginId, request(path, headers, uri, null));
    }

    private ChannelHooks.HookRequest request(String path, HttpHeaders headers, UriInfo uri, InputStream body) {
        Map<String, List<String>> q = new LinkedHashMap<>();
        uri.getQueryParameters().forEach((k, v) -> q.put(k, List.copyOf(v)));
        return new ChannelHooks.HookRequest(path, headers.getRequestHeaders(), q, body,
                servlet == null ? null : servlet.getRemoteAddr(), PluginHttp.origin(uri.getBaseUri()),
                arrivedNanos());
    }

    /** When Jetty began reading this request (System.nanoTime's clock); now, outside a Jetty container. */
    private long arrivedNanos() {
        return servlet == null ? System.nanoTime() : WebhookFilter.arrivedNanos(servlet);
    }
}
