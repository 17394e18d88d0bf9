package io.channelhub.plugins.asaas;

import io.channelhub.plugin.OutboundHttp;
import io.channelhub.plugin.billing.GatewayException;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * Calls to one Asaas account through the hub's instrumented client. Every request carries the headers Asaas requires
 * ({@code access_token}, {@code Content-Type}, and a {@code User-Agent}, mandatory for accounts created since June
 * 2024), passes the account's {@link RateLimitGate} first, and returns the answer's JSON object or throws the
 * {@link GatewayException} it means.
 */
final class AsaasApi {

    static final String USER_AGENT = "ChannelHub-billing-asaas";
    private static final Pattern ID = Pattern.compile("[A-Za-z0-9_\\-]{1,100}");

    private final AsaasSettings settings;
    private final OutboundHttp http;
    private final RateLimitGate gate;
    private final Clock clock;

    AsaasApi(AsaasSettings settings, OutboundHttp http, RateLimitGate gate, Clock clock) {
        this.settings = settings;
        this.http = http;
        this.gate = gate;
        this.clock = clock;
    }

    /** {@code GET path?name=value}. Asaas answers 403 to a GET with a body, so none is sent. */
    Map<String, Object> get(String path, String queryName, String queryValue) throws GatewayException {
        return send(request(path + "?" + queryName + "=" + URLEncoder.encode(queryValue, StandardCharsets.UTF_8))
                .GET());
    }

    Map<String, Object> get(String path) throws GatewayException {
        return send(request(path).GET());
    }

    Map<String, Object> post(String path, String json) throws GatewayException {
        return send(request(path).POST(HttpRequest.BodyPublishers.ofString(json, StandardCharsets.UTF_8)));
    }

    Map<String, Object> delete(String path) throws GatewayException {
        return send(request(path).DELETE());
    }

    /** An Asaas id as a path segment; anything else would let a caller's string rewrite the path. */
    static String segment(String id) throws GatewayException {
        if (id == null || !ID.matcher(id).matches()) {
            throw new GatewayException(AsaasErrors.NOT_FOUND, "not an Asaas id: " + id, false);
        }
        return id;
    }

    private HttpRequest.Builder request(String pathAndQuery) {
        return HttpRequest.newBuilder(URI.create(settings.baseUrl() + pathAndQuery))
                .header("access_token", settings.apiKey())
                .header("Content-Type", "application/json")
                .header("User-Agent", USER_AGENT);
    }

    private Map<String, Object> send(HttpRequest.Builder builder) throws GatewayException {
        HttpRequest request = builder.build();
        HttpResponse<byte[]> response;
        try {
            gate.awaitTurn(clock.instant());
            response = http.send(request);
        } catch (IOException e) {
            throw new GatewayException(AsaasErrors.NETWORK, "Asaas could not be reached: " + e.getMessage(), true);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new GatewayException("interrupted", "interrupted before Asaas answered", true);
        }
        gate.observe(response.headers(), clock.instant());
        int status = response.statusCode();
        if (status / 100 != 2) {
            throw AsaasErrors.of(status, response.body());
        }
        try {
            return Json.object(response.body());
        } catch (IllegalArgumentException e) {
            // The call may have taken effect; repeating it is safe because every create looks up first.
            throw new GatewayException("malformed_response", "Asaas answered " + request.method() + " "
                    + request.uri().getPath() + " with a body that is not a JSON object", true);
        }
    }
}
