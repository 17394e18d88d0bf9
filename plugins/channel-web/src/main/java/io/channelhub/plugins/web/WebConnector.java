package io.channelhub.plugins.web;

import io.channelhub.plugin.Conversations;
import io.channelhub.plugin.HttpAnswer;
import io.channelhub.plugin.InboundRequest;
import io.channelhub.plugin.InboundResult;
import io.channelhub.plugin.InboundScope;
import io.channelhub.plugin.PluginContext;
import io.channelhub.plugin.Settings;
import io.channelhub.plugin.SettingsException;
import io.channelhub.plugin.channel.ChannelCapability;
import io.channelhub.plugin.channel.ChannelConnector;
import io.channelhub.plugin.channel.ChannelDescriptor;
import io.channelhub.plugin.channel.MessageReceived;
import io.channelhub.plugin.channel.OutboundMessage;
import io.channelhub.plugin.channel.SendResult;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.pf4j.Extension;

/**
 * The web chat widget: serves the widget's script and stylesheet on the plugin route, and on each widget's
 * instance route checks the page's origin ({@link PageOrigin}: a tenant's site, or the hub's own demo page), starts visitor sessions (anonymous, or verified by the tenant's
 * {@code user_hash}), shows the visitor's history and turns their messages into agent turns that the hub streams
 * back. The wire protocol is docs/channel-web.md.
 */
@Extension
public class WebConnector implements ChannelConnector {

    static final String TYPE = "web";
    private static final Set<String> ASSETS = Set.of("/v1/widget.js", "/v1/widget.css");
    private static final Duration VERIFIED_TOKEN_TTL = Duration.ofHours(12);

    private final Map<String, byte[]> assets = new java.util.concurrent.ConcurrentHashMap<>();

    @Override
    public ChannelDescriptor descriptor() {
        return new ChannelDescriptor(TYPE, "Web chat widget", Set.of(ChannelCapability.STREAMING,
                ChannelCapability.TYPING), WidgetSettings.SCHEMA, null, 50.0);
    }

    @Override
    public void validateSettings(Settings settings) throws SettingsException {
        WidgetSettings.validate(settings);
    }

    @Override
    public InboundResult handleInbound(InboundRequest request, InboundScope scope) {
        Optional<PluginContext> instance = scope.instance();
        if (instance.isEmpty()) {
            return InboundResult.answerOnly(asset(request));
        }
        PluginContext ctx = instance.get();
        WidgetSettings w = WidgetSettings.of(ctx.settings());
        PageOrigin page = PageOrigin.of(request);
        if (!w.allows(page.origin())) {
            ctx.logger().info("Refused a widget request to {} {}: page origin {} ({}) is not among the allowed "
                    + "origins {}", request.method(), PageOrigin.shown(request.path()), page.origin() == null ? "unknown"
                    : page.origin(), page.evidence(), w.allowedOrigins());
            return InboundResult.answerOnly(error(403, "origin_not_allowed",
                    "this page's origin may not use this widget", Map.of()));
        }
        Map<String, String> cors = cors(page.origin());
        String route = request.method() + " " + request.path();
        if ("OPTIONS".equals(request.method())) {
            Map<String, String> h = new LinkedHashMap<>(cors);
            h.put("Access-Control-Allow-Methods", "GET, POST");
            h.put("Access-Control-Allow-Headers", "Authorization, Content-Type, Accept, X-File-Name");
            h.put("Access-Control-Max-Age", "600");
            return InboundResult.answerOnly(new HttpAnswer(204, null, null, h));
        }
        try {
            return switch (route) {
                case "GET /config" -> ok(config(ctx, w), cors);
                case "POST /sessions" -> session(request, ctx, w, cors);
                case "GET /messages" -> history(request, ctx, cors);
                case "POST /messages" -> message(request, ctx, w, cors);
                case "POST /uploads" -> upload(request, ctx, w, cors);
                default -> InboundResult.answerOnly(withHeaders(error(404, "not_found",
                        "no such widget endpoint", Map.of()), cors));
            };
        } catch (Refusal r) {
            return InboundResult.answerOnly(withHeaders(r.answer, cors));
        }
    }

