package io.channelhub.plugin;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * An HTTP request the hub received on a plugin's route, after its size limit and before any parsing: the raw
 * body is kept so a plugin can verify a signature over the exact bytes.
 *
 * <pre>{@code
 * String signature = request.header("X-Hub-Signature-256").orElse("");
 * byte[] raw = request.body();
 * }</pre>
 *
 * @param method        the HTTP method
 * @param path          the path below the plugin's or instance's route, starting with {@code /}
 * @param headers       headers, names compared case-insensitively
 * @param query         query parameters
 * @param body          the raw body (empty for GET)
 * @param remoteAddress the caller's address as the hub sees it
 * @param hubOrigin     the origin ({@code scheme://host[:port]}) the caller addressed this request to, as the hub
 *                      sees it (the scheme and host the proxy in front of it forwarded, when the hub trusts forwarded
 *                      headers); a page the hub served itself has this origin. Null when the hub does not say
 *                      (a request built by hand). Since 1.2.0.
 */
public record InboundRequest(String method, String path, Map<String, List<String>> headers,
                             Map<String, List<String>> query, byte[] body, String remoteAddress, String hubOrigin) {

    /** Copies and normalises the maps. */
    public InboundRequest {
        TreeMap<String, List<String>> h = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
        headers.forEach((k, v) -> h.put(k, List.copyOf(v)));
        headers = java.util.Collections.unmodifiableMap(h);
        query = Map.copyOf(query);
        body = body == null ? new byte[0] : body.clone();
        method = method.toUpperCase(Locale.ROOT);
    }

    /** A request without the hub's origin (the form of plugin API 1.0 and 1.1). */
    public InboundRequest(String method, String path, Map<String, List<String>> headers,
                          Map<String, List<String>> query, byte[] body, String remoteAddress) {
        this(method, path, headers, query, body, remoteAddress, null);
    }

    /** The first value of a header. */
    public Optional<String> header(String name) {
        List<String> v = headers.get(name);
        return v == null || v.isEmpty() ? Optional.empty() : Optional.of(v.get(0));
    }

    /** The first value of a query parameter. */
    public Optional<String> queryParam(String name) {
        List<String> v = query.get(name);
        return v == null || v.isEmpty() ? Optional.empty() : Optional.of(v.get(0));
    }

    /** The raw body. */
    @Override
    public byte[] body() {
        return body.clone();
    }

    /** The body decoded as UTF-8. */
    public String bodyAsString() {
        return new String(body, StandardCharsets.UTF_8);
    }
}
