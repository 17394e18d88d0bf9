package io.channelhub.plugins.whatsapp;

import io.channelhub.plugin.Contacts;
import io.channelhub.plugin.HttpAnswer;
import io.channelhub.plugin.InboundEvent;
import io.channelhub.plugin.InboundRequest;
import io.channelhub.plugin.InboundResult;
import io.channelhub.plugin.InboundScope;
import io.channelhub.plugin.MediaStore;
import io.channelhub.plugin.PluginContext;
import io.channelhub.plugin.Settings;
import io.channelhub.plugin.SettingsException;
import io.channelhub.plugin.channel.ChannelCapability;
import io.channelhub.plugin.channel.ChannelConnector;
import io.channelhub.plugin.channel.ChannelDescriptor;
import io.channelhub.plugin.channel.FetchedMedia;
import io.channelhub.plugin.channel.MessageReceived;
import io.channelhub.plugin.channel.MessageTemplate;
import io.channelhub.plugin.channel.OutboundCheck;
import io.channelhub.plugin.channel.OutboundMessage;
import io.channelhub.plugin.channel.SendResult;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import org.pf4j.Extension;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The WhatsApp Cloud API channel (docs/channel-whatsapp.md). One instance per phone number; Meta posts every
 * number of an app to one plugin route, {@code /hooks/plugins/channel-whatsapp/webhook}, where each change is routed
 * by its {@code phone_number_id} and accepted only under that instance's app secret.
 */
@Extension
public class WhatsAppConnector implements ChannelConnector {

    static final String TYPE = "whatsapp-cloud";
    static final int MAX_TEXT_LENGTH = 4096;
    static final long MAX_MEDIA_BYTES = io.channelhub.plugin.MediaStore.MAX_BYTES;
    private static final int MAX_CHALLENGE_LENGTH = 1024;
    private static final int MAX_TEMPLATE_PAGES = 200;
    private static final String UPLOADS = "media_uploads";
    /** Meta keeps an uploaded file for 30 days; a day's margin so a queued retry never names an expired id. */
    private static final Duration UPLOAD_REUSE = Duration.ofDays(29);

    // The plugin route has no instance (and so no context logger) until a change is routed.
    private static final Logger LOG = LoggerFactory.getLogger(WhatsAppConnector.class);

    @Override
    public ChannelDescriptor descriptor() {
        return new ChannelDescriptor(TYPE, "WhatsApp Cloud API", Set.of(ChannelCapability.MEDIA,
                ChannelCapability.TEMPLATES, ChannelCapability.INTERACTIVE, ChannelCapability.REACTIONS,
                ChannelCapability.READ_RECEIPTS, ChannelCapability.TYPING), WhatsAppSettings.SCHEMA,
                WhatsAppSettings.PHONE_NUMBER_ID, WhatsAppSettings.DEFAULT_RATE, Duration.ofHours(24),
                MAX_TEXT_LENGTH);
    }

    @Override
    public void validateSettings(Settings settings) throws SettingsException {
        WhatsAppSettings.validate(settings);
    }

    @Override
    public double sendRatePerSecond(Settings settings) {
        return WhatsAppSettings.of(settings).messagesPerSecond();
    }

    // Inbound ----------------------------------------------------------------------------------------------------

    @Override
    public InboundResult handleInbound(InboundRequest request, InboundScope scope) {
        if (!"/webhook".equals(request.path())) {
            return InboundResult.answerOnly(HttpAnswer.status(404));
        }
        return switch (request.method()) {
            case "GET" -> InboundResult.answerOnly(handshake(request, scope));
            case "POST" -> notification(request, scope);
            default -> InboundResult.answerOnly(new HttpAnswer(405, null, null, Map.of("Allow", "GET, POST")));
        };
    }

    /** Meta's verification request: echo the challenge when some instance has the verify token. */
    private static HttpAnswer handshake(InboundRequest request, InboundScope scope) {
        String mode = request.queryParam("hub.mode").orElse("");
        String token = request.queryParam("hub.verify_token").orElse("");
        String challenge = request.queryParam("hub.challenge").orElse("");
        if (!"subscribe".equals(mode) || token.isEmpty() || challenge.isEmpty()
                || challenge.length() > MAX_CHALLENGE_LENGTH || !scope.anyInstanceHas("verify_token", token)) {
            LOG.info("Refused a WhatsApp webhook verification (mode, token or challenge not accepted)");
            return HttpAnswer.status(403);
        }
        return HttpAnswer.text(200, challenge);
    }