    /** How often an open widget asks for new messages while a person is asked for or answers. */
    static final int POLL_SECONDS = 3;

    /**
     * The agent's replies reach visitors on the connection their message came in on. Anything else the hub sends (a
     * person's reply while they hold the conversation) is already stored in the conversation, which the open widget
     * reads every {@link #POLL_SECONDS} while a person is asked for or answers: it is delivered once stored. The widget
     * shows text only, so other kinds are refused.
     */
    /** The widget shows text: anything else is refused before it is stored or billed. */
    @Override
    public io.channelhub.plugin.channel.OutboundCheck checkOutbound(OutboundMessage message, PluginContext context) {
        if (message.kind() != OutboundMessage.Kind.TEXT) {
            return io.channelhub.plugin.channel.OutboundCheck.refused("not_supported", "the web widget shows text "
                    + "messages only", Map.of("kind", message.kind().name().toLowerCase(java.util.Locale.ROOT)));
        }
        return io.channelhub.plugin.channel.OutboundCheck.accepted(null);
    }

    @Override
    public SendResult send(OutboundMessage message, PluginContext context) {
        if (message.kind() != OutboundMessage.Kind.TEXT) {
            return new SendResult.Permanent("not_supported", "the web widget shows text messages only");
        }
        return new SendResult.Delivered(message.messageId());
    }

    private Map<String, Object> config(PluginContext ctx, WidgetSettings w) {
        Map<String, Object> theme = new LinkedHashMap<>();
        theme.put("mode", w.theme());
        theme.put("color", w.color());
        theme.put("position", w.position());
        theme.put("logo_url", w.logoUrl());
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("widget_id", ctx.instance().orElseThrow().id());
        out.put("title", w.title());
        out.put("greeting", w.greeting());
        out.put("locale", w.locale());
        out.put("theme", theme);
        out.put("prechat_fields", w.prechatFields());
        out.put("identity_verification", w.identityVerification());
        Map<String, Object> uploads = new LinkedHashMap<>();
        uploads.put("enabled", w.uploadsEnabled());
        uploads.put("max_bytes", w.uploadMaxBytes());
        uploads.put("types", w.uploadTypes());
        out.put("uploads", uploads);
        out.put("poll_seconds", POLL_SECONDS);
        return out;
    }

    private InboundResult session(InboundRequest request, PluginContext ctx, WidgetSettings w,
                                  Map<String, String> cors) {
        Map<String, Object> body = body(request, 8 * 1024);
        String userId = text(body, "user_id", 128, "invalid_session");
        String userHash = text(body, "user_hash", 128, "invalid_session");
        String previous = text(body, "visitor_token", 1024, "invalid_session");
        for (String f : List.of("name", "email", "locale")) {
            text(body, f, 254, "invalid_session");
        }
        String instanceId = ctx.instance().orElseThrow().id();
        Instant now = ctx.clock().instant();
        VisitorTokens.Visitor visitor;
        if (userId != null && w.identityVerification()) {
            if (userId.isEmpty() || !VisitorTokens.validUserHash(w.identitySecret(), userId, userHash)) {
                throw new Refusal(error(401, "invalid_user_hash", "the user_hash does not match the user_id",
                        Map.of()));
            }
            visitor = new VisitorTokens.Visitor("u:" + userId, true, now.plus(VERIFIED_TOKEN_TTL));
        } else {
            visitor = VisitorTokens.verify(ctx.store(), instanceId, previous, now)
                    .filter(v -> !v.verified())
                    .map(v -> new VisitorTokens.Visitor(v.id(), false, now.plus(Duration.ofDays(
                            w.visitorTokenTtlDays()))))
                    .orElseGet(() -> new VisitorTokens.Visitor(VisitorTokens.newVisitorId(), false,
                            now.plus(Duration.ofDays(w.visitorTokenTtlDays()))));
        }
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("visitor_token", VisitorTokens.issue(ctx.store(), instanceId, visitor));
        out.put("visitor_id", visitor.id());
        out.put("verified", visitor.verified());
        out.put("expires_at", visitor.expiresAt().toString());
        out.put("conversation_id", ctx.conversations().currentConversation(visitor.id()).orElse(null));
        return ok(out, cors);
    }

