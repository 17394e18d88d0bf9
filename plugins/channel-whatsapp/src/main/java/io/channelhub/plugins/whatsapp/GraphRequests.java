package io.channelhub.plugins.whatsapp;

import io.channelhub.plugin.channel.OutboundMessage;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The bodies of the Graph API requests this channel makes, as Meta documents them for
 * {@code POST /{version}/{phone_number_id}/messages} (text, media, template, interactive, reaction, mark as read
 * with an optional typing indicator) and {@code POST /{version}/{phone_number_id}/media} (multipart upload).
 * Pure: no HTTP, so every shape is testable. A message that lacks what its kind needs is {@link Invalid}.
 */
final class GraphRequests {

    static final Set<String> MEDIA_TYPES = Set.of("image", "audio", "video", "document", "sticker");
    /** Meta rejects a caption on audio and stickers, and a file name on anything but a document. */
    private static final Set<String> CAPTIONED = Set.of("image", "video", "document");

    private GraphRequests() {
    }

    /**
     * The JSON body of a message.
     *
     * @param uploadedMediaId the media id of a MEDIA message whose file the connector uploaded first, else null
     * @param templateShape   the stored template of a TEMPLATE message (for named parameters), else null
     */
    static String message(OutboundMessage m, String uploadedMediaId, TemplateRules.Shape templateShape) {
        Map<String, String> a = m.attributes();
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("messaging_product", "whatsapp");
        switch (m.kind()) {
            case MARK_READ, TYPING -> {
                body.put("status", "read");
                body.put("message_id", required(a, "message_id"));
                if (m.kind() == OutboundMessage.Kind.TYPING) {
                    body.put("typing_indicator", Map.of("type", "text"));
                }
                return Json.write(body);
            }
            default -> {
            }
        }
        if (m.contactExternalId() == null || m.contactExternalId().isBlank()) {
            throw new Invalid("the recipient (contactExternalId) is missing");
        }
        body.put("recipient_type", "individual");
        body.put("to", m.contactExternalId());
        String replyTo = a.get("reply_to");
        if (replyTo != null && !replyTo.isBlank()) {
            body.put("context", Map.of("message_id", replyTo));
        }
        switch (m.kind()) {
            case TEXT -> {
                if (m.text() == null || m.text().isEmpty()) {
                    throw new Invalid("a text message needs text");
                }
                Map<String, Object> text = new LinkedHashMap<>();
                text.put("body", signed(m.text(), m.attributes().get("author_name")));
                text.put("preview_url", false);
                body.put("type", "text");
                body.put("text", text);
            }
            case MEDIA -> {
                String type = mediaType(a);
                Map<String, Object> media = new LinkedHashMap<>();
                if (uploadedMediaId != null) {
                    media.put("id", uploadedMediaId);
                } else if (a.get("media_id") != null && !a.get("media_id").isBlank()) {
                    media.put("id", a.get("media_id"));
                } else if (a.get("link") != null && !a.get("link").isBlank()) {
                    media.put("link", a.get("link"));
                } else {
                    throw new Invalid("a media message needs media_id, link or hub_media_id");
                }
                if (CAPTIONED.contains(type) && m.text() != null && !m.text().isBlank()) {
                    media.put("caption", m.text());
                }
                if ("document".equals(type) && a.get("filename") != null && !a.get("filename").isBlank()) {
                    media.put("filename", a.get("filename"));
                }
                body.put("type", type);
                body.put(type, media);
            }
            case TEMPLATE -> {
                Map<String, Object> template = new LinkedHashMap<>();
                template.put("name", required(a, "template_name"));
                template.put("language", Map.of("code", required(a, "template_language")));
                TemplateParameters p;
                try {
                    p = TemplateParameters.parse(a.get("template_parameters"));
                } catch (TemplateParameters.Invalid e) {
                    throw new Invalid("template_parameters: " + e.getMessage());
                }
                List<Object> components = components(p, templateShape);
                if (!components.isEmpty()) {
                    template.put("components", components);
                }
                body.put("type", "template");
                body.put("template", template);
            }
            case INTERACTIVE -> {
                Map<String, Object> interactive;
                try {
                    interactive = Json.object(required(a, "interactive"));
                } catch (IllegalArgumentException e) {
                    throw new Invalid("interactive must be the Graph interactive object as JSON");
                }
                if (!(interactive.get("type") instanceof String)) {
                    throw new Invalid("interactive needs a type (button, list, cta_url, ...)");
                }
                body.put("type", "interactive");
                body.put("interactive", interactive);
            }
            case REACTION -> {
                Map<String, Object> reaction = new LinkedHashMap<>();
                reaction.put("message_id", required(a, "message_id"));
                // An empty emoji removes the reaction, as Meta documents.
                reaction.put("emoji", a.getOrDefault("emoji", ""));
                body.put("type", "reaction");
                body.put("reaction", reaction);
            }
            default -> throw new Invalid("unsupported kind " + m.kind());
        }
        return Json.write(body);
    }

    /** The WhatsApp media type of a MEDIA message: its {@code media_type} attribute. */
    static String mediaType(Map<String, String> attributes) {
        String type = attributes.get("media_type");
        if (type == null || !MEDIA_TYPES.contains(type)) {
            throw new Invalid("media_type must be one of image, audio, video, document, sticker");
        }
        return type;
    }

