package io.channelhub.plugin;

import java.time.Instant;
import java.util.List;
import java.util.Map;
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

    /**
     * The message the channel knows by this id, within the current instance: a contact's message by the id of the
     * inbound event it came in, or a reply by the id the channel returned for its send.
     */
    Optional<MessageView> findByExternalMessageId(String externalMessageId);

    /**
     * The conversation the contact is in on the current instance (the one the hub adds their next message to), if
     * they wrote before.
     *
     * @since 1.1.0
     */
    Optional<String> currentConversation(String contactExternalId);

    /**
     * Sets one of this plugin's annotations on a conversation (a tag, a score, a pipeline stage), or removes it when
     * {@code value} is null. Annotations are kept per plugin: integrators and operators see them on the conversation
     * as {@code annotations.<plugin id>.<name>}, and a plugin reads and writes only its own. Setting a value again
     * changes nothing, so a redelivered turn may set it again safely.
     *
     * <pre>{@code
     * context.conversations().annotate(turn.conversationId(), "lead.score", "82");
     * }</pre>
     *
     * @param conversationId a conversation of the tenant (of the context's instance, when the context has one)
     * @param name           1 to 64 characters of {@code a-z}, {@code 0-9}, {@code .}, {@code _} and {@code -},
     *                       starting with a letter or a digit
     * @param value          at most 1,000 characters; null removes the annotation
     * @throws IllegalArgumentException when the conversation is not one the context can see, the name or the value is
     *                                  invalid, or the plugin would keep more than 50 annotations on the conversation
     * @since 1.4.0
     */
    default void annotate(String conversationId, String name, String value) {
        throw new UnsupportedOperationException("this hub keeps no annotations (plugin API before 1.4.0)");
    }

    /** Most annotations one plugin keeps on one conversation. @since 1.4.0 */
    int MAX_ANNOTATIONS = 50;

    /**
     * The rules of {@link #annotate} for a name and a value (null allowed: a removal), as the hub applies them; a
     * test double of this interface applies the same.
     *
     * @throws IllegalArgumentException naming what is wrong
     * @since 1.4.0
     */
    static void checkAnnotation(String name, String value) {
        if (name == null || !name.matches("[a-z0-9][a-z0-9._-]{0,63}")) {
            throw new IllegalArgumentException("annotation name must be 1 to 64 characters of a-z, 0-9, '.', '_' "
                    + "and '-', starting with a letter or a digit: " + name);
        }
        if (value != null && value.length() > 1_000) {
            throw new IllegalArgumentException("annotation " + name + " is longer than 1,000 characters");
        }
    }

    /**
     * This plugin's annotations on a conversation, by name; empty when it has none or cannot see the conversation.
     *
     * @since 1.4.0
     */
    default Map<String, String> annotations(String conversationId) {
        throw new UnsupportedOperationException("this hub keeps no annotations (plugin API before 1.4.0)");
    }

    /**
     * Who answers the conversation when it is not its agent: a person was asked for ({@code waiting}) or holds it
     * ({@code human}, with the name they answer under). Empty while the agent answers, or for a conversation the
     * context cannot see. A channel shows it to its end user (the web widget's "waiting for a person" line).
     *
     * <pre>{@code
     * context.conversations().handoff(conversationId)
     *         .ifPresent(h -> show(h.waiting() ? "A person will answer soon" : h.personName() + " is answering"));
     * }</pre>
     *
     * @since 1.5.0
     */
    default Optional<Handoff> handoff(String conversationId) {
        return Optional.empty();
    }

    /**
     * A person instead of the agent in a conversation (human takeover).
     *
     * @param state      {@code waiting} (a person was asked for) or {@code human} (a person holds it)
     * @param personName the name the person answers under; null while waiting
     * @param since      when the conversation entered this state
     * @since 1.5.0
     */
    record Handoff(String state, String personName, Instant since) {

        /** Whether a person was asked for and none has taken the conversation yet. */
        public boolean waiting() {
            return "waiting".equals(state);
        }
    }

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
     * @param author         the name of the person who wrote an assistant message while they held the conversation;
     *                       null for the agent's replies and every other message (since 1.5.0)
     */
    record MessageView(String id, String conversationId, String role, String content, String externalId,
                       Instant createdAt, List<String> mediaIds, List<Source> sources, String author) {

        /** Copies the lists. */
        public MessageView {
            mediaIds = mediaIds == null ? List.of() : List.copyOf(mediaIds);
            sources = sources == null ? List.of() : List.copyOf(sources);
        }

        /** A view without an author (the form of plugin API 1.3 and 1.4). */
        public MessageView(String id, String conversationId, String role, String content, String externalId,
                           Instant createdAt, List<String> mediaIds, List<Source> sources) {
            this(id, conversationId, role, content, externalId, createdAt, mediaIds, sources, null);
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