    private InboundResult history(InboundRequest request, PluginContext ctx, Map<String, String> cors) {
        VisitorTokens.Visitor visitor = visitor(request, ctx);
        int limit = 50;
        Optional<String> l = request.queryParam("limit");
        if (l.isPresent()) {
            try {
                limit = Integer.parseInt(l.get());
            } catch (NumberFormatException e) {
                limit = -1;
            }
            if (limit < 1 || limit > 200) {
                throw new Refusal(error(422, "invalid_limit", "limit is 1 to 200", Map.of("field", "limit")));
            }
        }
        Optional<String> conv = ctx.conversations().currentConversation(visitor.id());
        List<Map<String, Object>> messages = new java.util.ArrayList<>();
        if (conv.isPresent()) {
            // Tool rounds leave assistant rows without text: the visitor sees what was said.
            for (Conversations.MessageView m : ctx.conversations().recentMessages(conv.get(), Math.min(200,
                    limit * 2))) {
                if (("user".equals(m.role()) || "assistant".equals(m.role())) && m.content() != null
                        && !m.content().isEmpty()) {
                    Map<String, Object> v = new LinkedHashMap<>();
                    v.put("id", m.id());
                    v.put("role", m.role());
                    v.put("content", m.content());
                    v.put("created_at", m.createdAt().toString());
                    if (m.author() != null) {
                        // A person of the tenant's team wrote it (human takeover): the visitor sees their name.
                        v.put("author", m.author());
                    }
                    List<Map<String, Object>> files = new java.util.ArrayList<>();
                    for (String id : m.mediaIds()) {
                        ctx.media().find(id).ifPresent(f -> files.add(upload(f)));
                    }
                    v.put("attachments", files);
                    // The documents a reply cited, as the live turn showed them (names only).
                    v.put("sources", m.sources().stream().map(x -> Map.of("index", x.index(), "title", x.title()))
                            .toList());
                    messages.add(v);
                }
            }
        }
        if (messages.size() > limit) {
            messages = messages.subList(messages.size() - limit, messages.size());
        }
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("conversation_id", conv.orElse(null));
        out.put("messages", messages);
        out.put("handoff", conv.flatMap(id -> ctx.conversations().handoff(id)).map(h -> {
            Map<String, Object> x = new LinkedHashMap<>();
            x.put("state", h.state());
            x.put("name", h.personName());
            return x;
        }).orElse(null));
        return ok(out, cors);
    }

