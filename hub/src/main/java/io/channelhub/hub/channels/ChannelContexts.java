package io.channelhub.hub.channels;

import io.channelhub.hub.contacts.ContactDirectory;
import io.channelhub.hub.conversations.ConversationRepository;
import io.channelhub.hub.conversations.PluginConversations;
import io.channelhub.hub.media.MediaLibrary;
import io.channelhub.hub.plugins.CorePluginContext;
import io.channelhub.hub.plugins.PluginContexts;
import io.channelhub.hub.plugins.PluginDocuments;
import io.channelhub.hub.plugins.PluginUsage;
import io.channelhub.plugin.PluginContext;
import java.time.Clock;

/**
 * Builds the context of every call into a plugin: all its services bound to the tenant, and to the channel instance
 * or gateway account the call is for.
 */
public class ChannelContexts implements PluginContexts {

    private final ChannelInstanceService instances;
    private final ConversationRepository conversations;
    private final ContactDirectory contacts;
    private final PluginDocuments documents;
    private final MediaLibrary media;
    private final PluginUsage usage;
    private final Clock clock;
    /** What each plugin declares it uses: its contexts refuse other usage types and store collections. */
    private final java.util.function.Function<String, io.channelhub.hub.plugins.PluginCapabilities> declared;
    /** The tenant's leads, which plugins report. */
    private final io.channelhub.hub.leads.LeadBook leads;
    /** The tenant's models for a plugin: (tenant, plugin) to the context's {@code models()}. */
    private final java.util.function.BiFunction<String, String, io.channelhub.plugin.Models> models;

    public ChannelContexts(ChannelInstanceService instances, ConversationRepository conversations,
                           ContactDirectory contacts, PluginDocuments documents, MediaLibrary media,
                           PluginUsage usage, Clock clock,
                           java.util.function.Function<String, io.channelhub.hub.plugins.PluginCapabilities> declared,
                           io.channelhub.hub.leads.LeadBook leads,
                           java.util.function.BiFunction<String, String, io.channelhub.plugin.Models> models) {
        this.models = models;
        this.declared = declared;
        this.leads = leads;
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
        return build(ci.tenantId(), ci.pluginId(), new PluginContext.InstanceInfo(ci.id(), ci.pluginId(), ci.name(),
                instances.settingsFor(ci)), ci.id(), pending);
    }

    @Override
    public CorePluginContext forTenant(String tenantId, String pluginId) {
        return build(tenantId, pluginId, null, null, null);
    }

    @Override
    public CorePluginContext forAccount(String tenantId, String pluginId, PluginContext.InstanceInfo account) {
        return build(tenantId, pluginId, account, null, null);
    }

    /** Conversations, contacts and files are scoped to {@code channelInstanceId}, or tenant-wide when null. */
    private CorePluginContext build(String tenantId, String pluginId, PluginContext.InstanceInfo instance,
                                    String channelInstanceId, PluginUsage.Pending pending) {
        return new CorePluginContext(tenantId, pluginId, instance,
                new PluginConversations(conversations, media, tenantId, channelInstanceId, pluginId, clock),
                contacts.forInstance(tenantId, channelInstanceId), documents.forPlugin(tenantId, pluginId),
                media.forInstance(tenantId, channelInstanceId, pluginId), usage, pending, clock,
                declared.apply(pluginId), new io.channelhub.hub.leads.PluginLeads(leads, conversations, tenantId,
                channelInstanceId, pluginId), models.apply(tenantId, pluginId));
    }

    /** A holder for the plugin usage of one inbound request. */
    public PluginUsage.Pending pendingUsage() {
        return usage.pending();
    }
}
