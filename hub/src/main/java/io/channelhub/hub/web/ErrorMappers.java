package io.channelhub.hub.web;

import io.channelhub.hub.errors.ApiException;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import jakarta.validation.ConstraintViolation;
import jakarta.validation.ConstraintViolationException;
import jakarta.ws.rs.NotAllowedException;
import jakarta.ws.rs.NotAcceptableException;
import jakarta.ws.rs.NotFoundException;
import jakarta.ws.rs.NotSupportedException;
import jakarta.ws.rs.WebApplicationException;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.ext.ExceptionMapper;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Collectors;
import org.glassfish.jersey.server.ResourceConfig;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Maps every exception to the one error shape. Dropwizard's default mappers are switched off so that nothing
 * else (no HTML page, no stack trace, no Jackson message naming internal classes) reaches a caller.
 */
public final class ErrorMappers {

    private static final Logger LOG = LoggerFactory.getLogger(ErrorMappers.class);

    private ErrorMappers() {
    }

    public static void register(ResourceConfig jersey) {
        jersey.register(new Api());
        jersey.register(new Domain());
        jersey.register(new Json());
        jersey.register(new Violations());
        jersey.register(new Web());
        jersey.register(new PluginFailure());
        jersey.register(new Unexpected());
    }

    /**
     * The answer Jersey's mappers give {@code e}, for a route served outside Jersey ({@code WebhookFilter}): the
     * most specific mapper wins, as in Jersey.
     */
    public static Response toResponse(Throwable e) {
        if (e instanceof ApiException a) {
            return new Api().toResponse(a);
        }
        if (e instanceof io.channelhub.hub.errors.HubFailure f) {
            return new Domain().toResponse(f);
        }
        if (e instanceof io.channelhub.hub.plugins.PluginCallException p) {
            return new PluginFailure().toResponse(p);
        }
        if (e instanceof JsonProcessingException j) {
            return new Json().toResponse(j);
        }
        if (e instanceof ConstraintViolationException v) {
            return new Violations().toResponse(v);
        }
        if (e instanceof WebApplicationException w) {
            return new Web().toResponse(w);
        }
        return new Unexpected().toResponse(e);
    }

    static Response render(int status, String code, String message, Map<String, Object> details) {
        Response.ResponseBuilder b = Response.status(status)
                .type(MediaType.APPLICATION_JSON_TYPE)
                .entity(ErrorResponse.of(status, code, message, details));
        if (status == 409) {
            // A conflict does not go away by itself: the official OpenAI SDKs retry a 409 unless told not to.
            b.header("x-should-retry", "false");
        }
        return b.build();
    }

    /** Our own failures. */
    public static final class Api implements ExceptionMapper<ApiException> {
        @Override
        public Response toResponse(ApiException e) {
            Response r = render(e.status(), e.code(), e.getMessage(), e.details());
            e.headers().forEach((k, v) -> r.getHeaders().putSingle(k, v));
            return r;
        }
    }

    /** Failures of the hub's rules raised below the web layer: their kind decides the status. */
    public static final class Domain implements ExceptionMapper<io.channelhub.hub.errors.HubFailure> {
        @Override
        public Response toResponse(io.channelhub.hub.errors.HubFailure e) {
            return new Api().toResponse(ApiException.from(e));
        }
    }

    /** Malformed JSON or JSON of the wrong shape: the caller's fault, never a 500. */
    public static final class Json implements ExceptionMapper<JsonProcessingException> {
        @Override
        public Response toResponse(JsonProcessingException e) {
            if (e instanceof UnrecognizedPropertyException u) {
                return render(422, "unknown_field", "unknown field: " + u.getPropertyName(),
                        Map.of("field", u.getPropertyName()));
            }
            if (e instanceof MismatchedInputException m) {
                String field = path(m);
                if (m instanceof io.channelhub.hub.web.StoredText.Refused) {
                    return render(422, "invalid_text", (field.isEmpty() ? "text" : field) + ": "
                            + m.getOriginalMessage(), field.isEmpty() ? Map.of() : Map.of("field", field));
                }
                if (!field.isEmpty()) {
                    return render(422, "invalid_field", "field has the wrong type: " + field, Map.of("field", field));
                }
                if (m.getTargetType() != null) {
                    return render(422, "invalid_body", "the request body has the wrong JSON type", Map.of());
                }
            }
            return render(400, "invalid_json", "request body is not valid JSON", Map.of());
        }

