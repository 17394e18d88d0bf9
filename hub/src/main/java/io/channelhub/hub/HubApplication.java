package io.channelhub.hub;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.channelhub.hub.acl.AccessControl;
import io.channelhub.hub.agents.AgentRepository;
import io.channelhub.hub.agents.AgentService;
import io.channelhub.hub.web.api.AgentsResource;
import io.channelhub.hub.agents.PromptRepository;
import io.channelhub.hub.agents.PromptService;
import io.channelhub.hub.web.api.PromptsResource;
import io.channelhub.hub.acl.GrantRepository;
import io.channelhub.hub.web.api.GrantsResource;
import io.channelhub.hub.acl.ResourceDirectory;
import io.channelhub.hub.acl.ResourceType;
import io.channelhub.hub.audit.AuditLog;
import io.channelhub.hub.web.api.AuditResource;
import io.channelhub.hub.web.ApiKeyAuthFilter;
import io.channelhub.hub.auth.ApiKeyRepository;
import io.channelhub.hub.auth.ApiKeyService;
import io.channelhub.hub.web.api.ApiKeysResource;
import io.channelhub.hub.web.api.MeResource;
import io.channelhub.hub.web.Idempotency;
import io.channelhub.hub.channels.ChannelInstanceRepository;
import io.channelhub.hub.conversations.ConversationRepository;
import io.channelhub.hub.delivery.Dispatcher;
import io.channelhub.hub.delivery.Outbox;
import io.channelhub.hub.webhooks.Webhooks;
import io.channelhub.hub.web.api.WebhooksResource;
import io.channelhub.hub.web.api.ConversationsResource;
import io.channelhub.hub.conversations.TurnService;
import io.channelhub.hub.llm.DemoProvider;
import io.channelhub.hub.llm.ModelGateway;
import io.channelhub.hub.web.api.ModelProvidersResource;
import io.channelhub.hub.llm.OpenAiProvider;
import io.channelhub.hub.llm.ProviderConfigs;
import io.channelhub.hub.metering.UsageLedger;
import io.channelhub.hub.channels.ChannelInstanceService;
import io.channelhub.hub.web.api.ChannelInstancesResource;
import io.channelhub.hub.web.ErrorMappers;
import io.channelhub.hub.web.PrometheusEndpoint;
import io.channelhub.hub.web.TraceIds;
import io.channelhub.hub.persistence.StartupMigrations;
import io.channelhub.hub.persistence.UtcInstants;
import io.channelhub.hub.web.api.AdminPluginsResource;
import io.channelhub.hub.plugins.PluginEnablements;
import io.channelhub.hub.plugins.PluginHealthCheck;
import io.channelhub.hub.plugins.PluginPlatform;
import io.channelhub.hub.plugins.PluginStatus;
import io.channelhub.hub.web.api.TenantPluginsResource;
import io.channelhub.hub.redis.RedisHealthCheck;
import io.channelhub.hub.security.SecretBox;
import io.channelhub.hub.web.api.OwnTenantResource;
import io.channelhub.hub.tenancy.TenantRepository;
import io.channelhub.hub.web.TenantScopes;
import io.channelhub.hub.tenancy.TenantService;
import io.channelhub.hub.web.api.TenantsResource;
import io.dropwizard.configuration.EnvironmentVariableSubstitutor;
import io.dropwizard.configuration.SubstitutingSourceProvider;
import io.dropwizard.core.Application;
import io.dropwizard.core.server.AbstractServerFactory;
import io.dropwizard.core.setup.Bootstrap;
import io.dropwizard.core.setup.Environment;
import io.dropwizard.db.DataSourceFactory;
import io.dropwizard.db.ManagedDataSource;
import io.dropwizard.jdbi3.JdbiFactory;
import io.dropwizard.migrations.MigrationsBundle;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.HashSet;
import java.util.Optional;
import java.util.Set;
import org.jdbi.v3.core.Jdbi;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The ChannelHub core: {@code server config.yml}, {@code db migrate config.yml}, {@code db status config.yml}. */
public class HubApplication extends Application<HubConfiguration> {

