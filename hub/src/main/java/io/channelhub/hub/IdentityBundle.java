package io.channelhub.hub;

import io.channelhub.hub.acl.AccessControl;
import io.channelhub.hub.acl.GrantRepository;
import io.channelhub.hub.acl.ResourceDirectory;
import io.channelhub.hub.audit.AuditLog;
import io.channelhub.hub.auth.ApiKeyRepository;
import io.channelhub.hub.auth.ApiKeyService;
import io.channelhub.hub.console.ConsoleSessions;
import io.channelhub.hub.limits.RateLimits;
import io.channelhub.hub.tenancy.TenantRepository;
import io.channelhub.hub.tenancy.TenantService;
import io.channelhub.hub.web.RateLimitFilter;
import io.channelhub.hub.web.TenantScopes;
import io.channelhub.hub.web.auth.Authentication;
import io.channelhub.hub.web.api.AdminPluginsResource;
import io.channelhub.hub.web.api.ApiKeysResource;
import io.channelhub.hub.web.api.AuditResource;
import io.channelhub.hub.web.api.GrantsResource;
import io.channelhub.hub.web.api.MeResource;
import io.channelhub.hub.web.api.OwnTenantResource;
import io.channelhub.hub.web.api.TenantPluginsResource;
import io.channelhub.hub.web.api.TenantsResource;
import io.dropwizard.core.setup.Environment;
import java.time.Duration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Who calls and what they may do: tenants, API keys (and the bootstrap key), console sessions, roles and resource
 * grants, the audit log, the tenant scope of a request, and the rate limits every authenticated request passes.
 */
final class IdentityBundle extends HubBundle<IdentityBundle.Identity> {

    private static final Logger LOG = LoggerFactory.getLogger(IdentityBundle.class);

    /**
     * {@code resources} resolves a resource of any type for grants and access checks; the bundles that own a type
     * register it. {@code keyGenerated}: no bootstrap key was configured, so the banner prints one.
     */
    record Identity(TenantRepository tenantRepo, TenantService tenants, AuditLog audit,
                    ApiKeyService keys, GrantRepository grants, AccessControl access, ResourceDirectory resources,
                    ConsoleSessions sessions, RateLimits rateLimits, boolean keyGenerated, Api api) {
    }

    /** The routes mounted for tenants and the operator by the API roots. */
    record Api(ApiKeysResource apiKeys, AuditResource audit, GrantsResource grants, TenantPluginsResource plugins) {
    }

    private final CoreBundle core;
    private final PluginsBundle plugins;

    IdentityBundle(CoreBundle core, PluginsBundle plugins) {
        this.core = core;
        this.plugins = plugins;
    }

    @Override
    protected Identity build(HubConfiguration config, Environment env) {
        var c = core.get();
        var p = plugins.get();
        TenantRepository tenantRepo = new TenantRepository(c.jdbi());
        tenantRepo.onChange(c.credentials()::tenantChanged);
        TenantService tenants = new TenantService(c.jdbi(), tenantRepo, c.clock());
        AuditLog audit = new AuditLog(c.jdbi(), c.stored(), c.clock());
        audit.onSuppressed(c.metrics().deniedAuditsSuppressed::inc);
        TenantScopes scopes = new TenantScopes(tenantRepo);
        ApiKeyService keys = new ApiKeyService(new ApiKeyRepository(c.jdbi()), c.clock(),
                Duration.ofMillis(config.getApiKeys().getRotationGrace().toMilliseconds()), c.credentials());
        GrantRepository grants = new GrantRepository(c.jdbi());
        AccessControl access = new AccessControl(grants, audit);
        ResourceDirectory resources = new ResourceDirectory();
        var console = config.getConsole();
        var sessions = new ConsoleSessions(c.jdbi(), tenantRepo, c.credentials(), keys, c.clock(),
                Duration.ofMillis(console.getIdleTimeout().toMilliseconds()),
                Duration.ofMillis(console.getMaxAge().toMilliseconds()));
        var rateLimits = new RateLimits(c.limiter(), config.getRateLimits(), env.metrics(), c.metrics());

        String bootstrapKey = config.getApiKeys().getBootstrapKey();
        boolean generateKey = bootstrapKey == null || bootstrapKey.isBlank();
        if (!generateKey && keys.bootstrap(bootstrapKey).isPresent()) {
            LOG.info("Installed the configured bootstrap super-admin key");
        }

        var jersey = env.jersey();
        Authentication.register(jersey.getResourceConfig(), keys, tenantRepo, c.credentials(), sessions, audit);
        jersey.register(new RateLimitFilter(rateLimits));
        jersey.register(new MeResource());
        jersey.register(new TenantsResource(tenants, access, audit));
        jersey.register(scopes.binder());
        jersey.register(new OwnTenantResource(tenants, access, audit));
        jersey.register(new AdminPluginsResource(p.platform(), p.packages(), access, audit,
                config.getPlugins().getMaxPackageSize().toBytes()));
        var api = new Api(new ApiKeysResource(keys, access, audit, c.clock()), new AuditResource(audit, access),
                new GrantsResource(grants, resources, keys, access, audit, c.clock()),
                new TenantPluginsResource(p.platform(), p.enablements(), access, audit));
        return new Identity(tenantRepo, tenants, audit, keys, grants, access, resources, sessions, rateLimits,
                generateKey, api);
    }
}
