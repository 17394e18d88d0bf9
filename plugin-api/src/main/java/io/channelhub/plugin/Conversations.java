package io.channelhub.plugin;

import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * Read access to the conversations of the context's tenant. Plugins never write messages directly: they return
 * normalized inbound events and the hub stores them.
 *
 * <pre>{@code
 * context.conversations().findByExternalMessageId("wamid.HBgM...")
 *         .ifPresent(m -> context.logger().info("status for message {}", m.id()));
 * }</pre>
 */
public interface Conversations {

    /** The most recent messages of a conversation, oldest first. */
    List<MessageView> recentMessages(String conversationId, int limit);

    /** The message the channel knows by this id, within the current instance. */
    Optional<MessageView> findByExternalMessageId(String externalMessageId);

    /**
     * The conversation the contact is in on the current instance (the one the hub adds their next message to), if
     * they wrote before.
     *
     * @since 1.1.0
     */
    Optional<String> currentConversation(String contactExternalId);

    /**
     * A stored message as a plugin may see it.
     *
     * @param id             the hub's message id
     * @param conversationId the conversation it belongs to
     * @param role           {@code user}, {@code assistant}, {@code system} or {@code tool}
     * @param content        its text
     * @param externalId     the channel's id for it, if any
     * @param createdAt      when it was stored
     * @param mediaIds       the files attached to it ({@link MediaStore} ids; since 1.1.0)
     * @param sources        the documents an agent's reply cites, as an end user may see them (since 1.3.0)
     */
    record MessageView(String id, String conversationId, String role, String content, String externalId,
                       Instant createdAt, List<String> mediaIds, List<Source> sources) {

        /** Copies the lists. */
        public MessageView {
            mediaIds = mediaIds == null ? List.of() : List.copyOf(mediaIds);
            sources = sources == null ? List.of() : List.copyOf(sources);
        }

        /** A view without sources (the form of plugin API 1.1). */
        public MessageView(String id, String conversationId, String role, String content, String externalId,
                           Instant createdAt, List<String> mediaIds) {
            this(id, conversationId, role, content, externalId, createdAt, mediaIds, List.of());
        }

        /** A view without attachments (the form of plugin API 1.0). */
        public MessageView(String id, String conversationId, String role, String content, String externalId,
                           Instant createdAt) {
            this(id, conversationId, role, content, externalId, createdAt, List.of());
        }
    }

    /**
     * A document a reply cites: the number in its text ({@code [1]}) and the document's name. The hub's store, file
     * and passage ids are not shown to end users.
     *
     * @param index the number the reply cites
     * @param title the document's file name
     * @since 1.3.0
     */
    record Source(int index, String title) {
    }
}