    private static final Logger LOG = LoggerFactory.getLogger(HubApplication.class);

    private PluginPlatform plugins;
    private Jdbi jdbi;
    private UsageLedger ledger;
    private io.channelhub.hub.observability.Tracing tracing;

    public static void main(String[] args) throws Exception {
        new HubApplication().run(args);
    }

    @Override
    public String getName() {
        return "channelhub";
    }

    @Override
    public void initialize(Bootstrap<HubConfiguration> bootstrap) {
        bootstrap.setConfigurationSourceProvider(new SubstitutingSourceProvider(
                bootstrap.getConfigurationSourceProvider(), new EnvironmentVariableSubstitutor(false)));
        bootstrap.addBundle(new MigrationsBundle<HubConfiguration>() {
            @Override
            public DataSourceFactory getDataSourceFactory(HubConfiguration configuration) {
                return configuration.getDatabase();
            }

            @Override
            public String getMigrationsFileName() {
                return StartupMigrations.CHANGELOG;
            }
        });
    }

    @Override
    public void run(HubConfiguration config, Environment env) throws Exception {
        ObjectMapper json = env.getObjectMapper();
        json.disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS);
        // Two readers: what the hub stored is read back as written; what a caller sends is held to the API's rules.
        ObjectMapper stored = io.channelhub.hub.persistence.StoredJson.of(json);
        io.channelhub.hub.web.StrictJson.apply(json);
        // Our mappers give every failure the one error shape; Dropwizard's would leak HTML and internals.
        ((AbstractServerFactory) config.getServerFactory()).setRegisterDefaultExceptionMappers(false);
        // Microseconds: what DATETIME(6) stores, so an API answer equals a later read of the same row.
        Clock clock = Clock.tick(Clock.systemUTC(), Duration.ofNanos(1_000));
        tracing = new io.channelhub.hub.observability.Tracing(config.getTracing());
        env.lifecycle().manage(tracing);

        if (config.isMigrateOnStart()) {
            ManagedDataSource migrationSource = config.getDatabase().build(env.metrics(), "migrations");
            try {
                StartupMigrations.apply(migrationSource);
            } finally {
                migrationSource.stop();
            }
        }
        jdbi = new JdbiFactory().build(env, config.getDatabase(), "database");
        UtcInstants.install(jdbi);

        SecretBox secrets = config.getSecrets().build();
        var prometheus = PrometheusEndpoint.install(env);
        plugins = new PluginPlatform(Path.of(config.getPlugins().getDirectory()),
                new io.channelhub.hub.plugins.PluginGuard(tracing.tracer(), prometheus), config.getPlugins());
        plugins.start();
        env.lifecycle().manage(plugins);
        Set<String> seen = new HashSet<>();
        for (PluginStatus s : plugins.statuses()) {
            seen.add(s.id());
            env.healthChecks().register("plugin-" + s.id(), new PluginHealthCheck(plugins, s.id(),
                    config.getPlugins().getRequired().contains(s.id())));
        }
        for (String required : config.getPlugins().getRequired()) {
            if (!seen.contains(required)) {
                env.healthChecks().register("plugin-" + required, new PluginHealthCheck(plugins, required, true));
            }
        }

        var redis = config.getRedis().build(env.lifecycle());
        redis.ifPresent(r -> env.healthChecks().register("redis", new RedisHealthCheck(r)));
        io.channelhub.hub.limits.RateLimiter limiter = redis.<io.channelhub.hub.limits.RateLimiter>map(r ->
                new io.channelhub.hub.limits.RedisRateLimiter(r, config.getRateLimits().getKeyPrefix()))
                .orElseGet(() -> new io.channelhub.hub.limits.LocalRateLimiter(System::currentTimeMillis));
        io.channelhub.hub.limits.QuotaCounters quotaCounters = redis.<io.channelhub.hub.limits.QuotaCounters>map(r ->
                new io.channelhub.hub.limits.RedisQuotaCounters(r, config.getQuotas().getKeyPrefix()))
                .orElseGet(() -> new io.channelhub.hub.limits.LocalQuotaCounters(clock));
        Outbox outbox = new Outbox(jdbi);
        var outboxSignal = new io.channelhub.hub.delivery.WorkSignal();
        var hubMetrics = new io.channelhub.hub.observability.HubMetrics(prometheus, outbox::pending);
        io.channelhub.hub.plugins.PluginStateGauge.register(prometheus, plugins);