    private static InboundResult notification(InboundRequest request, InboundScope scope) {
        Optional<byte[]> signature = Signatures.presented(request.header(Signatures.HEADER).orElse(null));
        if (signature.isEmpty()) {
            LOG.info("Refused a WhatsApp webhook without a well-formed {} header", Signatures.HEADER);
            return InboundResult.answerOnly(HttpAnswer.status(401));
        }
        byte[] body = request.body();
        List<WebhookParser.Change> changes;
        try {
            changes = WebhookParser.changes(body);
        } catch (IllegalArgumentException e) {
            return InboundResult.answerOnly(HttpAnswer.text(400, "not a WhatsApp Business Account webhook"));
        }
        // Every number the body names must accept the signature: one tenant's app secret must never carry events
        // into another tenant's instance, so a single mismatch refuses the whole body.
        Map<String, Optional<PluginContext>> contexts = new HashMap<>();
        for (WebhookParser.Change change : changes) {
            if (contexts.containsKey(change.phoneNumberId())) {
                continue;
            }
            Optional<PluginContext> context = scope.findInstance(change.phoneNumberId());
            contexts.put(change.phoneNumberId(), context);
            if (context.isPresent() && !Signatures.matches(signature.get(), body,
                    WhatsAppSettings.of(context.get().settings()).appSecret())) {
                context.get().logger().warn("Refused a WhatsApp webhook whose signature does not match the app "
                        + "secret of this number");
                return InboundResult.answerOnly(HttpAnswer.status(401));
            }
        }
        List<InboundResult.BoundEvent> events = new ArrayList<>();
        int unknown = 0;
        for (WebhookParser.Change change : changes) {
            Optional<PluginContext> context = contexts.get(change.phoneNumberId());
            if (context.isEmpty()) {
                unknown++;
                continue;
            }
            PluginContext ctx = context.get();
            for (InboundEvent e : WebhookParser.events(change, WhatsAppSettings.of(ctx.settings()).keywords(),
                    waId -> ctx.contacts().consent(waId, "marketing") == Contacts.ConsentStatus.WITHDRAWN,
                    ctx.clock().instant())) {
                events.add(new InboundResult.BoundEvent(ctx, e));
            }
        }
        if (unknown > 0) {
            // Meta retries what is not answered 200, and an unknown number will not become known by retrying.
            LOG.info("Ignored {} WhatsApp webhook change(s) for phone numbers without an enabled instance", unknown);
        }
        return InboundResult.accepted(HttpAnswer.status(200), events);
    }

    // Outbound ---------------------------------------------------------------------------------------------------

    @Override
    public OutboundCheck checkOutbound(OutboundMessage message, PluginContext context) {
        Map<String, String> a = message.attributes();
        if (message.kind() == OutboundMessage.Kind.TEMPLATE) {
            String name = a.get("template_name");
            String language = a.get("template_language");
            if (name == null || name.isBlank() || language == null || language.isBlank()) {
                return OutboundCheck.refused("invalid_outbound", "a template message needs template_name and "
                        + "template_language", Map.of("template_name", String.valueOf(name), "template_language",
                        String.valueOf(language)));
            }
            TemplateParameters parameters;
            try {
                parameters = TemplateParameters.parse(a.get("template_parameters"));
            } catch (TemplateParameters.Invalid e) {
                return OutboundCheck.refused(TemplateRules.INVALID, "template_parameters: " + e.getMessage(),
                        Map.of(e.part(), e.getMessage()));
            }
            Optional<MessageTemplate> template = TemplateStore.find(context.store(), instanceId(context), name,
                    language);
            if (template.isEmpty()) {
                return OutboundCheck.refused(TemplateRules.NOT_FOUND, "no synchronised template " + name + " in "
                        + language + "; synchronise the templates of this number", Map.of("template_name", name,
                        "template_language", language));
            }
            return TemplateRules.check(template.get(), parameters);
        }
        try {
            if (message.kind() == OutboundMessage.Kind.MEDIA) {
                String hubMediaId = a.get("hub_media_id");
                if (hubMediaId != null && !hubMediaId.isBlank()) {
                    Optional<MediaStore.StoredMedia> stored = context.media().find(hubMediaId);
                    if (stored.isEmpty()) {
                        return OutboundCheck.refused("invalid_outbound", "hub_media_id names no stored file",
                                Map.of("hub_media_id", hubMediaId));
                    }
                    GraphRequests.message(withMediaType(message, stored.get()), "pending-upload", null);
                    return OutboundCheck.accepted(null);
                }
                String link = a.get("link");
                if (link != null && !link.isBlank() && !(link.startsWith("https://") || link.startsWith("http://"))) {
                    return OutboundCheck.refused("invalid_outbound", "link must be an http(s) URL",
                            Map.of("link", "must be an http(s) URL"));
                }
            }
            GraphRequests.message(message, null, null);
            return OutboundCheck.accepted(null);
        } catch (GraphRequests.Invalid e) {
            return OutboundCheck.refused("invalid_outbound", e.getMessage(), Map.of("kind", message.kind().name()));
        }
    }

