package io.channelhub.hub.conversations;

import io.channelhub.plugin.Conversations;
import java.util.List;
import java.util.Optional;

/**
 * The conversations service of a plugin context: one tenant, and for channel calls one instance, whose conversations
 * are the only ones it shows. A plugin reads messages and keeps its own annotations; it never writes messages.
 */
public final class PluginConversations implements Conversations {

    private final ConversationRepository repo;
    private final io.channelhub.hub.media.MediaLibrary media;
    private final String tenantId;
    private final String instanceId;
    private final String pluginId;
    private final java.time.Clock clock;

    public PluginConversations(ConversationRepository repo, io.channelhub.hub.media.MediaLibrary media,
                               String tenantId, String instanceId, String pluginId, java.time.Clock clock) {
        this.repo = repo;
        this.media = media;
        this.tenantId = tenantId;
        this.instanceId = instanceId;
        this.pluginId = pluginId;
        this.clock = clock;
    }

    /** The conversation, when this context may see it: the tenant's, and the instance's for a channel call. */
    private Optional<Conversation> visible(String conversationId) {
        if (conversationId == null) {
            return Optional.empty();
        }
        return repo.find(tenantId, conversationId)
                .filter(c -> instanceId == null || instanceId.equals(c.channelInstanceId()));
    }

    @Override
    public void annotate(String conversationId, String name, String value) {
        Conversations.checkAnnotation(name, value);
        if (visible(conversationId).isEmpty()) {
            throw new IllegalArgumentException("no conversation " + conversationId + " in this context");
        }
        if (!repo.annotate(tenantId, conversationId, pluginId, name, value, clock.instant(),
                Conversations.MAX_ANNOTATIONS)) {
            throw new IllegalArgumentException("plugin " + pluginId + " keeps " + Conversations.MAX_ANNOTATIONS
                    + " annotations on conversation " + conversationId + " already");
        }
    }

    @Override
    public java.util.Map<String, String> annotations(String conversationId) {
        return visible(conversationId).isEmpty() ? java.util.Map.of()
                : repo.annotations(tenantId, conversationId, pluginId);
    }

    @Override
    public List<MessageView> recentMessages(String conversationId, int limit) {
        if (visible(conversationId).isEmpty()) {
            return List.of();
        }
        List<Message> rows = repo.recent(tenantId, conversationId, Math.max(1, Math.min(limit, 200)));
        var files = media.attachments(tenantId, rows.stream().map(Message::id).toList());
        return rows.stream().map(m -> new MessageView(m.id(), m.conversationId(), m.role(), m.content(),
                m.externalId(), m.createdAt(), files.getOrDefault(m.id(), List.of()), sources(m), m.authorName()))
                .toList();
    }

    @Override
    public Optional<Handoff> handoff(String conversationId) {
        return visible(conversationId).map(Conversation::handoff).map(h -> new Handoff(h.state(), h.holderName(),
                h.since()));
    }

    @Override
    public Optional<MessageView> findByExternalMessageId(String externalMessageId) {
        return instanceId == null ? Optional.empty()
                : repo.byExternalId(tenantId, instanceId, externalMessageId).map(PluginConversations::view);
    }

    @Override
    public Optional<String> currentConversation(String contactExternalId) {
        return instanceId == null ? Optional.empty()
                : repo.currentFor(tenantId, instanceId, contactExternalId).map(Conversation::id);
    }

    static MessageView view(Message m) {
        return new MessageView(m.id(), m.conversationId(), m.role(), m.content(), m.externalId(), m.createdAt(),
                List.of(), sources(m), m.authorName());
    }

    /** What an end user may see of a reply's citations: the cited number and the document's name. */
    private static List<Conversations.Source> sources(Message m) {
        return m.citations().stream().map(c -> new Conversations.Source(c.index(), c.filename())).toList();
    }
}
