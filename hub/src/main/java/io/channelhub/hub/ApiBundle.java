package io.channelhub.hub;

import io.channelhub.hub.web.api.PlatformAdminApi;
import io.channelhub.hub.web.api.TenantAdminApi;
import io.channelhub.hub.web.api.TenantApi;
import io.channelhub.hub.web.api.TenantSections;
import io.dropwizard.core.setup.Environment;

/**
 * The API's roots: {@code /v1} for a tenant, {@code /admin/tenants/{tenantId}} for the operator acting on one, and
 * {@code /admin} for the platform's own keys, operators and audit trail. The sections under them are built by the
 * bundles that own them; mounting one section object under two roots (instead of a subclass per mount) is what
 * keeps the tenant's and the operator's routes the same code.
 */
final class ApiBundle extends HubBundle<TenantSections.Sections> {

    private final IdentityBundle identity;
    private final UsageBundle usage;
    private final PrivacyBundle privacy;
    private final AgentsBundle agents;
    private final KnowledgeBundle knowledge;
    private final ConversationsBundle conversations;
    private final BillingBundle billing;
    private final ConsoleBundle console;

    ApiBundle(IdentityBundle identity, UsageBundle usage, PrivacyBundle privacy, AgentsBundle agents,
              KnowledgeBundle knowledge, ConversationsBundle conversations, BillingBundle billing,
              ConsoleBundle console) {
        this.knowledge = knowledge;
        this.identity = identity;
        this.usage = usage;
        this.privacy = privacy;
        this.agents = agents;
        this.conversations = conversations;
        this.billing = billing;
        this.console = console;
    }

    @Override
    protected TenantSections.Sections build(HubConfiguration config, Environment env) {
        var id = identity.get();
        var u = usage.get().api();
        var conv = conversations.get().api();
        var a = agents.get();
        var sections = new TenantSections.Sections(a.api(), a.promptsApi(), id.api().apiKeys(), id.api().audit(),
                conv.channelInstances(), console.get(), id.api().grants(), privacy.get().api(), id.api().plugins(),
                u.usage(), knowledge.get().files(), knowledge.get().vectorStores(), conv.deadLetters(),
                conv.jobs());
        var jersey = env.jersey();
        jersey.register(new TenantApi(sections, conv.conversations(), u.quotas(), billing.get().api(),
                conv.handoffs().apply(console.get()::displayName), conv.leads()));
        jersey.register(new TenantAdminApi(sections, conv.conversationReads(), u.managedQuotas(),
                billing.get().managedApi(), id.tenants(), id.access(), id.audit()));
        jersey.register(new PlatformAdminApi(id.api().apiKeys(), console.get(), id.api().audit()));
        return sections;
    }
}