    @Override
    public SendResult send(OutboundMessage message, PluginContext context) {
        WhatsAppSettings settings = WhatsAppSettings.of(context.settings());
        GraphApi graph = new GraphApi(settings, context.http());
        Instant now = context.clock().instant();
        try {
            OutboundMessage toSend = message;
            String uploadedId = null;
            TemplateRules.Shape shape = null;
            if (message.kind() == OutboundMessage.Kind.MEDIA && present(message.attributes().get("hub_media_id"))) {
                Upload upload = upload(message, context, settings, graph, now);
                if (upload.failure() != null) {
                    return upload.failure();
                }
                toSend = upload.message();
                uploadedId = upload.mediaId();
            }
            if (message.kind() == OutboundMessage.Kind.TEMPLATE) {
                shape = TemplateStore.find(context.store(), instanceId(context),
                        String.valueOf(message.attributes().get("template_name")),
                        String.valueOf(message.attributes().get("template_language")))
                        .map(t -> TemplateRules.Shape.of(t.componentsJson())).orElse(null);
            }
            String body = GraphRequests.message(toSend, uploadedId, shape);
            HttpResponse<byte[]> response = graph.postJson("/" + settings.phoneNumberId() + "/messages", body);
            int status = response.statusCode();
            if (status / 100 != 2) {
                return failed(context, message, "send", response, now);
            }
            Optional<String> wamid = GraphErrors.messageId(response.body());
            if (wamid.isPresent()) {
                // Template sends are metered by the core, for every channel (ChannelDeliverer).
                return new SendResult.Delivered(wamid.get());
            }
            boolean receipt = message.kind() == OutboundMessage.Kind.MARK_READ
                    || message.kind() == OutboundMessage.Kind.TYPING;
            if (receipt && GraphErrors.success(response.body())) {
                // Meta answers a read receipt with {"success":true} and no id of its own.
                return new SendResult.Delivered(message.attributes().get("message_id") + ":"
                        + (message.kind() == OutboundMessage.Kind.TYPING ? "typing" : "read"));
            }
            context.logger().warn("Graph API accepted message {} without a message id", message.messageId());
            return new SendResult.Permanent("unexpected_response", "the Graph API answered 2xx without a message id");
        } catch (GraphRequests.Invalid e) {
            return new SendResult.Permanent("invalid_outbound", e.getMessage());
        } catch (IOException e) {
            return new SendResult.Retryable("io_error", Optional.empty());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return new SendResult.Retryable("interrupted", Optional.empty());
        }
    }

