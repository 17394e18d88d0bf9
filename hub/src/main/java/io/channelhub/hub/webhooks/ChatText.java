package io.channelhub.hub.webhooks;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;

/**
 * An event told in one line, for a chat tool's incoming webhook ({@code {"text": ...}}, which Slack, Google Chat,
 * Mattermost and Rocket.Chat read): a qualified lead and a customer waiting for a person say who and why; any other
 * event says its type and what it concerns. The text holds what the event's data holds, nothing more.
 */
final class ChatText {

    private static final int MAX_QUOTE = 200;

    private ChatText() {
    }

    static String of(ObjectMapper json, String envelope) {
        String text;
        try {
            text = line(json.readTree(envelope));
        } catch (IOException e) {
            text = "ChannelHub event";
        }
        ObjectNode out = json.createObjectNode();
        out.put("text", escape(text));
        try {
            return json.writeValueAsString(out);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * What end users wrote (a name, a reason) must not become a chat tool's markup: Slack's control characters are
     * escaped as its docs ask (so no {@code <!channel>} or disguised {@code <https://…|link>}), and the broadcast
     * mentions of Mattermost and Rocket.Chat are broken with a zero-width space.
     */
    static String escape(String text) {
        return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
                .replaceAll("(?i)@(channel|here|all|everyone)\\b", "@\u200B$1");
    }

    static String line(JsonNode event) {
        String type = event.path("type").asText("event");
        JsonNode data = event.path("data");
        switch (type) {
            case "lead.qualified" -> {
                JsonNode l = data.path("lead");
                StringBuilder b = new StringBuilder("New qualified lead: ")
                        .append(firstOf(l, "name", "email", "phone", "end_user_id"));
                if (!l.path("company").asText("").isEmpty()) {
                    b.append(" (").append(l.path("company").asText()).append(')');
                }
                b.append(", score ").append(l.path("score").asInt());
                if (!l.path("intent").asText("").isEmpty()) {
                    b.append(", wants to ").append(l.path("intent").asText());
                }
                appendContact(b, l);
                quote(b, l.path("summary").asText(""));
                return b.toString();
            }
            case "conversation.handoff_requested" -> {
                JsonNode c = data.path("conversation");
                StringBuilder b = new StringBuilder("A customer is waiting for a person: ")
                        .append(firstOf(c, "end_user_id", "id"));
                quote(b, c.path("handoff").path("reason").asText(""));
                return b.toString();
            }
            case "conversation.handoff_taken" -> {
                JsonNode c = data.path("conversation");
                return c.path("handoff").path("holder_name").asText("Someone") + " took the conversation with "
                        + firstOf(c, "end_user_id", "id") + ".";
            }
            default -> {
                JsonNode first = data.isObject() && data.fields().hasNext() ? data.fields().next().getValue() : null;
                String about = first == null ? "" : first.path("id").asText("");
                return "ChannelHub: " + type + (about.isEmpty() ? "" : " (" + about + ")");
            }
        }
    }

    private static void appendContact(StringBuilder b, JsonNode l) {
        String email = l.path("email").asText("");
        String phone = l.path("phone").asText("");
        if (!email.isEmpty() && !email.equals(firstOf(l, "name", "email"))) {
            b.append(" · ").append(email);
        }
        if (!phone.isEmpty() && !phone.equals(firstOf(l, "name", "email", "phone"))) {
            b.append(" · ").append(phone);
        }
    }

    private static void quote(StringBuilder b, String said) {
        if (!said.isBlank()) {
            String s = said.strip();
            b.append(": \"").append(s.length() > MAX_QUOTE ? s.substring(0, MAX_QUOTE) + "…" : s).append('"');
        }
    }

    private static String firstOf(JsonNode n, String... fields) {
        for (String f : fields) {
            String v = n.path(f).asText("");
            if (!v.isEmpty()) {
                return v;
            }
        }
        return "someone";
    }
}
