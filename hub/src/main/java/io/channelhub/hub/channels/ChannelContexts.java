package io.channelhub.hub.channels;

import io.channelhub.hub.contacts.ContactDirectory;
import io.channelhub.hub.conversations.ConversationRepository;
import io.channelhub.hub.conversations.ConversationsView;
import io.channelhub.hub.media.MediaLibrary;
import io.channelhub.hub.plugins.CorePluginContext;
import io.channelhub.hub.plugins.PluginDocuments;
import io.channelhub.hub.plugins.PluginUsage;
import io.channelhub.plugin.PluginContext;
import java.time.Clock;

/** Builds the context of every call into a channel plugin for one instance: all its services bound to the tenant. */
public class ChannelContexts {

    private final ChannelInstanceService instances;
    private final ConversationRepository conversations;
    private final ContactDirectory contacts;
    private final PluginDocuments documents;
    private final MediaLibrary media;
    private final PluginUsage usage;
    private final Clock clock;

    public ChannelContexts(ChannelInstanceService instances, ConversationRepository conversations,
                           ContactDirectory contacts, PluginDocuments documents, MediaLibrary media,
                           PluginUsage usage, Clock clock) {
        this.instances = instances;
        this.conversations = conversations;
        this.contacts = contacts;
        this.documents = documents;
        this.media = media;
        this.usage = usage;
        this.clock = clock;
    }

    public CorePluginContext forInstance(ChannelInstance ci) {
        return forInstance(ci, null);
    }

    /** The context of an inbound request: its plugin usage waits in {@code pending} for the request's events. */
    public CorePluginContext forInstance(ChannelInstance ci, PluginUsage.Pending pending) {
        return new CorePluginContext(ci.tenantId(), ci.pluginId(),
                new PluginContext.InstanceInfo(ci.id(), ci.pluginId(), ci.name(), instances.settingsFor(ci)),
                new ConversationsView(conversations, media, ci.tenantId(), ci.id()),
                contacts.forInstance(ci.tenantId(), ci.id()), documents.forPlugin(ci.tenantId(), ci.pluginId()),
                media.forInstance(ci.tenantId(), ci.id(), ci.pluginId()), usage, pending, clock);
    }

    /** A holder for the plugin usage of one inbound request. */
    public PluginUsage.Pending pendingUsage() {
        return usage.pending();
    }
}
