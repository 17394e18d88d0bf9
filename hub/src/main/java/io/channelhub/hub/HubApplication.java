package io.channelhub.hub;

import io.channelhub.hub.metering.UsageLedger;
import io.channelhub.hub.observability.Tracing;
import io.channelhub.hub.persistence.StartupMigrations;
import io.channelhub.hub.plugins.PluginPlatform;
import io.channelhub.hub.web.OpenApiDocument;
import io.channelhub.hub.web.api.DemoSite;
import io.channelhub.plugin.PluginApi;
import io.dropwizard.configuration.EnvironmentVariableSubstitutor;
import io.dropwizard.configuration.SubstitutingSourceProvider;
import io.dropwizard.core.Application;
import io.dropwizard.core.setup.Bootstrap;
import io.dropwizard.core.setup.Environment;
import io.dropwizard.db.DataSourceFactory;
import io.dropwizard.migrations.MigrationsBundle;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import org.jdbi.v3.core.Jdbi;

/**
 * The ChannelHub core: {@code server config.yml}, {@code db migrate config.yml}, {@code db status config.yml}.
 *
 * <p>Each concern is a bundle ({@link HubBundle}), added here in the order of their dependencies; what is left for
 * {@link #run} needs all of them: the demo site, the startup banner and the OpenAPI document of every route.
 */
public class HubApplication extends Application<HubConfiguration> {

    private final CoreBundle core = new CoreBundle();
    private final PluginsBundle plugins = new PluginsBundle(core);
    private final IdentityBundle identity = new IdentityBundle(core, plugins);
    private final UsageBundle usage = new UsageBundle(core, identity);
    private final AgentsBundle agents = new AgentsBundle(core, plugins, identity);
    private final KnowledgeBundle knowledge = new KnowledgeBundle(core, plugins, identity, usage, agents);
    private final PrivacyBundle privacy = new PrivacyBundle(core, plugins, identity, knowledge);
    private final ConversationsBundle conversations = new ConversationsBundle(core, plugins, identity, usage,
            privacy, agents, knowledge);
    private final BillingBundle billing = new BillingBundle(core, plugins, identity, usage, conversations);
    private final ConsoleBundle console = new ConsoleBundle(core, identity);
    private final ApiBundle api = new ApiBundle(identity, usage, privacy, agents, knowledge, conversations, billing,
            console);

    public static void main(String[] args) throws Exception {
        // Before anything starts a virtual thread: the scheduler reads its carrier count once.
        io.channelhub.hub.concurrency.ThreadModel.widenCarriers();
        new HubApplication().run(args);
    }

    @Override
    public String getName() {
        return "channelhub";
    }

    @Override
    public void initialize(Bootstrap<HubConfiguration> bootstrap) {
        // Dropwizard's JVM gauges: the server command registers them after initialize, the test support never does,
        // so a test's scrape missed what production exports (registering twice is a no-op).
        bootstrap.registerMetrics();
        // Every request's JSON (Jersey's provider, the SSE writer) on virtual threads: see SharedJsonBuffers.
        io.channelhub.hub.concurrency.SharedJsonBuffers.share(bootstrap.getObjectMapper());
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
        for (HubBundle<?> b : java.util.List.of(core, plugins, identity, usage, agents, knowledge, privacy,
                conversations, billing, console, api)) {
            bootstrap.addBundle(b);
        }
    }

    @Override
    public void run(HubConfiguration config, Environment env) {
        var id = identity.get();
        var jersey = env.jersey();
        boolean demo = false;
        if (config.getDemo().isEnabled()) {
            Optional<DemoSite> site = DemoSite.install(config.getDemo(), id.tenants(), id.tenantRepo(),
                    agents.get().agents(), conversations.get().instances(), knowledge.get().knowledge());
            site.ifPresent(jersey::register);
            demo = site.isPresent();
        }
        env.lifecycle().addServerLifecycleListener(new StartupBanner(id.keys(), id.keyGenerated(), demo,
                System.out, jsonLogs(config), env.getObjectMapper()));
        // Last: the document lists every route the bundles registered.
        Set<String> documented = new TreeSet<>();
        for (Class<?> type : jersey.getResourceConfig().getClasses()) {
            if (type.getName().startsWith("io.channelhub.") && type.isAnnotationPresent(jakarta.ws.rs.Path.class)) {
                documented.add(type.getName());
            }
        }
        jersey.register(new OpenApiDocument(documented, PluginApi.VERSION));
    }

    /** The platform, for tests that inspect plugin states directly. */
    public PluginPlatform plugins() {
        return plugins.get().platform();
    }

    /** Tracing, for tests that collect spans. */
    public Tracing tracing() {
        return core.get().tracing();
    }

    /** The usage ledger, for tests that record usage as a plugin would. */
    public UsageLedger ledger() {
        return usage.get().ledger();
    }

    /** What keeps this replica's knowledge index in step, for tests that compare it with the database. */
    public io.channelhub.hub.knowledge.IndexFeed knowledgeIndexFeed() {
        return knowledge.get().feed();
    }

    /** The database handle, for tests that read tables directly. */
    public Jdbi jdbi() {
        return core.get().jdbi();
    }

    /** Whether the console log is JSON lines (production), so that what the hub prints itself is one too. */
    static boolean jsonLogs(HubConfiguration config) {
        if (config.getLoggingFactory() instanceof io.dropwizard.logging.common.DefaultLoggingFactory logging) {
            return logging.getAppenders().stream()
                    .filter(io.dropwizard.logging.common.ConsoleAppenderFactory.class::isInstance)
                    .map(a -> ((io.dropwizard.logging.common.ConsoleAppenderFactory<?>) a).getLayout())
                    .anyMatch(l -> l instanceof io.channelhub.hub.privacy.RedactedLogLayout r
                            && r.getFormat() == io.channelhub.hub.privacy.RedactedLogLayout.Format.JSON);
        }
        return false;
    }
}