        TenantRepository tenantRepo = new TenantRepository(jdbi);
        var changes = new io.channelhub.hub.persistence.ChangeBus();
        Duration cacheTtl = Duration.ofMillis(config.getCacheTtl().toMilliseconds());
        var credentials = new io.channelhub.hub.auth.CredentialCache(cacheTtl, System::nanoTime, changes);
        var caches = new io.channelhub.hub.persistence.TenantCaches(changes, cacheTtl, System::nanoTime);
        tenantRepo.onChange(credentials::tenantChanged);
        redis.ifPresent(r -> {
            var events = new io.channelhub.hub.redis.RedisEvents(r, config.getRedis().getEventsChannel(),
                    changes::receive, changes::missed);
            changes.publishTo(events::publish);
            env.lifecycle().manage(events);
        });
        TenantService tenants = new TenantService(jdbi, tenantRepo, clock);
        AuditLog audit = new AuditLog(jdbi, stored, clock);
        TenantScopes scopes = new TenantScopes(tenantRepo, audit);
        ApiKeyService keys = new ApiKeyService(new ApiKeyRepository(jdbi), clock,
                Duration.ofMillis(config.getApiKeys().getRotationGrace().toMilliseconds()), credentials);
        GrantRepository grants = new GrantRepository(jdbi);
        AccessControl access = new AccessControl(grants, audit);
        PluginEnablements enablements = new PluginEnablements(jdbi, clock, config.getPlugins().isEnabledByDefault(),
                caches);
        ChannelInstanceRepository instanceRepo = new ChannelInstanceRepository(jdbi, stored, caches);
        ResourceDirectory resources = new ResourceDirectory();
        resources.register(ResourceType.CHANNEL_INSTANCE, (tenantId, id) -> instanceRepo.find(tenantId, id)
                .map(ci -> new ResourceDirectory.ResourceRef(ResourceType.CHANNEL_INSTANCE, ci.id(),
                        ci.ownerPrincipalId())));

