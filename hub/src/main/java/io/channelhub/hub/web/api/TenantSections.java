package io.channelhub.hub.web.api;

import jakarta.ws.rs.Path;

/**
 * The sections a tenant's API and the operator's view of one tenant share: the same objects under {@code /v1} and
 * {@code /admin/tenants/{tenantId}}, where the {@link io.channelhub.hub.web.TenantScope} their methods take is the only
 * difference. {@link TenantApi} and {@link TenantAdminApi} add what differs between the two mounts.
 *
 * <p>Locators run while Jersey matches the route, before authentication: they only pick the section, and must not
 * look at the caller.
 */
public abstract class TenantSections {

    /** The section objects, built by the bundles that own them. */
    public record Sections(AgentsResource agents, PromptsResource prompts, ApiKeysResource apiKeys,
                           AuditResource audit, ChannelInstancesResource channelInstances,
                           ConsoleUsersResource consoleUsers, GrantsResource grants, PrivacyResource privacy,
                           TenantPluginsResource plugins, UsageResource usage, FilesResource files,
                           VectorStoresResource vectorStores, DeadLettersResource deadLetters,
                           JobsResource jobs) {
    }

    private final Sections s;

    TenantSections(Sections sections) {
        this.s = sections;
    }

    /** What the hub gave up delivering or processing, and retries. */
    @Path("dead-letters")
    public DeadLettersResource deadLetters() {
        return s.deadLetters();
    }

    /** The tenant's background work: in progress and given up. */
    @Path("jobs")
    public JobsResource jobs() {
        return s.jobs();
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

    /** OpenAI's Files API for knowledge. */
    @Path("files")
    public FilesResource files() {
        return s.files();
    }

    /** OpenAI's Vector Stores API, with search. */
    @Path("vector_stores")
    public VectorStoresResource vectorStores() {
        return s.vectorStores();
    }
}