    /**
     * Uploads a file stored in the hub ({@code hub_media_id}) and returns the WhatsApp media id to send it by.
     * The id is kept (per instance and file) and reused while Meta keeps the upload, so retries do not upload again.
     */
    private Upload upload(OutboundMessage message, PluginContext context, WhatsAppSettings settings, GraphApi graph,
                          Instant now) throws IOException, InterruptedException {
        String hubMediaId = message.attributes().get("hub_media_id");
        Optional<MediaStore.StoredMedia> stored = context.media().find(hubMediaId);
        Optional<byte[]> content = stored.isPresent() ? context.media().content(hubMediaId) : Optional.empty();
        if (stored.isEmpty() || content.isEmpty()) {
            return Upload.failed(new SendResult.Permanent("media_not_found", "the stored file no longer exists"));
        }
        OutboundMessage typed = withMediaType(message, stored.get());
        String key = instanceId(context) + ":" + hubMediaId;
        Optional<String> cached = context.store().get(UPLOADS, key).map(d -> Json.object(d.json()))
                .filter(m -> uploadedAt(m).plus(UPLOAD_REUSE).isAfter(now))
                .flatMap(m -> Json.text(m, "media_id"));
        if (cached.isPresent()) {
            return new Upload(typed, cached.get(), null);
        }
        GraphRequests.Multipart multipart = GraphRequests.upload("channelhub-" + UUID.randomUUID(),
                stored.get().contentType(), stored.get().fileName(), content.get());
        HttpResponse<byte[]> response = graph.postMultipart("/" + settings.phoneNumberId() + "/media", multipart);
        if (response.statusCode() / 100 != 2) {
            return Upload.failed(failed(context, message, "media upload", response, now));
        }
        Optional<String> mediaId = Optional.empty();
        try {
            mediaId = Json.text(Json.object(new String(response.body(), StandardCharsets.UTF_8)), "id");
        } catch (IllegalArgumentException e) {
            // handled below
        }
        if (mediaId.isEmpty()) {
            return Upload.failed(new SendResult.Retryable("unexpected_upload_response", Optional.empty()));
        }
        Map<String, Object> record = new LinkedHashMap<>();
        record.put("media_id", mediaId.get());
        record.put("uploaded_at", String.valueOf(now.getEpochSecond()));
        context.store().put(UPLOADS, key, Json.write(record), Map.of("instance", instanceId(context)),
                message.contactExternalId());
        return new Upload(typed, mediaId.get(), null);
    }

    private static Instant uploadedAt(Map<String, Object> record) {
        try {
            return Instant.ofEpochSecond(Long.parseLong(Json.text(record, "uploaded_at").orElse("0")));
        } catch (NumberFormatException e) {
            return Instant.EPOCH;
        }
    }

    /** A MEDIA message with its media type, taken from the stored file when the message does not name one. */
    private static OutboundMessage withMediaType(OutboundMessage message, MediaStore.StoredMedia stored) {
        if (present(message.attributes().get("media_type"))) {
            return message;
        }
        Map<String, String> a = new HashMap<>(message.attributes());
        a.put("media_type", GraphRequests.mediaTypeOf(stored.contentType()));
        if (!a.containsKey("filename") && stored.fileName() != null) {
            a.put("filename", stored.fileName());
        }
        return new OutboundMessage(message.messageId(), message.conversationId(), message.contactExternalId(),
                message.kind(), message.text(), a);
    }

    private static SendResult failed(PluginContext context, OutboundMessage message, String what,
                                     HttpResponse<byte[]> response, Instant now) {
        SendResult result = GraphErrors.failure(response.statusCode(),
                response.headers().firstValue("Retry-After"), response.body(), now);
        Optional<GraphErrors.GraphError> error = GraphErrors.parse(response.body());
        context.logger().warn("Graph API {} of message {} failed: HTTP {}, code {}, fbtrace_id {}", what,
                message.messageId(), response.statusCode(), error.map(GraphErrors.GraphError::code).orElse("-"),
                error.map(GraphErrors.GraphError::fbtraceId).orElse("-"));
        return result;
    }

    /** The outcome of an upload: the message to send and its media id, or the failure to report. */
    private record Upload(OutboundMessage message, String mediaId, SendResult failure) {
        static Upload failed(SendResult failure) {
            return new Upload(null, null, failure);
        }
    }

    // Templates --------------------------------------------------------------------------------------------------

