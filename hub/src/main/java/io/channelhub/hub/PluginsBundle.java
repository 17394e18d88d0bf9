package io.channelhub.hub;

import io.channelhub.hub.plugins.PluginEnablements;
import io.channelhub.hub.plugins.PluginGuard;
import io.channelhub.hub.plugins.PluginHealthCheck;
import io.channelhub.hub.plugins.PluginPackages;
import io.channelhub.hub.plugins.PluginPlatform;
import io.channelhub.hub.plugins.PluginStateGauge;
import io.channelhub.hub.plugins.PluginStatus;
import io.channelhub.hub.privacy.LogRedaction;
import io.dropwizard.core.setup.Environment;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.Set;

/**
 * The plugin platform: jars loaded and started before the server takes requests, every extension behind its guard,
 * a health check per plugin (failing for a required one that is not running), the per-tenant switches, and the log
 * redaction of every privacy policy.
 */
final class PluginsBundle extends HubBundle<PluginsBundle.Plugins> {

    record Plugins(PluginPlatform platform, PluginEnablements enablements, PluginPackages packages) {
    }

    private final CoreBundle core;

    PluginsBundle(CoreBundle core) {
        this.core = core;
    }

    @Override
    protected Plugins build(HubConfiguration config, Environment env) {
        var c = core.get();
        PluginPlatform platform = new PluginPlatform(Path.of(config.getPlugins().getDirectory()),
                new PluginGuard(c.tracing().tracer(), c.prometheus()), config.getPlugins());
        platform.start();
        env.lifecycle().manage(platform);
        Set<String> seen = new HashSet<>();
        for (PluginStatus s : platform.statuses()) {
            seen.add(s.id());
            env.healthChecks().register("plugin-" + s.id(), new PluginHealthCheck(platform, s.id(),
                    config.getPlugins().getRequired().contains(s.id())));
        }
        for (String required : config.getPlugins().getRequired()) {
            if (!seen.contains(required)) {
                env.healthChecks().register("plugin-" + required, new PluginHealthCheck(platform, required, true));
            }
        }
        PluginStateGauge.register(c.prometheus(), platform);
        // Logs lose personal data from here on, whatever the tenant: every policy's detectors.
        Runnable redaction = () -> LogRedaction.install(platform.privacyPolicies().values().stream()
                .flatMap(p -> p.detectors().stream()).toList(), InfrastructureHosts.of(config));
        redaction.run();
        // Plugins installed while the hub runs: their policies redact, their health shows, like the bundled ones.
        platform.onChange(() -> {
            redaction.run();
            for (PluginStatus s : platform.statuses()) {
                if (!env.healthChecks().getNames().contains("plugin-" + s.id())) {
                    env.healthChecks().register("plugin-" + s.id(), new PluginHealthCheck(platform, s.id(),
                            config.getPlugins().getRequired().contains(s.id())));
                }
            }
        });
        var packages = new PluginPackages(c.jdbi(), platform, c.changes(), c.clock(),
                config.getPlugins().getDrainTimeout().toJavaDuration(),
                config.getPlugins().getSyncInterval().toJavaDuration());
        env.lifecycle().manage(packages);
        return new Plugins(platform, new PluginEnablements(c.jdbi(), c.clock(),
                config.getPlugins().isEnabledByDefault(), config.getPlugins().getOptIn(), c.caches()), packages);
    }
}
