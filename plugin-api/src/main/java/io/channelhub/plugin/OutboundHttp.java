package io.channelhub.plugin;

import java.io.IOException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;

/**
 * Outbound HTTP for plugins. The hub adds the W3C {@code traceparent} header, applies its timeouts and records
 * metrics per plugin and outcome; a plugin should not open its own client.
 *
 * <pre>{@code
 * HttpResponse<byte[]> r = context.http().send(HttpRequest.newBuilder(uri)
 *         .header("Authorization", "Bearer " + token)
 *         .POST(HttpRequest.BodyPublishers.ofString(json)).build());
 * }</pre>
 */
public interface OutboundHttp {

    /** Sends a request and returns the whole response body. */
    HttpResponse<byte[]> send(HttpRequest request) throws IOException, InterruptedException;
}
