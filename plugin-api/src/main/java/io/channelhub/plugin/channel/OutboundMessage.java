package io.channelhub.plugin.channel;

import java.util.Map;

/**
 * One message the hub asks a channel to send.
 *
 * <pre>{@code
 * new OutboundMessage("msg_1", "conv_1", "5511999990000", Kind.TEXT, "Olá!", Map.of())
 * }</pre>
 *
 * @param messageId         the hub's id, stable across retries (use it as the idempotency key if the channel has one)
 * @param conversationId    the conversation
 * @param contactExternalId the recipient's id on the channel
 * @param kind              what to send
 * @param text              the text or caption
 * @param attributes        kind-specific values (template name and language, media link, reaction emoji, ...)
 */
public record OutboundMessage(String messageId, String conversationId, String contactExternalId, Kind kind,
                              String text, Map<String, String> attributes) {

    /** Copies the map. */
    public OutboundMessage {
        attributes = attributes == null ? Map.of() : Map.copyOf(attributes);
    }

    /** What an outbound message is. */
    public enum Kind { TEXT, MEDIA, TEMPLATE, INTERACTIVE, REACTION, MARK_READ, TYPING }
}
