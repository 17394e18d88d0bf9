package io.channelhub.plugin;

import java.nio.charset.StandardCharsets;
import java.util.Map;

/**
 * The HTTP answer a plugin wants the hub to give the caller. The hub writes it only after it has stored the
 * events returned alongside it.
 *
 * <pre>{@code
 * HttpAnswer.text(200, challenge);          // a webhook verification handshake
 * HttpAnswer.status(401);                   // a bad signature
 * }</pre>
 *
 * @param status      the HTTP status
 * @param contentType the media type of {@code body}, or null when there is no body
 * @param body        the body bytes
 * @param headers     extra headers
 */
public record HttpAnswer(int status, String contentType, byte[] body, Map<String, String> headers) {

    /** Copies arrays and maps. */
    public HttpAnswer {
        if (status < 100 || status > 599) {
            throw new IllegalArgumentException("bad HTTP status " + status);
        }
        body = body == null ? new byte[0] : body.clone();
        headers = headers == null ? Map.of() : Map.copyOf(headers);
    }

    /** An answer without a body. */
    public static HttpAnswer status(int status) {
        return new HttpAnswer(status, null, new byte[0], Map.of());
    }

    /** A plain-text answer. */
    public static HttpAnswer text(int status, String text) {
        return new HttpAnswer(status, "text/plain; charset=utf-8", text.getBytes(StandardCharsets.UTF_8), Map.of());
    }

    /** A JSON answer. */
    public static HttpAnswer json(int status, String json) {
        return new HttpAnswer(status, "application/json", json.getBytes(StandardCharsets.UTF_8), Map.of());
    }

    /** The body bytes. */
    @Override
    public byte[] body() {
        return body.clone();
    }
}
