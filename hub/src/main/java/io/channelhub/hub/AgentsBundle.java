package io.channelhub.hub;

import io.channelhub.hub.acl.ResourceDirectory;
import io.channelhub.hub.acl.ResourceType;
import io.channelhub.hub.agents.AgentRepository;
import io.channelhub.hub.agents.AgentService;
import io.channelhub.hub.agents.PromptRepository;
import io.channelhub.hub.agents.PromptService;
import io.channelhub.hub.llm.DemoProvider;
import io.channelhub.hub.llm.ModelGateway;
import io.channelhub.hub.llm.OpenAiHttpProvider;
import io.channelhub.hub.llm.OpenAiProvider;
import io.channelhub.plugin.model.ModelProvider;
import io.channelhub.hub.llm.ProviderConfigs;
import io.channelhub.hub.web.api.AgentsResource;
import io.channelhub.hub.web.api.ModelProvidersResource;
import io.channelhub.hub.web.api.PromptsResource;
import io.dropwizard.core.setup.Environment;
import java.util.Map;

/**
 * Agents and what they answer with: agents and prompt versions (resources under the ACL), the tenants' model
 * provider settings, and the model gateway over the built-in OpenAI client, the demo model and plugins' providers.
 */
final class AgentsBundle extends HubBundle<AgentsBundle.Agents> {

    record Agents(AgentService agents, ModelGateway models, AgentsResource api, PromptsResource promptsApi) {
    }

    private final CoreBundle core;
    private final PluginsBundle plugins;
    private final IdentityBundle identity;

    AgentsBundle(CoreBundle core, PluginsBundle plugins, IdentityBundle identity) {
        this.core = core;
        this.plugins = plugins;
        this.identity = identity;
    }

    @Override
    protected Agents build(HubConfiguration config, Environment env) {
        var c = core.get();
        var id = identity.get();
        AgentRepository agentRepo = new AgentRepository(c.jdbi(), c.stored());
        PromptRepository promptRepo = new PromptRepository(c.jdbi());
        ProviderConfigs providerConfigs = new ProviderConfigs(c.jdbi(), c.stored(), c.secrets(), c.clock(),
                c.caches());
        OpenAiProvider sdk = new OpenAiProvider(config.getModels().getMaxIdleConnections());
        ModelProvider openai = "sdk".equals(config.getModels().getClient()) ? sdk : new OpenAiHttpProvider(sdk);
        env.lifecycle().manage(sdk);
        ModelGateway models = new ModelGateway(Map.of(ModelGateway.OPENAI, openai, DemoProvider.ID,
                new DemoProvider()), plugins.get().platform(), providerConfigs, config.getModels(), c.metrics(),
                c.tracing());
        AgentService agents = new AgentService(c.jdbi(), agentRepo, promptRepo, models::providerIds, c.clock(),
                c.caches());
        PromptService prompts = new PromptService(promptRepo, agentRepo, c.clock());
        id.resources().register(ResourceType.AGENT, (tenantId, aid) -> agentRepo.find(tenantId, aid)
                .map(a -> new ResourceDirectory.ResourceRef(ResourceType.AGENT, a.id(), a.ownerPrincipalId())));
        id.resources().register(ResourceType.PROMPT, (tenantId, pid) -> promptRepo.find(tenantId, pid)
                .map(p -> new ResourceDirectory.ResourceRef(ResourceType.PROMPT, p.id(), p.ownerPrincipalId())));

        var jersey = env.jersey();
        jersey.register(new ModelProvidersResource(models, providerConfigs, id.access(), id.audit()));
        return new Agents(agents, models, new AgentsResource(agents, id.grants(), id.access(), id.audit(), c.json(),
                id.resources()),
                new PromptsResource(prompts, id.grants(), id.access(), id.audit()));
    }
}
