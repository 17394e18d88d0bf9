package io.channelhub.hub;

import io.channelhub.hub.acl.ResourceDirectory;
import io.channelhub.hub.acl.ResourceType;
import io.channelhub.hub.channels.ChannelContexts;
import io.channelhub.hub.channels.ChannelConversations;
import io.channelhub.hub.channels.ChannelSender;
import io.channelhub.hub.channels.DeliveryParts;
import io.channelhub.hub.channels.ChannelInstanceRepository;
import io.channelhub.hub.channels.ChannelInstanceService;
import io.channelhub.hub.channels.ChannelOutbox;
import io.channelhub.hub.channels.InboundEvents;
import io.channelhub.hub.channels.InboundProcessor;
import io.channelhub.hub.contacts.ContactDirectory;
import io.channelhub.hub.conversations.ConversationRepository;
import io.channelhub.hub.conversations.Handoffs;
import io.channelhub.hub.conversations.TurnObservers;
import io.channelhub.hub.conversations.TurnPipeline;
import io.channelhub.hub.conversations.TurnService;
import io.channelhub.hub.delivery.Dispatcher;
import io.channelhub.hub.media.MediaLibrary;
import io.channelhub.hub.observability.HubMetrics;
import io.channelhub.hub.plugins.PluginDocuments;
import io.channelhub.hub.web.Idempotency;
import io.channelhub.hub.web.api.ChannelInstancesResource;
import io.channelhub.hub.web.api.ChannelMessagesResource;
import io.channelhub.hub.web.api.ChannelTemplatesResource;
import io.channelhub.hub.web.api.ConversationReads;
import io.channelhub.hub.web.api.ConversationsResource;
import io.channelhub.hub.web.api.HandoffsResource;
import io.channelhub.hub.web.api.OpenAiCompatibleResource;
import io.channelhub.hub.web.api.WebhooksResource;
import io.channelhub.hub.web.hooks.ChannelHooksResource;
import io.channelhub.hub.web.hooks.ChannelTurns;
import io.channelhub.hub.webhooks.Webhooks;
import io.dropwizard.core.setup.Environment;
import java.util.Map;

/**
 * Conversations on every channel: channel instances and their plugins' contexts, contacts and media, the turn
 * pipeline and its four ways in (the conversations API, the OpenAI-compatible endpoint, a channel's live turn and
 * its inbox), and the outbox's delivery of channel messages and webhooks.
 */
final class ConversationsBundle extends HubBundle<ConversationsBundle.Conversations> {

    /** {@code contexts}: the one factory of plugin contexts, which billing gateways use too. */
    record Conversations(ChannelInstanceService instances, ChannelContexts contexts, Api api) {
    }

    /** The routes with an operator twin: channel instances, and conversations (the operator only reads them). */
    record Api(ChannelInstancesResource channelInstances, ConversationsResource conversations,
               ConversationReads conversationReads,
               java.util.function.Function<java.util.function.BiFunction<String, String, java.util.Optional<String>>,
                       HandoffsResource> handoffs, io.channelhub.hub.web.api.LeadsResource leads,
               io.channelhub.hub.web.api.DeadLettersResource deadLetters,
               io.channelhub.hub.web.api.JobsResource jobs) {
    }

    private final CoreBundle core;
    private final PluginsBundle plugins;
    private final IdentityBundle identity;
    private final UsageBundle usage;
    private final PrivacyBundle privacy;
    private final AgentsBundle agents;
    private final KnowledgeBundle knowledge;

    ConversationsBundle(CoreBundle core, PluginsBundle plugins, IdentityBundle identity, UsageBundle usage,
                        PrivacyBundle privacy, AgentsBundle agents, KnowledgeBundle knowledge) {
        this.knowledge = knowledge;
        this.core = core;
        this.plugins = plugins;
        this.identity = identity;
        this.usage = usage;
        this.privacy = privacy;
        this.agents = agents;
    }

