package io.channelhub.hub.web;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.util.Map;
import org.eclipse.jetty.http.HttpField;
import org.eclipse.jetty.http.HttpFields;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.handler.ErrorHandler;
import org.eclipse.jetty.util.Callback;

/**
 * Jetty's own error answers — refused before any resource runs: ambiguous path encodings, empty path segments, a
 * URI or headers too large, a malformed request line — in the API's one JSON error shape. Jetty's default is an
 * HTML page that echoes the request URI back; no caller of this API reads HTML, and an echoed URI is a reflection
 * vector. The message names the kind of problem only, never the input.
 */
public final class JsonErrorPages extends ErrorHandler {

    private static final ObjectMapper JSON =
            io.channelhub.hub.concurrency.SharedJsonBuffers.share(new ObjectMapper());
    private static final HttpField JSON_TYPE = new HttpField(HttpHeader.CONTENT_TYPE, "application/json");
    private static final HttpField NO_SNIFF = new HttpField("X-Content-Type-Options", "nosniff");

    public JsonErrorPages() {
        setShowStacks(false);
        setShowCauses(false);
        setShowOrigin(false);
    }

    @Override
    protected void generateResponse(Request request, Response response, int code, String message, Throwable cause,
                                    Callback callback) {
        HttpFields.Mutable headers = response.getHeaders();
        headers.put(JSON_TYPE);
        headers.put(NO_SNIFF);
        response.write(true, ByteBuffer.wrap(body(code)), callback);
    }

    /** Answers to requests Jetty could not even parse (a bad request line, oversized headers). */
    @Override
    public ByteBuffer badMessageError(int status, String reason, HttpFields.Mutable fields) {
        fields.put(JSON_TYPE);
        fields.put(NO_SNIFF);
        return ByteBuffer.wrap(body(status));
    }

    static byte[] body(int status) {
        String code = switch (status) {
            case 400 -> "bad_request";
            case 404 -> "not_found";
            case 405 -> "method_not_allowed";
            case 408 -> "request_timeout";
            case 413 -> "payload_too_large";
            case 414 -> "uri_too_long";
            case 415 -> "unsupported_media_type";
            case 431 -> "headers_too_large";
            case 500 -> "internal_error";
            case 503 -> "unavailable";
            default -> "http_" + status;
        };
        String message = switch (status) {
            case 400 -> "the request line or path is malformed or ambiguous (encoded separators, dot or empty "
                    + "segments, invalid percent-encoding)";
            case 414 -> "the request URI is too long";
            case 431 -> "the request headers are too large";
            case 413 -> "the request body is too large";
            default -> "the request could not be handled";
        };
        try {
            return JSON.writeValueAsBytes(Map.of("error", Map.of("code", code, "message", message)));
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException(e);
        }
    }
}
