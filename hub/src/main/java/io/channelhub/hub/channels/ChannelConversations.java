package io.channelhub.hub.channels;

import io.channelhub.hub.conversations.Conversation;
import io.channelhub.hub.conversations.ConversationRepository;
import io.channelhub.hub.conversations.ConversationViews;
import io.channelhub.hub.agents.Agent;
import io.channelhub.hub.agents.AgentService;
import io.channelhub.hub.errors.Failure;
import io.channelhub.hub.persistence.Ids;
import java.time.Clock;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;

/** The conversation of a channel's contact: the open one, or a new one with the agent the channel names. */
public class ChannelConversations {

    private final ConversationRepository repo;
    private final AgentService agents;
    private final io.channelhub.hub.webhooks.Webhooks webhooks;
    private final Clock clock;

    public ChannelConversations(ConversationRepository repo, AgentService agents,
                                io.channelhub.hub.webhooks.Webhooks webhooks, Clock clock) {
        this.repo = repo;
        this.agents = agents;
        this.webhooks = webhooks;
        this.clock = clock;
    }

    public Optional<Conversation> current(ChannelInstance ci, String contact) {
        return repo.currentFor(ci.tenantId(), ci.id(), contact);
    }

    /** The agent a channel names by id or slug; null or blank: the tenant's default. */
    public Agent agent(String tenantId, String ref) {
        if (ref == null || ref.isBlank()) {
            return agents.defaultAgent(tenantId).orElseThrow(() -> Failure.unavailable("channel_misconfigured",
                    "this channel has no agent to answer; its tenant must create one"));
        }
        Optional<Agent> a = agents.byReference(tenantId, ref);
        return a.orElseThrow(() -> Failure.unavailable("channel_misconfigured",
                "the agent this channel names does not exist"));
    }

    public Conversation open(ChannelInstance ci, Agent agent, String contact) {
        Instant now = clock.instant();
        Conversation conv = new Conversation(Ids.newId("cnv"), ci.tenantId(), agent.id(), ci.id(), contact, null,
                Map.of("channel", ci.pluginId()), "open", null, now, now, null);
        repo.insert(conv);
        webhooks.emit(ci.tenantId(), "conversation.created",
                Map.of("conversation", ConversationViews.ConversationView.of(conv)));
        return conv;
    }

    /** The contact's open conversation, or a new one with the named agent. */
    public Conversation currentOrOpen(ChannelInstance ci, String contact, String agentRef) {
        return current(ci, contact).orElseGet(() -> open(ci, agent(ci.tenantId(), agentRef), contact));
    }
}