    private InboundResult message(InboundRequest request, PluginContext ctx, WidgetSettings w,
                                  Map<String, String> cors) {
        VisitorTokens.Visitor visitor = visitor(request, ctx);
        Map<String, Object> body = body(request, 64 * 1024);
        String clientId = text(body, "client_message_id", 100, "invalid_message");
        String text = text(body, "text", 4000, "invalid_message");
        if (clientId == null || clientId.isEmpty()) {
            throw new Refusal(error(422, "invalid_message", "client_message_id is required (1 to 100 characters)",
                    Map.of("field", "client_message_id")));
        }
        if (text == null || text.isBlank()) {
            throw new Refusal(error(422, "invalid_message", "text is 1 to 4000 characters", Map.of("field", "text")));
        }
        Map<String, String> attributes = new LinkedHashMap<>();
        attributes.put("client_message_id", clientId);
        Object files = body.get("attachments");
        if (files instanceof List<?> a && !a.isEmpty()) {
            if (!w.uploadsEnabled()) {
                throw new Refusal(error(403, "uploads_disabled", "this widget does not accept files", Map.of()));
            }
            if (a.size() > 5 || !a.stream().allMatch(x -> x instanceof String id && id.matches("med_[A-Za-z0-9]+"))) {
                throw new Refusal(error(422, "invalid_message", "attachments are at most 5 upload ids",
                        Map.of("field", "attachments")));
            }
            // The hub checks that each file is this visitor's own upload through this widget.
            attributes.put("media_ids", String.join(",", a.stream().map(String::valueOf).toList()));
        } else if (files != null && !(files instanceof List<?>)) {
            throw new Refusal(error(422, "invalid_message", "attachments is a list of upload ids",
                    Map.of("field", "attachments")));
        }
        String name = null;
        if (body.get("fields") instanceof Map<?, ?> fields) {
            for (String f : WidgetSettings.PRECHAT) {
                if (fields.get(f) instanceof String v && !v.isBlank()) {
                    if (v.length() > 254) {
                        throw new Refusal(error(422, "invalid_message", f + " is too long",
                                Map.of("field", "fields." + f)));
                    }
                    attributes.put("contact." + f, v.strip());
                }
            }
            name = attributes.get("contact.name");
        } else if (body.get("fields") != null) {
            throw new Refusal(error(422, "invalid_message", "fields is an object", Map.of("field", "fields")));
        }
        // Namespaced by visitor, so one visitor can never replay (and read) another's message by its id.
        String externalId = "web:" + VisitorTokens.sha256Hex(visitor.id() + "\n" + clientId);
        MessageReceived event = new MessageReceived(externalId, visitor.id(), name, MessageReceived.Kind.TEXT,
                text, attributes, ctx.clock().instant());
        boolean stream = request.header("Accept").map(a -> a.contains("text/event-stream")).orElse(false);
        return InboundResult.turn(new HttpAnswer(200, null, null, cors), new InboundResult.BoundEvent(ctx, event),
                new InboundResult.Turn(w.agent(), stream));
    }

    private InboundResult upload(InboundRequest request, PluginContext ctx, WidgetSettings w,
                                 Map<String, String> cors) {
        VisitorTokens.Visitor visitor = visitor(request, ctx);
        if (!w.uploadsEnabled()) {
            throw new Refusal(error(403, "uploads_disabled", "this widget does not accept files", Map.of()));
        }
        byte[] bytes = request.body();
        if (bytes.length > w.uploadMaxBytes()) {
            throw new Refusal(error(413, "upload_too_large", "the file is larger than " + w.uploadMaxBytes()
                    + " bytes", Map.of("max_bytes", w.uploadMaxBytes())));
        }
        if (bytes.length == 0) {
            throw new Refusal(error(422, "invalid_upload", "the file is empty", Map.of()));
        }
        String type = request.header("Content-Type").map(t -> t.split(";")[0].trim().toLowerCase(
                java.util.Locale.ROOT)).orElse("");
        if (!w.uploadTypes().contains(type) || !FileTypes.looksLike(type, bytes)) {
            throw new Refusal(error(415, "upload_type_not_allowed", "this file type is not accepted here",
                    Map.of("types", w.uploadTypes())));
        }
        String name = request.header("X-File-Name").map(n -> {
            try {
                return java.net.URLDecoder.decode(n, java.nio.charset.StandardCharsets.UTF_8);
            } catch (IllegalArgumentException e) {
                return n;
            }
        }).orElse(null);
        var stored = ctx.media().put(type, name, bytes, visitor.id());
        Map<String, Object> out = upload(stored);
        return InboundResult.answerOnly(new HttpAnswer(201, "application/json", Json.write(out)
                .getBytes(java.nio.charset.StandardCharsets.UTF_8), cors));
    }

    private static Map<String, Object> upload(io.channelhub.plugin.MediaStore.StoredMedia m) {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("upload_id", m.id());
        out.put("name", m.fileName());
        out.put("content_type", m.contentType());
        out.put("size", m.size());
        return out;
    }

