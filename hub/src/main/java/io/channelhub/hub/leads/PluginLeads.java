package io.channelhub.hub.leads;

import io.channelhub.hub.conversations.Conversation;
import io.channelhub.hub.conversations.ConversationRepository;
import io.channelhub.plugin.Leads;
import java.util.Optional;

/**
 * The leads service of a plugin context: one tenant (and, for a channel call, one instance), whose conversations are
 * the only ones a plugin may report leads of.
 */
public final class PluginLeads implements Leads {

    private final LeadBook book;
    private final ConversationRepository conversations;
    private final String tenantId;
    private final String instanceId;
    private final String pluginId;

    public PluginLeads(LeadBook book, ConversationRepository conversations, String tenantId, String instanceId,
                       String pluginId) {
        this.book = book;
        this.conversations = conversations;
        this.tenantId = tenantId;
        this.instanceId = instanceId;
        this.pluginId = pluginId;
    }

    private Optional<Conversation> visible(String conversationId) {
        return conversationId == null ? Optional.empty() : conversations.find(tenantId, conversationId)
                .filter(c -> instanceId == null || instanceId.equals(c.channelInstanceId()));
    }

    @Override
    public Lead report(String conversationId, Report report) {
        if (report == null) {
            throw new IllegalArgumentException("a report is required");
        }
        Conversation c = visible(conversationId).orElseThrow(() -> new IllegalArgumentException(
                "no conversation " + conversationId + " in this context"));
        return view(book.report(c, pluginId, new LeadBook.Report(report.intent(), report.score(), report.name(),
                report.email(), report.phone(), report.company(), report.role(), report.summary())));
    }

    @Override
    public Optional<Lead> ofConversation(String conversationId) {
        return visible(conversationId).flatMap(c -> book.ofConversation(tenantId, c.id())).map(PluginLeads::view);
    }

    @Override
    public LeadSettings settings() {
        LeadBook.Settings s = book.settings(tenantId);
        return new LeadSettings(s.qualifyAt(), s.modelProvider(), s.model());
    }

    private static Lead view(io.channelhub.hub.leads.Lead l) {
        return new Lead(l.id(), l.conversationId(), l.stage(), l.score(), l.qualifiedAt() != null);
    }
}
