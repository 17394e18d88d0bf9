package io.channelhub.plugins.whatsapp;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The {@code template_parameters} attribute of a TEMPLATE message (docs/channel-whatsapp.md):
 * {@code {"header": {"type": "text"|"image"|"video"|"document", "text"|"link"|"id": "…"}, "body": ["…"],
 * "buttons": [{"index": 0, "sub_type": "quick_reply"|"url", "parameter": "…"}]}}, every part optional.
 *
 * @param header  the header parameter, or null
 * @param body    the body parameters in placeholder order
 * @param buttons the button parameters
 */
record TemplateParameters(Header header, List<String> body, List<Button> buttons) {

    static final Set<String> HEADER_TYPES = Set.of("text", "image", "video", "document");
    static final Set<String> BUTTON_TYPES = Set.of("quick_reply", "url");

    TemplateParameters {
        body = List.copyOf(body);
        buttons = List.copyOf(buttons);
    }

    static TemplateParameters none() {
        return new TemplateParameters(null, List.of(), List.of());
    }

    /**
     * Parses the attribute; a malformed one is {@link Invalid} naming the part ({@code header}, {@code body},
     * {@code buttons} or {@code template_parameters}).
     */
    static TemplateParameters parse(String json) {
        if (json == null || json.isBlank()) {
            return none();
        }
        Map<String, Object> root;
        try {
            root = Json.object(json);
        } catch (IllegalArgumentException e) {
            throw new Invalid("template_parameters", "is not a JSON object");
        }
        Header header = null;
        if (root.get("header") != null) {
            Map<String, Object> h = Json.object(root, "header");
            String type = Json.text(h, "type").orElse("");
            if (!HEADER_TYPES.contains(type)) {
                throw new Invalid("header", "type must be one of text, image, video, document");
            }
            header = new Header(type, string(h, "text"), string(h, "link"), string(h, "id"));
        }
        List<String> body = new ArrayList<>();
        if (root.get("body") != null) {
            if (!(root.get("body") instanceof List<?> items)) {
                throw new Invalid("body", "must be a list of texts");
            }
            for (Object v : items) {
                if (!(v instanceof String || v instanceof Number)) {
                    throw new Invalid("body", "must be a list of texts");
                }
                body.add(String.valueOf(v));
            }
        }
        List<Button> buttons = new ArrayList<>();
        if (root.get("buttons") != null) {
            if (!(root.get("buttons") instanceof List<?> items)) {
                throw new Invalid("buttons", "must be a list of {index, sub_type, parameter}");
            }
            for (Object v : items) {
                Map<String, Object> b = Json.asObject(v);
                int index;
                try {
                    index = Integer.parseInt(Json.text(b, "index").orElse("").strip());
                } catch (NumberFormatException e) {
                    throw new Invalid("buttons", "each button needs a numeric index");
                }
                String subType = Json.text(b, "sub_type").orElse("");
                if (!BUTTON_TYPES.contains(subType)) {
                    throw new Invalid("buttons", "sub_type must be quick_reply or url");
                }
                buttons.add(new Button(index, subType, Json.text(b, "parameter").orElse("")));
            }
        }
        return new TemplateParameters(header, body, buttons);
    }

    private static String string(Map<String, Object> m, String field) {
        return Json.text(m, field).filter(v -> !v.isBlank()).orElse(null);
    }

    /**
     * The header parameter.
     *
     * @param type {@code text}, {@code image}, {@code video} or {@code document}
     * @param text the text of a text header
     * @param link a media header's public URL
     * @param id   a media header's uploaded media id
     */
    record Header(String type, String text, String link, String id) {
    }

    /**
     * A button parameter.
     *
     * @param index     the button's position in the template
     * @param subType   {@code quick_reply} (the parameter is the payload) or {@code url} (the URL suffix)
     * @param parameter the value
     */
    record Button(int index, String subType, String parameter) {
    }

    /** A malformed attribute: which part, and what is wrong. */
    static final class Invalid extends IllegalArgumentException {
        private static final long serialVersionUID = 1L;
        private final String part;

        Invalid(String part, String problem) {
            super(part + " " + problem);
            this.part = part;
        }

        String part() {
            return part;
        }
    }
}
