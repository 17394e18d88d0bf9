package io.channelhub.hub.web.hooks;

import io.channelhub.hub.errors.ApiException;
import io.channelhub.plugin.HttpAnswer;
import io.channelhub.plugin.InboundRequest;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.UriInfo;
import java.io.IOException;
import java.io.InputStream;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What every plugin route ({@code /hooks/...}) does with HTTP, in one place: the body read up to the route's cap
 * (then 413, and the connection closed, since the rest stays unread), the hub's own origin told to the plugin, and
 * the cookie rule: a plugin serves its channel or gateway from the hub's own origin, so the browser sends it the
 * console's session cookie, and a cookie it set would be the hub's. A plugin therefore never receives a
 * {@code Cookie} header and never sets one.
 */
public final class PluginHttp {

    private PluginHttp() {
    }

    /** The same, from Jersey's view of the request. */
    public static InboundRequest request(String method, String path, HttpHeaders headers, UriInfo uri,
                                         InputStream body, String remoteAddress, long maxBodyBytes) {
        Map<String, List<String>> q = new LinkedHashMap<>();
        uri.getQueryParameters().forEach((k, v) -> q.put(k, List.copyOf(v)));
        return request(method, path, headers.getRequestHeaders(), q, body, remoteAddress, origin(uri.getBaseUri()),
                maxBodyBytes);
    }

    /** The request as its plugin receives it; {@code path} is below the plugin's or instance's route. */
    public static InboundRequest request(String method, String path, Map<String, List<String>> headers,
                                         Map<String, List<String>> query, InputStream body, String remoteAddress,
                                         String origin, long maxBodyBytes) {
        byte[] bytes = new byte[0];
        if (body != null) {
            try {
                bytes = body.readNBytes((int) Math.min(Integer.MAX_VALUE - 8, maxBodyBytes + 1));
            } catch (IOException e) {
                throw ApiException.badRequest("unreadable_body", "the request body could not be read");
            }
            if (bytes.length > maxBodyBytes) {
                // The rest of the body stays unread: the connection cannot carry another request.
                throw new ApiException(413, "body_too_large", "the request body is larger than "
                        + maxBodyBytes + " bytes", Map.of("max_bytes", maxBodyBytes)).withHeader("Connection", "close");
            }
        }
        String p = path == null || path.isEmpty() ? "/" : path;
        return new InboundRequest(method, p, requestHeaders(headers), query, bytes, remoteAddress, origin);
    }

    /**
     * The hub's own origin as this request addressed it: what a page the hub served (the demo) has as its origin,
     * so a plugin can recognise the hub's own pages without guessing the scheme or the host. Jetty builds the base
     * URI from the Host header, or from the proxy's forwarded headers when the connector trusts them.
     */
    static String origin(java.net.URI base) {
        if (base == null || base.getScheme() == null || base.getHost() == null) {
            return null;
        }
        return base.getScheme() + "://" + base.getHost() + (base.getPort() < 0 ? "" : ":" + base.getPort());
    }

    /** The request's headers as a plugin may see them. */
    static Map<String, List<String>> requestHeaders(Map<String, List<String>> headers) {
        Map<String, List<String>> h = new LinkedHashMap<>();
        headers.forEach((k, v) -> {
            if (!k.equalsIgnoreCase(HttpHeaders.COOKIE)) {
                h.put(k, List.copyOf(v));
            }
        });
        return h;
    }

    /** The plugin's answer as the caller receives it. */
    public static Response answer(HttpAnswer a) {
        Response.ResponseBuilder b = Response.status(a.status());
        if (a.body().length > 0 || a.contentType() != null) {
            b.entity(a.body());
            if (a.contentType() != null) {
                b.type(a.contentType());
            }
        }
        responseHeaders(a.headers()).forEach(b::header);
        return b.build();
    }

    /** The headers of a plugin's answer that may reach the caller (a streamed turn's answer too). */
    public static Map<String, String> responseHeaders(Map<String, String> headers) {
        Map<String, String> out = new LinkedHashMap<>();
        headers.forEach((k, v) -> {
            if (!k.equalsIgnoreCase(HttpHeaders.SET_COOKIE) && !k.equalsIgnoreCase("Set-Cookie2")) {
                out.put(k, v);
            }
        });
        return out;
    }
}
