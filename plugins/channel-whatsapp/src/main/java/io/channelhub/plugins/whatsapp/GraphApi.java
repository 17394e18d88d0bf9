package io.channelhub.plugins.whatsapp;

import io.channelhub.plugin.OutboundHttp;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;

/**
 * Calls to one number's Graph API, through the hub's instrumented client: every request carries the bearer token
 * and goes to {@code {graph_base_url}/{graph_api_version}/...}.
 */
final class GraphApi {

    private final WhatsAppSettings settings;
    private final OutboundHttp http;

    GraphApi(WhatsAppSettings settings, OutboundHttp http) {
        this.settings = settings;
        this.http = http;
    }

    /** A versioned Graph URI; {@code pathAndQuery} starts with {@code /}. */
    URI uri(String pathAndQuery) {
        return URI.create(settings.baseUrl() + "/" + settings.version() + pathAndQuery);
    }

    HttpResponse<byte[]> postJson(String path, String json) throws IOException, InterruptedException {
        return http.send(authorised(uri(path)).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(json, StandardCharsets.UTF_8)).build());
    }

    HttpResponse<byte[]> postMultipart(String path, GraphRequests.Multipart multipart)
            throws IOException, InterruptedException {
        return http.send(authorised(uri(path)).header("Content-Type", multipart.contentType())
                .POST(HttpRequest.BodyPublishers.ofByteArray(multipart.body())).build());
    }

    HttpResponse<byte[]> get(URI uri) throws IOException, InterruptedException {
        return http.send(authorised(uri).GET().build());
    }

    /**
     * Whether a URL that a Graph answer handed back (a paging link, a media download URL) may receive the token:
     * HTTPS, or the configured base URL's own origin (a test double on plain HTTP).
     */
    boolean trusted(String url) {
        try {
            URI u = URI.create(url);
            URI base = URI.create(settings.baseUrl());
            if (u.getHost() == null) {
                return false;
            }
            boolean sameOrigin = u.getScheme().equalsIgnoreCase(base.getScheme())
                    && u.getHost().equalsIgnoreCase(base.getHost()) && port(u) == port(base);
            return sameOrigin || "https".equalsIgnoreCase(u.getScheme());
        } catch (IllegalArgumentException | NullPointerException e) {
            return false;
        }
    }

    /** Whether a URL is on the configured base URL's origin. */
    boolean sameOrigin(String url) {
        try {
            URI u = URI.create(url);
            URI base = URI.create(settings.baseUrl());
            return u.getScheme().equalsIgnoreCase(base.getScheme()) && u.getHost() != null
                    && u.getHost().equalsIgnoreCase(base.getHost()) && port(u) == port(base);
        } catch (IllegalArgumentException | NullPointerException e) {
            return false;
        }
    }

    private static int port(URI u) {
        if (u.getPort() != -1) {
            return u.getPort();
        }
        return "https".equalsIgnoreCase(u.getScheme()) ? 443 : 80;
    }

    private HttpRequest.Builder authorised(URI uri) {
        return HttpRequest.newBuilder(uri).header("Authorization", "Bearer " + settings.accessToken());
    }
}