    /** The media type a stored file is sent as when the message does not say. */
    static String mediaTypeOf(String contentType) {
        String t = contentType == null ? "" : contentType.toLowerCase(java.util.Locale.ROOT);
        if (t.equals("image/webp")) {
            return "sticker";
        }
        for (String prefix : List.of("image", "audio", "video")) {
            if (t.startsWith(prefix + "/")) {
                return prefix;
            }
        }
        return "document";
    }

    /**
     * Template components from the parameters. When the stored template uses named parameters ({@code {{name}}}),
     * each value also carries its {@code parameter_name}, in the order the names first appear.
     */
    static List<Object> components(TemplateParameters p, TemplateRules.Shape shape) {
        List<Object> out = new ArrayList<>();
        if (p.header() != null) {
            TemplateParameters.Header h = p.header();
            Map<String, Object> parameter = new LinkedHashMap<>();
            parameter.put("type", h.type());
            if ("text".equals(h.type())) {
                List<String> names = shape == null ? List.of() : shape.headerPlaceholders();
                if (!names.isEmpty() && !TemplateRules.positional(names)) {
                    parameter.put("parameter_name", names.get(0));
                }
                parameter.put("text", h.text() == null ? "" : h.text());
            } else {
                parameter.put(h.type(), h.id() != null ? Map.of("id", h.id()) : Map.of("link", String.valueOf(
                        h.link())));
            }
            out.add(component("header", List.of(parameter)));
        }
        if (!p.body().isEmpty()) {
            List<String> names = shape == null ? List.of() : shape.bodyPlaceholders();
            boolean named = !names.isEmpty() && !TemplateRules.positional(names);
            List<Object> parameters = new ArrayList<>();
            for (int i = 0; i < p.body().size(); i++) {
                Map<String, Object> parameter = new LinkedHashMap<>();
                parameter.put("type", "text");
                if (named && i < names.size()) {
                    parameter.put("parameter_name", names.get(i));
                }
                parameter.put("text", p.body().get(i));
                parameters.add(parameter);
            }
            out.add(component("body", parameters));
        }
        for (TemplateParameters.Button b : p.buttons()) {
            Map<String, Object> button = new LinkedHashMap<>();
            button.put("type", "button");
            button.put("sub_type", b.subType());
            button.put("index", String.valueOf(b.index()));
            Map<String, Object> parameter = new LinkedHashMap<>();
            if ("quick_reply".equals(b.subType())) {
                parameter.put("type", "payload");
                parameter.put("payload", b.parameter());
            } else {
                parameter.put("type", "text");
                parameter.put("text", b.parameter());
            }
            button.put("parameters", List.of(parameter));
            out.add(button);
        }
        return out;
    }

    private static Map<String, Object> component(String type, List<Object> parameters) {
        Map<String, Object> c = new LinkedHashMap<>();
        c.put("type", type);
        c.put("parameters", parameters);
        return c;
    }

    /**
     * A {@code multipart/form-data} upload: {@code messaging_product=whatsapp}, {@code type} (the file's media
     * type) and {@code file}.
     *
     * @param boundary a boundary that does not occur in the file (the connector uses a random one)
     */
    static Multipart upload(String boundary, String contentType, String fileName, byte[] content) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(content.length + 512);
        field(out, boundary, "messaging_product", "whatsapp");
        field(out, boundary, "type", contentType);
        String name = fileName == null || fileName.isBlank() ? "file" : fileName.replaceAll("[\"\\r\\n\\\\]", "_");
        write(out, "--" + boundary + "\r\nContent-Disposition: form-data; name=\"file\"; filename=\"" + name
                + "\"\r\nContent-Type: " + contentType + "\r\n\r\n");
        out.writeBytes(content);
        write(out, "\r\n--" + boundary + "--\r\n");
        return new Multipart("multipart/form-data; boundary=" + boundary, out.toByteArray());
    }

    private static void field(ByteArrayOutputStream out, String boundary, String name, String value) {
        write(out, "--" + boundary + "\r\nContent-Disposition: form-data; name=\"" + name + "\"\r\n\r\n" + value
                + "\r\n");
    }

    private static void write(ByteArrayOutputStream out, String s) {
        out.writeBytes(s.getBytes(StandardCharsets.UTF_8));
    }

    private static String required(Map<String, String> a, String name) {
        String v = a.get(name);
        if (v == null || v.isBlank()) {
            throw new Invalid(name + " is required");
        }
        return v;
    }

    /**
     * A multipart body and its content type.
     *
     * @param contentType the {@code Content-Type} header, with the boundary
     * @param body        the bytes
     */
    record Multipart(String contentType, byte[] body) {
    }

    /** A message that lacks what its kind needs. */
    static final class Invalid extends IllegalArgumentException {
        private static final long serialVersionUID = 1L;

        Invalid(String problem) {
            super(problem);
        }
    }

    /**
     * A person's reply (human takeover) opens with their name in bold, as WhatsApp shows no sender inside one business
     * number; a text that would then pass WhatsApp's 4,096 characters goes out as it is.
     */
    static String signed(String text, String author) {
        if (author == null || author.isBlank()) {
            return text;
        }
        String out = "*" + author.strip().replace("*", "") + ":* " + text;
        return out.length() > 4096 ? text : out;
    }
}
