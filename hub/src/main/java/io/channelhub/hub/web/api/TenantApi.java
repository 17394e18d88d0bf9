package io.channelhub.hub.web.api;

import jakarta.ws.rs.Path;

/**
 * A tenant's API, {@code /v1/...}, for the tenant's own keys and console users. Each section is a sub-resource; the
 * same section objects serve the operator under {@code /admin/tenants/{tenantId}/...} ({@link TenantAdminApi}), and
 * the {@link io.channelhub.hub.web.TenantScope} a section's methods take is the only thing that differs between the
 * two mounts. Sections without an operator twin ({@code /v1/me}, {@code /v1/tenant}, {@code /v1/webhooks},
 * {@code /v1/model-providers}, the OpenAI-compatible routes) are their own root resources.
 *
 * <p>Locators run while Jersey matches the route, before authentication: they only pick the section, and must not
 * look at the caller.
 */
@Path("/v1")
public final class TenantApi {

    /** The sections both mounts share. */
    public record Sections(AgentsResource agents, PromptsResource prompts, ApiKeysResource apiKeys,
                           AuditResource audit, ChannelInstancesResource channelInstances,
                           ConsoleUsersResource consoleUsers, GrantsResource grants, PrivacyResource privacy,
                           TenantPluginsResource plugins, UsageResource usage) {
    }

    private final Sections s;
    private final ConversationsResource conversations;
    private final QuotasResource quotas;
    private final BillingResource.Own billing;

    public TenantApi(Sections sections, ConversationsResource conversations, QuotasResource quotas,
                     BillingResource.Own billing) {
        this.s = sections;
        this.conversations = conversations;
        this.quotas = quotas;
        this.billing = billing;
    }

    @Path("agents")
    public AgentsResource agents() {
        return s.agents();
    }

    @Path("prompts")
    public PromptsResource prompts() {
        return s.prompts();
    }

    @Path("api-keys")
    public ApiKeysResource apiKeys() {
        return s.apiKeys();
    }

    @Path("audit")
    public AuditResource audit() {
        return s.audit();
    }

    @Path("channel-instances")
    public ChannelInstancesResource channelInstances() {
        return s.channelInstances();
    }

    @Path("console-users")
    public ConsoleUsersResource consoleUsers() {
        return s.consoleUsers();
    }

    @Path("grants")
    public GrantsResource grants() {
        return s.grants();
    }

    @Path("privacy")
    public PrivacyResource privacy() {
        return s.privacy();
    }

    @Path("plugins")
    public TenantPluginsResource plugins() {
        return s.plugins();
    }

    @Path("usage")
    public UsageResource usage() {
        return s.usage();
    }

    /** Conversations with their turns; the operator only reads them. */
    @Path("conversations")
    public ConversationsResource conversations() {
        return conversations;
    }

    /** Where the tenant stands; the operator also sets them. */
    @Path("quotas")
    public QuotasResource quotas() {
        return quotas;
    }

    /** The tenant's subscription and invoices, read-only; the operator manages them. */
    @Path("billing")
    public BillingResource.Own billing() {
        return billing;
    }
}