    @Override
    protected Conversations build(HubConfiguration config, Environment env) {
        var c = core.get();
        var p = plugins.get();
        var id = identity.get();
        var u = usage.get();
        var a = agents.get();
        var platform = p.platform();
        long heartbeat = config.getSseHeartbeat().toMilliseconds();

        ChannelInstanceRepository instanceRepo = new ChannelInstanceRepository(c.jdbi(), c.stored(), c.caches());
        id.resources().register(ResourceType.CHANNEL_INSTANCE, (tenantId, iid) -> instanceRepo.find(tenantId, iid)
                .map(ci -> new ResourceDirectory.ResourceRef(ResourceType.CHANNEL_INSTANCE, ci.id(),
                        ci.ownerPrincipalId())));
        ChannelInstanceService instances = new ChannelInstanceService(instanceRepo, platform, p.enablements(),
                c.secrets(), c.clock(), (tenantId, ref) -> a.agents().byReference(tenantId, ref).isPresent());
        ConversationRepository conversationRepo = new ConversationRepository(c.jdbi(), c.stored());
        id.resources().register(ResourceType.CONVERSATION, (tenantId, cid) -> conversationRepo.find(tenantId, cid)
                .map(cv -> new ResourceDirectory.ResourceRef(ResourceType.CONVERSATION, cv.id(),
                        cv.ownerPrincipalId())));
        var contacts = new ContactDirectory(c.jdbi(), c.stored(), c.clock());
        var leads = new io.channelhub.hub.leads.LeadBook(c.jdbi(), privacy.get().redaction(), u.ledger(),
                u.webhooks(), id.audit(), c.clock());
        id.resources().register(ResourceType.LEAD, (tenantId, lid) -> leads.find(tenantId, lid)
                .map(l -> new ResourceDirectory.ResourceRef(ResourceType.LEAD, l.id(), l.ownerPrincipalId())));
        var media = new MediaLibrary(c.jdbi(), u.ledger(), c.clock());
        var contexts = new ChannelContexts(instances, conversationRepo, contacts, new PluginDocuments(c.jdbi(),
                c.clock()), media, u.pluginUsage(), c.clock(), platform::capabilities, leads,
                (tenantId, pluginId) -> new io.channelhub.hub.llm.PluginModels(a.models(), u.quotas(), u.ledger(),
                        tenantId, pluginId));

        // The outbox delivers webhooks and channel messages, paced per instance.
        var deliveries = new DeliveryParts(c.jdbi());
        var sends = new ChannelOutbox(c.jdbi(), c.outbox(), deliveries, contacts, platform, c.stored(), c.clock(),
                c.outboxSignal());
        var deliverer = new ChannelSender(instanceRepo, contexts, deliveries, conversationRepo, platform,
                c.limiter(), c.outbox(), u.ledger(), c.stored(), c.clock(), c.outboxSignal());
        var observers = new TurnObservers(platform, p.enablements(), contexts, conversationRepo, c.outbox(),
                c.outboxSignal(), c.json(), c.clock());
        Dispatcher dispatcher = new Dispatcher(c.outbox(), Map.of(Webhooks.KIND, u.webhooks(), ChannelOutbox.KIND,
                deliverer, TurnObservers.KIND, observers), config.getDelivery(), c.clock(), c.metrics(), c.tracing(), c.outboxSignal(), c.cpu());
        env.lifecycle().manage(dispatcher);

        var handoffs = new Handoffs(c.jdbi(), conversationRepo, u.ledger(), u.webhooks(), id.audit(), c.clock(),
                (tenantId, agentId) -> a.agents().find(tenantId, agentId)
                        .map(agent -> agent.spec().handoffSettings().waitMinutes()).orElse(null));
        env.lifecycle().manage(new io.channelhub.hub.conversations.HandoffExpiry(handoffs,
                config.getHandoffSweepInterval().toMilliseconds()));
        TurnService turns = new TurnService(conversationRepo, a.agents(), a.models(), platform, u.ledger(),
                u.webhooks(), c.clock(), u.quotas(), contexts, media, privacy.get().redaction(), c.tracing(),
                knowledge.get().retrieval(), observers, handoffs);
        var pipeline = new TurnPipeline(turns, conversationRepo, a.models(), u.ledger(), u.quotas(),
                id.rateLimits());
        Idempotency idempotency = new Idempotency(c.jdbi(), c.clock(), config.getIdempotencyLease().toJavaDuration());
        env.lifecycle().manage(idempotency);

        var inbound = new InboundEvents(c.jdbi(), c.stored(), c.clock());
        c.metrics().backlog("channelhub_inbound_events", "Channel events (webhooks acknowledged)", () -> {
            var b = inbound.backlog();
            return new HubMetrics.Backlog(b.rows(), b.oldest());
        }, c.clock());
        var channelConversations = new ChannelConversations(conversationRepo, a.agents(), u.webhooks(), c.clock());
        var channelTurns = new ChannelTurns(conversationRepo, channelConversations, pipeline, inbound, contacts, media,
                id.rateLimits(), c.json(), c.clock(), heartbeat);
        var processor = new InboundProcessor(inbound, instanceRepo, contexts, channelConversations, conversationRepo,
                pipeline, contacts, media, sends, deliveries, platform, id.rateLimits(), u.webhooks(), c.clock(),
                config.getChannels(), c.threads(), c.cpu());
        env.lifecycle().manage(processor);

        var jersey = env.jersey();
        jersey.register(new OpenAiCompatibleResource(a.agents(), pipeline, id.access(), c.clock()));
        var hooks = new io.channelhub.hub.web.hooks.ChannelHooks(platform, instanceRepo, instances, p.enablements(),
                id.tenantRepo(), inbound, channelTurns, contexts, processor,
                config.getChannels().getMaxBodySize().toBytes(), c.credentials());
        jersey.register(new ChannelHooksResource(hooks));
        // Shared webhooks (WhatsApp's) are acknowledged before Jersey: see WebhookFilter.
        env.servlets().addFilter("webhooks", new io.channelhub.hub.web.hooks.WebhookFilter(hooks, id.rateLimits(),
                        new io.channelhub.hub.web.TraceIds(c.tracing()), c.metrics(), c.json()))
                .addMappingForUrlPatterns(java.util.EnumSet.of(jakarta.servlet.DispatcherType.REQUEST), true,
                        "/hooks/plugins/*");
        jersey.register(new WebhooksResource(u.webhooks(), c.outbox(), dispatcher, id.grants(), id.access(),
                id.audit(), c.clock()));
        var deadLetters = new io.channelhub.hub.channels.DeadLetters(c.outbox(), inbound, c.clock());
        var api = new Api(new ChannelInstancesResource(instances, id.grants(), id.access(), id.audit(),
                new ChannelMessagesResource(instances, contexts, sends, channelConversations, contacts, turns,
                        u.quotas(), platform, id.access(), id.audit(), c.json()),
                new ChannelTemplatesResource(instances, contexts, platform, id.access(), id.audit(), c.json())),
                new ConversationsResource(conversationRepo, a.agents(), pipeline, idempotency, id.access(), c.json(),
                        c.clock(), heartbeat, u.webhooks()),
                new ConversationReads(conversationRepo, id.access()),
                names -> new HandoffsResource(conversationRepo, handoffs, instances, contexts, sends, names, u.quotas(),
                        id.access(), id.audit(), c.json()),
                new io.channelhub.hub.web.api.LeadsResource(leads, id.access(), id.audit(), c.json(),
                        a.models()::providerIds),
                new io.channelhub.hub.web.api.DeadLettersResource(deadLetters, id.access(), id.audit()),
                new io.channelhub.hub.web.api.JobsResource(new io.channelhub.hub.channels.Jobs(c.outbox(), inbound,
                        deadLetters, c.clock()), id.access(), id.audit()));
        return new Conversations(instances, contexts, api);
    }
}