        private static String path(MismatchedInputException m) {
            return m.getPath().stream()
                        .map(r -> r.getFieldName() != null ? r.getFieldName() : "[" + r.getIndex() + "]")
                    .collect(Collectors.joining("."));
        }
    }

    /** Bean Validation failures on request bodies and parameters. */
    public static final class Violations implements ExceptionMapper<ConstraintViolationException> {
        @Override
        public Response toResponse(ConstraintViolationException e) {
            List<Map<String, Object>> errors = new ArrayList<>();
            for (ConstraintViolation<?> v : e.getConstraintViolations()) {
                Map<String, Object> err = new LinkedHashMap<>();
                err.put("field", lastNode(v.getPropertyPath().toString()));
                err.put("message", v.getMessage());
                errors.add(err);
            }
            return render(422, "validation_failed", "request is invalid", Map.of("errors", errors));
        }

        private static String lastNode(String path) {
            // Jersey prefixes the resource method and argument ("create.arg0.name"); the caller knows only "name".
            String[] parts = path.split("\\.");
            if (parts.length >= 3) {
                return String.join(".", java.util.Arrays.copyOfRange(parts, 2, parts.length));
            }
            return parts.length == 2 ? "body" : path;
        }
    }

    /** Jersey's own failures (unknown route, wrong method, media types). */
    public static final class Web implements ExceptionMapper<WebApplicationException> {
        @Override
        public Response toResponse(WebApplicationException e) {
            int status = e.getResponse().getStatus();
            if (e.getResponse().getEntity() instanceof ErrorResponse) {
                // Already the hub's own error (authentication's "missing_credentials", say).
                return e.getResponse();
            }
            if (e instanceof NotFoundException) {
                return render(404, "not_found", "no such route", Map.of());
            }
            if (e instanceof NotAllowedException) {
                return render(405, "method_not_allowed", "method not allowed on this route", Map.of());
            }
            if (e instanceof NotSupportedException) {
                // Most routes take JSON; the file upload takes multipart, as OpenAI's clients send it.
                return render(415, "unsupported_media_type", "send application/json (multipart/form-data for "
                        + "POST /v1/files)", Map.of());
            }
            if (e instanceof NotAcceptableException) {
                return render(406, "not_acceptable", "this route answers application/json", Map.of());
            }
            if (status >= 500) {
                return logged(e);
            }
            return render(status, "http_" + status, e.getResponse().getStatusInfo().getReasonPhrase(), Map.of());
        }
    }

    /** A plugin threw: the request that called it fails clearly, the hub and other plugins carry on. */
    public static final class PluginFailure implements ExceptionMapper<io.channelhub.hub.plugins.PluginCallException> {
        @Override
        public Response toResponse(io.channelhub.hub.plugins.PluginCallException e) {
            return render(502, "plugin_error", "plugin " + e.pluginId() + " failed to handle the request",
                    Map.of("plugin_id", e.pluginId()));
        }
    }

    /**
     * Anything else is our bug: log it with an id, tell the caller only the id. Except a request body that broke
     * off (the client closed the connection before sending what it announced, found while a body reader such as
     * the multipart one read it): that is the client's, answered 400 if anyone still listens, and not logged as
     * the hub's error.
     */
    public static final class Unexpected implements ExceptionMapper<Throwable> {
        @Override
        public Response toResponse(Throwable e) {
            for (Throwable t = e; t != null; t = t.getCause() == t ? null : t.getCause()) {
                if (t instanceof org.eclipse.jetty.io.EofException) {
                    LOG.info("request body ended early: {}", t.toString());
                    return render(400, "request_incomplete", "the request body ended before its announced length",
                            Map.of());
                }
            }
            if (io.channelhub.hub.persistence.Deadlocks.isContention(e)) {
                // Two requests locked the same rows in opposite orders (or waited too long for each other) and the
                // database rolled this one back: a race, not a bug; the client may try again at once.
                LOG.warn("request rolled back by the database for a concurrent one: {}", e.toString());
                Response r = render(503, "database_busy", "a concurrent change held the same data; the database "
                        + "rolled this request's transaction back: retry", Map.of("retry_after_seconds", 1));
                r.getHeaders().putSingle("Retry-After", "1");
                return r;
            }
            return logged(e);
        }
    }

    static Response logged(Throwable e) {
        String id = UUID.randomUUID().toString();
        LOG.error("unexpected error {}", id, e);
        return render(500, "internal_error", "unexpected error; reference " + id, Map.of("reference", id));
    }
}
