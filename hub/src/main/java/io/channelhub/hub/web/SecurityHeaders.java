package io.channelhub.hub.web;

import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.container.ContainerResponseContext;
import jakarta.ws.rs.container.ContainerResponseFilter;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.MultivaluedMap;
import jakarta.ws.rs.ext.Provider;

/**
 * The security headers of every answer. Every answer: no MIME sniffing (a JSON error that echoes input must never
 * run as HTML or script). API answers in JSON also: never framed, no active content, not kept in shared caches or
 * the browser's disk cache (they carry tenant data and keys), and no referrer leaking ids in URLs. A header that
 * a resource set itself (the console's and the demo's CSP, a plugin's own caching of its script) is kept.
 */
@Provider
public final class SecurityHeaders implements ContainerResponseFilter {

    /** The headers every JSON answer gets unless its route set them itself. */
    private static final String[][] JSON_HEADERS = {{"Cache-Control", "no-store"},
        {"Content-Security-Policy", "default-src 'none'; frame-ancestors 'none'"}, {"X-Frame-Options", "DENY"},
        {"Referrer-Policy", "no-referrer"}};

    @Override
    public void filter(ContainerRequestContext request, ContainerResponseContext response) {
        MultivaluedMap<String, Object> h = response.getHeaders();
        h.putSingle("X-Content-Type-Options", "nosniff");
        MediaType type = response.getMediaType();
        if (type != null && type.isCompatible(MediaType.APPLICATION_JSON_TYPE)) {
            for (String[] header : JSON_HEADERS) {
                if (!h.containsKey(header[0])) {
                    h.putSingle(header[0], header[1]);
                }
            }
        }
    }

    /** The same headers for an answer written outside Jersey; a header the answer set itself is kept. */
    public static void apply(jakarta.servlet.http.HttpServletResponse response, String contentType) {
        response.setHeader("X-Content-Type-Options", "nosniff");
        if (contentType != null && json(contentType)) {
            for (String[] header : JSON_HEADERS) {
                if (!response.containsHeader(header[0])) {
                    response.setHeader(header[0], header[1]);
                }
            }
        }
    }

    private static boolean json(String contentType) {
        try {
            return MediaType.valueOf(contentType).isCompatible(MediaType.APPLICATION_JSON_TYPE);
        } catch (IllegalArgumentException unreadable) {
            // A plugin's odd content type is not JSON.
            return false;
        }
    }
}
