package io.channelhub.hub.channels;

import io.channelhub.hub.contacts.ContactDirectory;
import io.channelhub.hub.conversations.ConversationRepository;
import io.channelhub.hub.conversations.ConversationsView;
import io.channelhub.hub.media.MediaLibrary;
import io.channelhub.hub.metering.UsageLedger;
import io.channelhub.hub.plugins.CorePluginContext;
import io.channelhub.hub.plugins.PluginDocuments;
import io.channelhub.plugin.PluginContext;
import java.time.Clock;

/** Builds the context of every call into a channel plugin for one instance: all its services bound to the tenant. */
public class ChannelContexts {

    private final ChannelInstanceService instances;
    private final ConversationRepository conversations;
    private final ContactDirectory contacts;
    private final PluginDocuments documents;
    private final MediaLibrary media;
    private final UsageLedger ledger;
    private final Clock clock;

    public ChannelContexts(ChannelInstanceService instances, ConversationRepository conversations,
                           ContactDirectory contacts, PluginDocuments documents, MediaLibrary media,
                           UsageLedger ledger, Clock clock) {
        this.instances = instances;
        this.conversations = conversations;
        this.contacts = contacts;
        this.documents = documents;
        this.media = media;
        this.ledger = ledger;
        this.clock = clock;
    }

    public CorePluginContext forInstance(ChannelInstance ci) {
        return new CorePluginContext(ci.tenantId(), ci.pluginId(),
                new PluginContext.InstanceInfo(ci.id(), ci.pluginId(), ci.name(), instances.settingsFor(ci)),
                new ConversationsView(conversations, media, ci.tenantId(), ci.id()),
                contacts.forInstance(ci.tenantId(), ci.id()), documents.forPlugin(ci.tenantId(), ci.pluginId()),
                media.forInstance(ci.tenantId(), ci.id(), ci.pluginId()), ledger, clock);
    }
}