    private VisitorTokens.Visitor visitor(InboundRequest request, PluginContext ctx) {
        String auth = request.header("Authorization").orElse("");
        String token = auth.regionMatches(true, 0, "Bearer ", 0, 7) ? auth.substring(7).trim() : null;
        return VisitorTokens.verify(ctx.store(), ctx.instance().orElseThrow().id(), token, ctx.clock().instant())
                .orElseThrow(() -> new Refusal(error(401, "invalid_visitor_token",
                        "the visitor token is missing, invalid or expired; start a new session", Map.of())));
    }

    private HttpAnswer asset(InboundRequest request) {
        if (!"GET".equals(request.method()) || !ASSETS.contains(request.path())) {
            return error(404, "not_found", "no such widget file", Map.of());
        }
        byte[] bytes = assets.computeIfAbsent(request.path(), p -> {
            try (InputStream in = WebConnector.class.getResourceAsStream("/web" + p)) {
                if (in == null) {
                    throw new IllegalStateException("widget asset missing from the plugin jar: " + p);
                }
                return in.readAllBytes();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        });
        String type = request.path().endsWith(".js") ? "text/javascript; charset=utf-8" : "text/css; charset=utf-8";
        return new HttpAnswer(200, type, bytes, Map.of("Cache-Control", "public, max-age=300",
                "X-Content-Type-Options", "nosniff", "Cross-Origin-Resource-Policy", "cross-origin",
                "Access-Control-Allow-Origin", "*"));
    }

    private static Map<String, Object> body(InboundRequest request, int max) {
        if (request.body().length > max) {
            throw new Refusal(error(413, "body_too_large", "the body is larger than " + max + " bytes", Map.of()));
        }
        if (request.body().length == 0) {
            return Map.of();
        }
        try {
            return Json.read(request.bodyAsString());
        } catch (IllegalArgumentException e) {
            throw new Refusal(error(400, "invalid_json", "the body is not a JSON object", Map.of()));
        }
    }

    private static String text(Map<String, Object> body, String field, int max, String code) {
        Object v = body.get(field);
        if (v == null) {
            return null;
        }
        if (!(v instanceof String s) || s.length() > max) {
            throw new Refusal(error(422, code, field + " must be text of at most " + max + " characters",
                    Map.of("field", field)));
        }
        return s;
    }

    private static Map<String, String> cors(String origin) {
        // Exposed so the widget can tell the visitor how long to wait.
        return Map.of("Access-Control-Allow-Origin", origin, "Vary", "Origin", "Access-Control-Expose-Headers",
                "Retry-After, RateLimit-Limit, RateLimit-Remaining, RateLimit-Reset");
    }

    private static InboundResult ok(Map<String, Object> body, Map<String, String> cors) {
        return InboundResult.answerOnly(new HttpAnswer(200, "application/json", Json.write(body)
                .getBytes(java.nio.charset.StandardCharsets.UTF_8), cors));
    }

    static HttpAnswer error(int status, String code, String message, Map<String, Object> details) {
        Map<String, Object> e = new LinkedHashMap<>();
        e.put("code", code);
        e.put("message", message);
        if (!details.isEmpty()) {
            e.put("details", details);
        }
        return HttpAnswer.json(status, Json.write(Map.of("error", e)));
    }

    private static HttpAnswer withHeaders(HttpAnswer a, Map<String, String> headers) {
        Map<String, String> h = new LinkedHashMap<>(a.headers());
        h.putAll(headers);
        return new HttpAnswer(a.status(), a.contentType(), a.body(), h);
    }

    /** A refusal that ends a request with an error answer. */
    private static final class Refusal extends RuntimeException {
        private static final long serialVersionUID = 1L;
        private final transient HttpAnswer answer;

        Refusal(HttpAnswer answer) {
            super(null, null, false, false);
            this.answer = answer;
        }
    }
}