    @Override
    public List<MessageTemplate> syncTemplates(PluginContext context) {
        WhatsAppSettings settings = WhatsAppSettings.of(context.settings());
        GraphApi graph = new GraphApi(settings, context.http());
        String list = "/" + settings.wabaId() + "/message_templates?fields=name,language,category,status,components"
                + "&limit=100";
        Map<String, MessageTemplate> templates = new LinkedHashMap<>();
        URI page = graph.uri(list);
        try {
            for (int pages = 0; page != null; pages++) {
                if (pages == MAX_TEMPLATE_PAGES) {
                    throw new IllegalStateException("the template list has more than " + MAX_TEMPLATE_PAGES
                            + " pages");
                }
                HttpResponse<byte[]> response = graph.get(page);
                if (response.statusCode() / 100 != 2) {
                    String code = GraphErrors.parse(response.body()).map(GraphErrors.GraphError::code).orElse("-");
                    throw new IllegalStateException("the Graph API refused the template list: HTTP "
                            + response.statusCode() + ", code " + code);
                }
                Map<String, Object> root = Json.object(new String(response.body(), StandardCharsets.UTF_8));
                for (Object item : Json.list(root, "data")) {
                    MessageTemplate t = TemplateStore.fromGraph(Json.asObject(item));
                    if (t != null) {
                        templates.put(t.name() + ":" + t.language(), t);
                    }
                }
                page = next(graph, list, Json.object(root, "paging"));
            }
        } catch (IOException e) {
            throw new UncheckedIOException("the template list could not be fetched", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while fetching the template list", e);
        }
        // Only a complete list replaces what was kept, so a failure half-way never forgets templates.
        List<MessageTemplate> all = List.copyOf(templates.values());
        TemplateStore.replace(context.store(), instanceId(context), all);
        return all;
    }

    /**
     * The next page: Meta's {@code paging.next} when it points at the configured Graph origin, else our own request
     * with the {@code after} cursor (the token never goes to a host the settings did not name).
     */
    private static URI next(GraphApi graph, String list, Map<String, Object> paging) {
        Optional<String> next = Json.text(paging, "next").filter(n -> !n.isBlank());
        if (next.isEmpty()) {
            return null;
        }
        if (graph.sameOrigin(next.get())) {
            return URI.create(next.get());
        }
        return Json.text(Json.object(paging, "cursors"), "after").filter(a -> !a.isBlank())
                .map(after -> graph.uri(list + "&after=" + URLEncoder.encode(after, StandardCharsets.UTF_8)))
                .orElse(null);
    }

    @Override
    public List<MessageTemplate> templates(PluginContext context) {
        return TemplateStore.all(context.store(), instanceId(context));
    }

    // Inbound media ----------------------------------------------------------------------------------------------

    @Override
    public Optional<FetchedMedia> fetchMedia(MessageReceived message, PluginContext context) {
        String mediaId = message.attributes().get("media_id");
        if (!present(mediaId)) {
            return Optional.empty();
        }
        WhatsAppSettings settings = WhatsAppSettings.of(context.settings());
        GraphApi graph = new GraphApi(settings, context.http());
        try {
            HttpResponse<byte[]> meta = graph.get(graph.uri("/" + URLEncoder.encode(mediaId,
                    StandardCharsets.UTF_8)));
            if (meta.statusCode() / 100 != 2) {
                String code = GraphErrors.parse(meta.body()).map(GraphErrors.GraphError::code).orElse("-");
                throw new IllegalStateException("the Graph API refused the media lookup: HTTP " + meta.statusCode()
                        + ", code " + code);
            }
            Map<String, Object> info = Json.object(new String(meta.body(), StandardCharsets.UTF_8));
            String url = Json.text(info, "url").orElse("");
            long size = Json.text(info, "file_size").map(v -> {
                try {
                    return Long.parseLong(v);
                } catch (NumberFormatException e) {
                    return 0L;
                }
            }).orElse(0L);
            if (size > MAX_MEDIA_BYTES) {
                context.logger().info("Skipped inbound media of message {}: {} bytes is over the {} byte limit",
                        message.externalId(), size, MAX_MEDIA_BYTES);
                return Optional.empty();
            }
            if (!graph.trusted(url)) {
                throw new IllegalStateException("the media URL the Graph API returned is not HTTPS");
            }
            HttpResponse<byte[]> file = graph.get(URI.create(url));
            if (file.statusCode() / 100 != 2) {
                throw new IllegalStateException("the media download failed: HTTP " + file.statusCode());
            }
            if (file.body().length > MAX_MEDIA_BYTES) {
                context.logger().info("Skipped inbound media of message {}: over the {} byte limit",
                        message.externalId(), MAX_MEDIA_BYTES);
                return Optional.empty();
            }
            String type = Json.text(info, "mime_type").filter(WhatsAppConnector::present)
                    .orElse(message.attributes().getOrDefault("mime_type", "application/octet-stream"));
            return Optional.of(new FetchedMedia(type, message.attributes().get("filename"), file.body()));
        } catch (IOException e) {
            throw new UncheckedIOException("the media could not be fetched", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while fetching media", e);
        }
    }

    private static String instanceId(PluginContext context) {
        return context.instance().map(PluginContext.InstanceInfo::id)
                .orElseThrow(() -> new IllegalStateException("this call is not bound to a WhatsApp instance"));
    }

    private static boolean present(String v) {
        return v != null && !v.isBlank();
    }
}