        AgentRepository agentRepo = new AgentRepository(jdbi, stored);
        PromptRepository promptRepo = new PromptRepository(jdbi);
        ProviderConfigs providerConfigs = new ProviderConfigs(jdbi, stored, secrets, clock, caches);
        OpenAiProvider openai = new OpenAiProvider(config.getModels().getMaxIdleConnections());
        env.lifecycle().manage(openai);
        ModelGateway models = new ModelGateway(java.util.Map.of(ModelGateway.OPENAI, openai, DemoProvider.ID,
                new DemoProvider()), plugins, providerConfigs, config.getModels(), hubMetrics, tracing);
        ledger = new UsageLedger(jdbi, clock, config.getUsage());
        env.lifecycle().manage(ledger);
        AgentService agents = new AgentService(jdbi, agentRepo, promptRepo, models::providerIds, clock,
                caches);
        ChannelInstanceService instances = new ChannelInstanceService(instanceRepo, plugins, enablements, secrets,
                clock, (tenantId, ref) -> agents.byReference(tenantId, ref).isPresent());
        ConversationRepository conversationRepo = new ConversationRepository(jdbi, stored);
        Webhooks webhooks = new Webhooks(jdbi, stored, secrets, outbox, config.getDelivery(), clock,
                outboxSignal, caches);
        io.channelhub.hub.limits.Quotas quotas = new io.channelhub.hub.limits.Quotas(jdbi, stored, webhooks, audit,
                quotaCounters, env.metrics(), clock, hubMetrics, caches);
        ledger.onRecorded(quotas::recorded);
        var contacts = new io.channelhub.hub.contacts.ContactDirectory(jdbi, stored, clock);
        var documents = new io.channelhub.hub.plugins.PluginDocuments(jdbi, clock);
        var media = new io.channelhub.hub.media.MediaLibrary(jdbi, ledger, clock);
        var pluginUsage = new io.channelhub.hub.plugins.PluginUsage(ledger, quotas);
        var channelContexts = new io.channelhub.hub.channels.ChannelContexts(instances, conversationRepo, contacts,
                documents, media, pluginUsage, clock);
        var deliveries = new io.channelhub.hub.channels.ChannelDeliveries(jdbi);
        var channelSends = new io.channelhub.hub.channels.ChannelSends(jdbi, outbox, deliveries, contacts, plugins,
                stored, clock, outboxSignal);
        var channelDeliverer = new io.channelhub.hub.channels.ChannelDeliverer(instanceRepo, channelContexts,
                deliveries, conversationRepo, plugins, limiter, outbox, ledger, stored, clock, outboxSignal);
        Dispatcher dispatcher = new Dispatcher(outbox, java.util.Map.of(Webhooks.KIND, webhooks,
                io.channelhub.hub.channels.ChannelSends.KIND, channelDeliverer), config.getDelivery(), clock, hubMetrics,
                tracing, outboxSignal);
        env.lifecycle().manage(dispatcher);
        resources.register(ResourceType.WEBHOOK, (tenantId, id) -> webhooks.find(tenantId, id)
                .map(w -> new ResourceDirectory.ResourceRef(ResourceType.WEBHOOK, w.id(), w.ownerPrincipalId())));
        var privacySettings = new io.channelhub.hub.privacy.PrivacySettings(jdbi, stored, plugins, clock,
                secrets.derive("privacy-hash"));
        var contentRedaction = new io.channelhub.hub.privacy.ContentRedaction(jdbi, privacySettings, clock);
        TurnService turns = new TurnService(conversationRepo, agents, models, plugins, ledger, webhooks, clock, quotas,
                channelContexts, media, contentRedaction, tracing);
        var pipeline = new io.channelhub.hub.conversations.TurnPipeline(turns, conversationRepo, models, ledger, quotas);
        resources.register(ResourceType.CONVERSATION, (tenantId, id) -> conversationRepo.find(tenantId, id)
                .map(cv -> new ResourceDirectory.ResourceRef(ResourceType.CONVERSATION, cv.id(),
                        cv.ownerPrincipalId())));
        PromptService prompts = new PromptService(promptRepo, agentRepo, clock);
        resources.register(ResourceType.AGENT, (tenantId, id) -> agentRepo.find(tenantId, id)
                .map(a -> new ResourceDirectory.ResourceRef(ResourceType.AGENT, a.id(), a.ownerPrincipalId())));
        resources.register(ResourceType.PROMPT, (tenantId, id) -> promptRepo.find(tenantId, id)
                .map(p -> new ResourceDirectory.ResourceRef(ResourceType.PROMPT, p.id(), p.ownerPrincipalId())));

        String bootstrapKey = config.getApiKeys().getBootstrapKey();
        boolean generateKey = bootstrapKey == null || bootstrapKey.isBlank();
        if (!generateKey && keys.bootstrap(bootstrapKey).isPresent()) {
            LOG.info("Installed the configured bootstrap super-admin key");
        }

