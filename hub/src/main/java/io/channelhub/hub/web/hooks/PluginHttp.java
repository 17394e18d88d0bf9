package io.channelhub.hub.web.hooks;

import io.channelhub.plugin.HttpAnswer;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.Response;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The cookie rule of every plugin route ({@code /hooks/...}): a plugin serves its channel or gateway from the
 * hub's own origin, so the browser sends it the console's session cookie, and a cookie it set would be the hub's.
 * A plugin therefore never receives a {@code Cookie} header and never sets one.
 */
public final class PluginHttp {

    private PluginHttp() {
    }

    /** The request's headers as a plugin may see them. */
    public static Map<String, List<String>> requestHeaders(HttpHeaders headers) {
        Map<String, List<String>> h = new LinkedHashMap<>();
        headers.getRequestHeaders().forEach((k, v) -> {
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
