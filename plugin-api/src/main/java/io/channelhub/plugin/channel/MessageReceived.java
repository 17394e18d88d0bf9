package io.channelhub.plugin.channel;

import io.channelhub.plugin.InboundEvent;
import java.time.Instant;
import java.util.Map;

/**
 * An end user's message, normalized.
 *
 * <pre>{@code
 * new MessageReceived("wamid.HBgM", "5511999990000", "Ana", Kind.TEXT, "Oi!", Map.of(), timestamp)
 * }</pre>
 *
 * @param externalId        the channel's message id (de-duplication key)
 * @param contactExternalId the sender's id on the channel
 * @param contactName       the sender's display name, if the channel gives one
 * @param kind              what kind of message
 * @param text              the text, caption or a textual rendering of the content
 * @param attributes        kind-specific values (media id, mime type, latitude, reply id, ...); keys
 *                          {@code contact.name}, {@code contact.email} and {@code contact.phone} update the
 *                          contact's profile (a pre-chat form's answers); {@code media_ids}, comma-separated
 *                          {@link io.channelhub.plugin.MediaStore} ids, attaches stored files;
 *                          {@code skip_agent=true} stores the message without an agent turn (an opt-out
 *                          keyword) and {@code auto_reply} is text the hub sends back instead
 * @param sentAt            when the user sent it, by the channel's clock
 */
public record MessageReceived(String externalId, String contactExternalId, String contactName, Kind kind,
                              String text, Map<String, String> attributes, Instant sentAt) implements InboundEvent {

    /** Copies the map. */
    public MessageReceived {
        attributes = attributes == null ? Map.of() : Map.copyOf(attributes);
    }

    /** Message kinds common to chat channels. */
    public enum Kind { TEXT, IMAGE, AUDIO, VIDEO, DOCUMENT, STICKER, LOCATION, CONTACTS, INTERACTIVE, REACTION, OTHER }
}
