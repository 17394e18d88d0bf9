package io.channelhub.plugin.testing;

import io.channelhub.plugin.InboundRequest;
import java.nio.charset.StandardCharsets;

/**
 * An answer of a provider's API (a channel's send endpoint, a gateway's charges) as the scripted HTTP client of a
 * contract test gives it.
 *
 * @param status the HTTP status
 * @param body   the body, as the provider documents it
 */
public record ProviderAnswer(int status, String body) {

    /** {@code request} with another body: what the contracts send as garbage on a genuine request's route. */
    static InboundRequest withBody(InboundRequest request, String body) {
        return new InboundRequest(request.method(), request.path(), request.headers(), request.query(),
                body.getBytes(StandardCharsets.UTF_8), request.remoteAddress(), request.hubOrigin());
    }
}