        // Errors Jetty answers itself (before Jersey) get the API's JSON shape too, on both ports.
        var errorPages = new io.channelhub.hub.web.JsonErrorPages();
        env.getApplicationContext().setErrorHandler(errorPages);
        env.getAdminContext().setErrorHandler(errorPages);
        env.lifecycle().addEventListener(new org.eclipse.jetty.util.component.LifeCycle.Listener() {
            @Override
            public void lifeCycleStarting(org.eclipse.jetty.util.component.LifeCycle server) {
                if (server instanceof org.eclipse.jetty.server.Server s) {
                    s.setErrorHandler(errorPages);
                }
            }
        });
        env.servlets().addFilter("drain-request-body", new io.channelhub.hub.web.DrainRequestBodyFilter())
                .addMappingForUrlPatterns(java.util.EnumSet.of(jakarta.servlet.DispatcherType.REQUEST), false, "/*");
        var jersey = env.jersey();
        // Jersey buffers the first 8 KiB of an entity to set Content-Length; an SSE stream must reach the client at
        // each flush instead.
        jersey.property(org.glassfish.jersey.server.ServerProperties.OUTBOUND_CONTENT_LENGTH_BUFFER, 0);
        // An error status without a body (a plugin's bare 403) stays bare: no servlet error page in its place.
        jersey.property(org.glassfish.jersey.server.ServerProperties.RESPONSE_SET_STATUS_OVER_SEND_ERROR, true);
        // A relative Location stays relative: resolving it would build it from the caller's Host header.
        jersey.property(org.glassfish.jersey.server.ServerProperties.LOCATION_HEADER_RELATIVE_URI_RESOLUTION_DISABLED,
                true);
        ErrorMappers.register(jersey.getResourceConfig());
        jersey.register(new TraceIds(tracing));
        jersey.register(new io.channelhub.hub.web.SecurityHeaders());
        var consoleConfig = config.getConsole();
        var sessions = new io.channelhub.hub.console.ConsoleSessions(jdbi, tenantRepo, credentials, keys, clock,
                Duration.ofMillis(consoleConfig.getIdleTimeout().toMilliseconds()),
                Duration.ofMillis(consoleConfig.getMaxAge().toMilliseconds()));
        jersey.register(new ApiKeyAuthFilter(keys, tenantRepo, audit, credentials, sessions));
        var rateLimits = new io.channelhub.hub.limits.RateLimits(limiter, config.getRateLimits(), env.metrics(),
                hubMetrics);
        jersey.register(new io.channelhub.hub.web.RateLimitFilter(rateLimits));
        jersey.register(new MeResource());
        jersey.register(new TenantsResource(tenants, access, audit));
        jersey.register(new OwnTenantResource(tenants, scopes, access, audit));
        jersey.register(new ApiKeysResource.Own(keys, access, audit, clock, scopes));
        jersey.register(new ApiKeysResource.OfTenant(keys, access, audit, clock, scopes));
        jersey.register(new ApiKeysResource.Platform(keys, access, audit, clock));
        jersey.register(new AdminPluginsResource(plugins, access));
        jersey.register(new TenantPluginsResource.Own(plugins, enablements, scopes, access, audit));
        jersey.register(new TenantPluginsResource.OfTenant(plugins, enablements, scopes, access, audit));
        jersey.register(new ChannelInstancesResource.Own(instances, grants, scopes, access, audit));
        jersey.register(new ChannelInstancesResource.OfTenant(instances, grants, scopes, access, audit));
        jersey.register(new GrantsResource.Own(grants, resources, keys, scopes, access, audit, clock));
        jersey.register(new GrantsResource.OfTenant(grants, resources, keys, scopes, access, audit, clock));
        jersey.register(new AgentsResource.Own(agents, grants, scopes, access, audit, json));
        jersey.register(new AgentsResource.OfTenant(agents, grants, scopes, access, audit, json));
        jersey.register(new PromptsResource.Own(prompts, grants, scopes, access, audit));
        jersey.register(new PromptsResource.OfTenant(prompts, grants, scopes, access, audit));
        jersey.register(new ModelProvidersResource(models, providerConfigs, scopes, access, audit));
        jersey.register(new io.channelhub.hub.web.api.OpenAiCompatibleResource(agents, pipeline, scopes, access,
                clock));
        Idempotency idempotency = new Idempotency(jdbi, clock, config.getIdempotencyLease().toJavaDuration());
        env.lifecycle().manage(idempotency);
        jersey.register(new ConversationsResource(conversationRepo, agents, pipeline, idempotency,
                scopes, access, json, clock, config.getSseHeartbeat().toMilliseconds(), webhooks));
        var inbound = new io.channelhub.hub.channels.InboundEvents(jdbi, stored, clock);
        var channelConversations = new io.channelhub.hub.channels.ChannelConversations(conversationRepo, agents,
                webhooks, clock);
        var channelTurns = new io.channelhub.hub.web.hooks.ChannelTurns(conversationRepo, channelConversations,
                pipeline, inbound, contacts, media, rateLimits, json, clock,
                config.getSseHeartbeat().toMilliseconds());
        var processor = new io.channelhub.hub.channels.InboundProcessor(inbound, instanceRepo, channelContexts,
                channelConversations, conversationRepo, pipeline, contacts, media, channelSends, deliveries, plugins,
                rateLimits, webhooks, clock, config.getChannels());
        env.lifecycle().manage(processor);
        jersey.register(new io.channelhub.hub.web.api.ChannelMessagesResource.Own(instances, channelContexts,
                channelSends, channelConversations, contacts, turns, quotas, plugins, scopes, access, audit, json));
        jersey.register(new io.channelhub.hub.web.api.ChannelMessagesResource.OfTenant(instances, channelContexts,
                channelSends, channelConversations, contacts, turns, quotas, plugins, scopes, access, audit, json));
        jersey.register(new io.channelhub.hub.web.hooks.ChannelHooksResource(plugins, instanceRepo, instances,
                enablements, tenantRepo, inbound, channelTurns, channelContexts, processor,
                config.getChannels().getMaxBodySize().toBytes(), credentials));
        var plans = new io.channelhub.hub.billing.Plans(jdbi, stored, clock);
        var subscriptions = new io.channelhub.hub.billing.Subscriptions(jdbi, clock);
        var gatewayAccounts = new io.channelhub.hub.billing.GatewayAccounts(jdbi, stored, secrets, plugins,
                channelContexts, clock);
        var invoices = new io.channelhub.hub.billing.Invoices(jdbi, stored, plans, subscriptions, gatewayAccounts, clock);
        var billingEvents = new io.channelhub.hub.billing.BillingEvents(jdbi, stored, invoices, subscriptions, tenants,
                audit, webhooks, clock);
        var billingJobs = new io.channelhub.hub.billing.BillingJobs(invoices, subscriptions, billingEvents,
                gatewayAccounts,
                config.getBilling(), clock);
        env.lifecycle().manage(billingJobs);
        var billing = new io.channelhub.hub.web.api.BillingResource.Services(plans, subscriptions, invoices,
                gatewayAccounts, billingJobs, quotas, config.getBilling(), scopes, access, audit, clock);
        jersey.register(new io.channelhub.hub.web.api.BillingResource.Platform(billing));
        jersey.register(new io.channelhub.hub.web.api.BillingResource.OfTenant(billing));
        jersey.register(new io.channelhub.hub.web.api.BillingResource.Own(billing));
        jersey.register(new io.channelhub.hub.web.hooks.GatewayHooksResource(gatewayAccounts, billingEvents, billingJobs,
                plugins));
        // Logs lose personal data from here on, whatever the tenant: every policy's detectors.
        io.channelhub.hub.privacy.LogRedaction.install(plugins.privacyPolicies().values().stream()
                .flatMap(p -> p.detectors().stream()).toList());
        var privacyRequests = new io.channelhub.hub.privacy.PrivacyRequests(jdbi, stored, privacySettings,
                new io.channelhub.hub.privacy.DataSubjects(jdbi, stored, secrets.derive("privacy-pseudonym")), audit,
                clock);
        var retention = new io.channelhub.hub.privacy.Retention(jdbi, privacySettings, clock);
        env.lifecycle().manage(new io.channelhub.hub.privacy.RetentionJob(jdbi, retention,
                config.getRetentionInterval().toMilliseconds()));
        jersey.register(new io.channelhub.hub.web.api.PrivacyResource.Own(privacySettings, privacyRequests, retention,
                contentRedaction, scopes, access, audit, clock));
        jersey.register(new io.channelhub.hub.web.api.PrivacyResource.OfTenant(privacySettings, privacyRequests,
                retention, contentRedaction, scopes, access, audit, clock));
        boolean demo = false;
        if (config.getDemo().isEnabled()) {
            Optional<io.channelhub.hub.web.api.DemoSite> site = io.channelhub.hub.web.api.DemoSite.install(config.getDemo(),
                    tenants, tenantRepo, agents, instances);
            site.ifPresent(jersey::register);
            demo = site.isPresent();
        }
        env.lifecycle().addServerLifecycleListener(new StartupBanner(keys, generateKey, demo, System.out));
        io.channelhub.hub.metering.UsageMetrics.register(prometheus, ledger);
        jersey.register(new io.channelhub.hub.web.HttpMetrics(hubMetrics));
        jersey.register(new io.channelhub.hub.web.api.QuotasResource.Own(quotas, scopes, access));
        jersey.register(new io.channelhub.hub.web.api.QuotasResource.OfTenant(quotas, scopes, access, audit));
        jersey.register(new WebhooksResource(webhooks, outbox, dispatcher, grants, scopes, access, audit, clock));
        jersey.register(new io.channelhub.hub.web.api.UsageResource(jdbi, scopes, access, ledger));
        jersey.register(new io.channelhub.hub.web.ApiCallMetering(ledger));
        jersey.register(new AuditResource.Own(audit, access, scopes));
        jersey.register(new AuditResource.OfTenant(audit, access, scopes));
        jersey.register(new AuditResource.Platform(audit, access));
        jersey.register(new io.channelhub.hub.web.api.UsageResource.OfTenant(jdbi, scopes, access, ledger));
        jersey.register(new io.channelhub.hub.web.api.ConversationReads.OfTenant(conversationRepo, scopes,
                access));
        registerConsole(consoleConfig, env, sessions, keys, scopes, access, audit,
                rateLimits, clock);
        java.util.Set<String> documented = new java.util.TreeSet<>();
        for (Class<?> type : jersey.getResourceConfig().getClasses()) {
            if (type.getName().startsWith("io.channelhub.") && type.isAnnotationPresent(jakarta.ws.rs.Path.class)) {
                documented.add(type.getName());
            }
        }
        jersey.register(new io.channelhub.hub.web.OpenApiDocument(documented, io.channelhub.plugin.PluginApi.VERSION));
    }

    /** The browser console: its files, sign-in and sessions (through the API's own filter), and its users. */
    private void registerConsole(io.channelhub.hub.console.ConsoleFactory cfg, Environment env,
                                 io.channelhub.hub.console.ConsoleSessions sessions, ApiKeyService keys,
                                 TenantScopes scopes, AccessControl access, AuditLog audit,
                                 io.channelhub.hub.limits.RateLimits rateLimits, Clock clock) {
        var users = new io.channelhub.hub.console.ConsoleUsers(jdbi,
                new io.channelhub.hub.console.PasswordHasher(cfg.getPasswordIterations()), sessions, clock,
                cfg.getMaxFailedLogins(), Duration.ofMillis(cfg.getLockout().toMilliseconds()));
        var jersey = env.jersey();
        jersey.register(new io.channelhub.hub.web.console.ConsoleSessionResource(users, sessions, keys, audit,
                cfg.getSecureCookie(), rateLimits));
        jersey.register(new io.channelhub.hub.web.api.ConsoleUsersResource.Own(users, access, audit, scopes));
        jersey.register(new io.channelhub.hub.web.api.ConsoleUsersResource.OfTenant(users, access, audit, scopes));
        jersey.register(new io.channelhub.hub.web.api.ConsoleUsersResource.Platform(users, access, audit));
        jersey.register(new io.channelhub.hub.web.console.ConsoleAssets());
    }

    /** The platform, for tests that inspect plugin states directly. */
    public PluginPlatform plugins() {
        return plugins;
    }

    /** Tracing, for tests that collect spans. */
    public io.channelhub.hub.observability.Tracing tracing() {
        return tracing;
    }

    /** The usage ledger, for tests that record usage as a plugin would. */
    public UsageLedger ledger() {
        return ledger;
    }

    /** The database handle, for tests that read tables directly. */
    public Jdbi jdbi() {
        return jdbi;
    }
}
