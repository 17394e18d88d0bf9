package io.channelhub.hub.conversations;

import io.channelhub.plugin.Conversations;
import java.util.List;
import java.util.Optional;

/**
 * The read-only conversations service of a plugin context: one tenant, and for channel calls one instance, whose
 * conversations are the only ones it shows.
 */
public final class PluginConversations implements Conversations {

    private final ConversationRepository repo;
    private final io.channelhub.hub.media.MediaLibrary media;
    private final String tenantId;
    private final String instanceId;

    public PluginConversations(ConversationRepository repo, io.channelhub.hub.media.MediaLibrary media,
                             String tenantId, String instanceId) {
        this.repo = repo;
        this.media = media;
        this.tenantId = tenantId;
        this.instanceId = instanceId;
    }

    @Override
    public List<MessageView> recentMessages(String conversationId, int limit) {
        var conv = repo.find(tenantId, conversationId);
        if (conv.isEmpty() || (instanceId != null && !instanceId.equals(conv.get().channelInstanceId()))) {
            return List.of();
        }
        List<Message> rows = repo.recent(tenantId, conversationId, Math.max(1, Math.min(limit, 200)));
        var files = media.attachments(tenantId, rows.stream().map(Message::id).toList());
        return rows.stream().map(m -> new MessageView(m.id(), m.conversationId(), m.role(), m.content(),
                m.externalId(), m.createdAt(), files.getOrDefault(m.id(), List.of()), sources(m))).toList();
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
                List.of(), sources(m));
    }

    /** What an end user may see of a reply's citations: the cited number and the document's name. */
    private static List<Conversations.Source> sources(Message m) {
        return m.citations().stream().map(c -> new Conversations.Source(c.index(), c.filename())).toList();
    }
}
