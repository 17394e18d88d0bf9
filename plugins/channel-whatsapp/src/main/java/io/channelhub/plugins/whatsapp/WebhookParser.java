package io.channelhub.plugins.whatsapp;

import io.channelhub.plugin.Contacts;
import io.channelhub.plugin.InboundEvent;
import io.channelhub.plugin.channel.ContactUpdate;
import io.channelhub.plugin.channel.DeliveryStatus;
import io.channelhub.plugin.channel.MessageReceived;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * Reads the {@code messages} webhook of the WhatsApp Cloud API (Meta's "messages webhook reference"): the envelope
 * {@code {"object":"whatsapp_business_account","entry":[{"id","changes":[{"field":"messages","value":{...}}]}]}},
 * then each value's {@code messages[]} and {@code statuses[]} as the events of docs/channel-whatsapp.md. It knows
 * nothing about instances or signatures; the connector routes each change and checks the signature first.
 */
final class WebhookParser {

    /** WhatsApp's code for "this user stopped marketing messages from you". */
    static final String STOPPED_MARKETING = "131050";
    /** WhatsApp's code for "message undeliverable" (not a WhatsApp user, old client, or blocked). */
    static final String UNDELIVERABLE = "131026";

    private WebhookParser() {
    }

    /**
     * One {@code messages} change: the business number it is for and its value.
     *
     * @param phoneNumberId {@code value.metadata.phone_number_id}
     * @param value         the change's value
     */
    record Change(String phoneNumberId, Map<String, Object> value) {
    }

    /**
     * The {@code messages} changes of a webhook body; other fields (template status updates, account alerts) are
     * left out. A body that is not JSON or not a WhatsApp Business Account payload is {@link
     * IllegalArgumentException}.
     */
    static List<Change> changes(byte[] body) {
        Map<String, Object> root = Json.object(new String(body, StandardCharsets.UTF_8));
        if (!"whatsapp_business_account".equals(root.get("object")) || !(root.get("entry") instanceof List<?>)) {
            throw new IllegalArgumentException("not a WhatsApp Business Account webhook");
        }
        List<Change> out = new ArrayList<>();
        for (Object e : Json.list(root, "entry")) {
            for (Object c : Json.list(Json.asObject(e), "changes")) {
                Map<String, Object> change = Json.asObject(c);
                if (!"messages".equals(change.get("field"))) {
                    continue;
                }
                Map<String, Object> value = Json.object(change, "value");
                Json.text(Json.object(value, "metadata"), "phone_number_id").filter(id -> !id.isBlank())
                        .ifPresent(id -> out.add(new Change(id, value)));
            }
        }
        return out;
    }

    /**
     * The events of one change. Items without the ids the events need, and statuses the hub does not track
     * ({@code deleted}, {@code played}, ...), are skipped.
     *
     * @param optedOut  whether a contact (by wa_id) has withdrawn marketing consent, so opt-in keywords count
     * @param now       the time to use when an item's timestamp is missing or unreadable
     */
    static List<InboundEvent> events(Change change, ConsentKeywords keywords,
                                     java.util.function.Predicate<String> optedOut, Instant now) {
        List<InboundEvent> out = new ArrayList<>();
        Map<String, String> names = new LinkedHashMap<>();
        for (Object c : Json.list(change.value(), "contacts")) {
            Map<String, Object> contact = Json.asObject(c);
            Optional<String> waId = Json.text(contact, "wa_id");
            Optional<String> name = Json.text(Json.object(contact, "profile"), "name");
            if (waId.isPresent() && name.isPresent()) {
                names.put(waId.get(), name.get());
            }
        }
        for (Object m : Json.list(change.value(), "messages")) {
            message(Json.asObject(m), names, keywords, optedOut, now, out);
        }
        for (Object s : Json.list(change.value(), "statuses")) {
            status(Json.asObject(s), now, out);
        }
        return out;
    }

    private static void message(Map<String, Object> m, Map<String, String> names, ConsentKeywords keywords,
                                java.util.function.Predicate<String> optedOut, Instant now, List<InboundEvent> out) {
        String id = Json.text(m, "id").orElse(null);
        String from = Json.text(m, "from").orElse(null);
        if (id == null || id.isBlank() || from == null || from.isBlank()) {
            return;
        }
        Instant at = epochSeconds(m, now);
        String type = Json.text(m, "type").orElse("unknown");
        Map<String, String> attributes = new LinkedHashMap<>();
        Json.text(Json.object(m, "context"), "id").ifPresent(v -> attributes.put("context_message_id", v));
        MessageReceived.Kind kind;
        String text;
        Map<String, Object> body = Json.object(m, type);
        switch (type) {
            case "text" -> {
                kind = MessageReceived.Kind.TEXT;
                text = Json.text(body, "body").orElse("");
            }
            case "image", "audio", "video", "document", "sticker" -> {
                kind = MessageReceived.Kind.valueOf(type.toUpperCase(Locale.ROOT));
                put(attributes, "media_id", body, "id");
                put(attributes, "mime_type", body, "mime_type");
                put(attributes, "sha256", body, "sha256");
                put(attributes, "caption", body, "caption");
                put(attributes, "filename", body, "filename");
                text = Json.text(body, "caption").orElse("");
            }
            case "location" -> {
                kind = MessageReceived.Kind.LOCATION;
                put(attributes, "latitude", body, "latitude");
                put(attributes, "longitude", body, "longitude");
                put(attributes, "location_name", body, "name");
                put(attributes, "address", body, "address");
                text = location(body);
            }
            case "contacts" -> {
                kind = MessageReceived.Kind.CONTACTS;
                text = contacts(Json.list(m, "contacts"));
            }
            case "interactive" -> {
                kind = MessageReceived.Kind.INTERACTIVE;
                String replyType = Json.text(body, "type").orElse("");
                Map<String, Object> reply = Json.object(body, replyType);
                put(attributes, "reply_id", reply, "id");
                put(attributes, "reply_title", reply, "title");
                text = Json.text(reply, "title").or(() -> Json.text(reply, "body")).orElse("");
            }
            case "button" -> {
                // A quick-reply button of a template: payload is what the template defined, text what the user saw.
                kind = MessageReceived.Kind.INTERACTIVE;
                put(attributes, "reply_id", body, "payload");
                put(attributes, "reply_title", body, "text");
                text = Json.text(body, "text").orElse("");
            }
            case "reaction" -> {
                kind = MessageReceived.Kind.REACTION;
                put(attributes, "reaction_message_id", body, "message_id");
                // Meta omits the emoji when the user removes a reaction.
                Optional<String> emoji = Json.text(body, "emoji").filter(e -> !e.isEmpty());
                emoji.ifPresentOrElse(e -> attributes.put("reaction_emoji", e),
                        () -> attributes.put("reaction_removed", "true"));
                text = emoji.orElse("");
            }
            default -> {
                kind = MessageReceived.Kind.OTHER;
                attributes.put("whatsapp_type", type);
                Json.text(Json.first(m, "errors"), "code").ifPresent(c -> attributes.put("error_code", c));
                text = "";
            }
        }
        Optional<ConsentKeywords.Match> keyword = kind == MessageReceived.Kind.TEXT
                ? keywords.match(text, () -> optedOut.test(from)) : Optional.empty();
        keyword.ifPresent(k -> {
            attributes.put("skip_agent", "true");
            if (!k.reply().isBlank()) {
                attributes.put("auto_reply", k.reply());
            }
        });
        out.add(new MessageReceived(id, from, names.get(from), kind, text, attributes, at));
        keyword.ifPresent(k -> out.add(new ContactUpdate(id + ":consent", from, "marketing", k.status(), null,
                "whatsapp:keyword", Json.write(ordered("keyword", k.keyword(), "message_id", id)), at)));
    }

    private static void status(Map<String, Object> s, Instant now, List<InboundEvent> out) {
        String id = Json.text(s, "id").orElse(null);
        String status = Json.text(s, "status").orElse("");
        DeliveryStatus.State state = switch (status) {
            case "sent" -> DeliveryStatus.State.SENT;
            case "delivered" -> DeliveryStatus.State.DELIVERED;
            case "read" -> DeliveryStatus.State.READ;
            case "failed" -> DeliveryStatus.State.FAILED;
            default -> null;
        };
        if (id == null || id.isBlank() || state == null) {
            return;
        }
        Instant at = epochSeconds(s, now);
        // Meta's error object: code, title, message and error_data.details.
        Map<String, Object> error = state == DeliveryStatus.State.FAILED ? Json.first(s, "errors") : Map.of();
        String errorCode = Json.text(error, "code").orElse(null);
        String title = Json.text(error, "title").or(() -> Json.text(error, "message")).orElse(null);
        String details = Json.text(Json.object(error, "error_data"), "details").orElse(null);
        String externalId = id + ":" + status;
        out.add(new DeliveryStatus(externalId, id, state, errorCode, at, errorCode == null ? null : title,
                errorCode == null ? null : details));
        String recipient = Json.text(s, "recipient_id").filter(r -> !r.isBlank()).orElse(null);
        if (recipient == null || errorCode == null) {
            return;
        }
        String evidence = Json.write(ordered("error_code", errorCode, "message_id", id));
        if (STOPPED_MARKETING.equals(errorCode)) {
            out.add(new ContactUpdate(externalId + ":contact", recipient, "marketing",
                    Contacts.ConsentStatus.WITHDRAWN, null, "whatsapp:" + errorCode, evidence, at));
        } else if (UNDELIVERABLE.equals(errorCode)) {
            out.add(new ContactUpdate(externalId + ":contact", recipient, null, null,
                    ContactUpdate.Reachability.UNREACHABLE, "whatsapp:" + errorCode, evidence, at));
        }
    }

    private static String location(Map<String, Object> body) {
        String name = Json.text(body, "name").orElse("");
        String address = Json.text(body, "address").orElse("");
        String label = String.join(", ", List.of(name, address).stream().filter(v -> !v.isBlank()).toList());
        String coordinates = Json.text(body, "latitude").orElse("?") + ", " + Json.text(body, "longitude").orElse("?");
        return label.isEmpty() ? coordinates : label + " (" + coordinates + ")";
    }

    /** One line per shared contact: its formatted name and phone numbers. */
    private static String contacts(List<Object> cards) {
        List<String> lines = new ArrayList<>();
        for (Object c : cards) {
            Map<String, Object> card = Json.asObject(c);
            String name = Json.text(Json.object(card, "name"), "formatted_name").orElse("");
            List<String> phones = Json.list(card, "phones").stream()
                    .map(p -> Json.text(Json.asObject(p), "phone").orElse("")).filter(p -> !p.isBlank()).toList();
            String line = phones.isEmpty() ? name : (name + ": " + String.join(", ", phones)).strip();
            if (!line.isBlank()) {
                lines.add(line);
            }
        }
        return String.join("\n", lines);
    }

    private static Instant epochSeconds(Map<String, Object> item, Instant fallback) {
        try {
            return Json.text(item, "timestamp").map(t -> Instant.ofEpochSecond(Long.parseLong(t.strip())))
                    .orElse(fallback);
        } catch (NumberFormatException | java.time.DateTimeException e) {
            return fallback;
        }
    }

    private static void put(Map<String, String> attributes, String key, Map<String, Object> from, String field) {
        Json.text(from, field).filter(v -> !v.isEmpty()).ifPresent(v -> attributes.put(key, v));
    }

    private static Map<String, Object> ordered(String k1, Object v1, String k2, Object v2) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put(k1, v1);
        m.put(k2, v2);
        return m;
    }
}
