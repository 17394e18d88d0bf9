package io.channelhub.hub.plugins;

import io.channelhub.plugin.billing.BillingGateway;
import io.channelhub.plugin.billing.GatewayDescriptor;
import io.channelhub.plugin.channel.ChannelConnector;
import io.channelhub.plugin.channel.ChannelDescriptor;
import io.channelhub.plugin.knowledge.IndexDescriptor;
import io.channelhub.plugin.knowledge.KnowledgeIndex;
import io.channelhub.plugin.model.ModelProvider;
import io.channelhub.plugin.model.ToolHandler;
import io.channelhub.plugin.privacy.PrivacyPolicy;
import io.channelhub.plugin.turn.TurnObserver;
import io.dropwizard.lifecycle.Managed;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;
import org.pf4j.PluginDescriptor;
import org.pf4j.PluginWrapper;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Loads every jar of the plugins directory through pf4j and keeps, for each, a state and a reason. A jar that is
 * broken, incompatible or throws is isolated: it is reported FAILED or INCOMPATIBLE and the hub serves on with
 * the others. Every call into plugin code made through {@link #call} is guarded the same way.
 */
public class PluginPlatform implements Managed {

    private static final Logger LOG = LoggerFactory.getLogger(PluginPlatform.class);

    private final Path directory;
    private final Map<String, PluginStatus> statuses = new ConcurrentHashMap<>();
    private final Map<String, LoadedConnector> connectors = new ConcurrentHashMap<>();
    private final Map<String, LoadedGateway> gateways = new ConcurrentHashMap<>();
    private final Map<String, PrivacyPolicy> policies = new ConcurrentHashMap<>();
    private final Map<String, ModelProvider> models = new ConcurrentHashMap<>();
    private final Map<String, ToolHandler> tools = new ConcurrentHashMap<>();
    private final Map<String, LoadedIndex> indexes = new ConcurrentHashMap<>();
    private final Map<String, LoadedObserver> observers = new ConcurrentHashMap<>();
    /** What each started plugin put into the maps above, so an unload takes exactly that out. */
    private final Map<String, Contributed> contributed = new ConcurrentHashMap<>();
    /** What each started plugin's manifest declares it uses. */
    private final Map<String, PluginCapabilities> capabilities = new ConcurrentHashMap<>();
    /** Plugins loaded from the plugins directory at start; the others were installed through the admin API. */
    private final Set<String> bundled = ConcurrentHashMap.newKeySet();
    private final List<Runnable> changeListeners = new java.util.concurrent.CopyOnWriteArrayList<>();

    private record Contributed(Set<String> connectors, Set<String> gateways, Set<String> policies,
                               Set<String> models, Set<String> tools, Set<String> indexes, Set<String> observers) {
    }
    private HubPluginManager manager;
    private final PluginGuard guard;
    private final java.time.Duration callTimeout;
    private final java.time.Duration modelCallTimeout;
    /** The longest a turn observer runs: under the outbox's two-minute lease on its delivery. */
    static final java.time.Duration OBSERVER_CAP = java.time.Duration.ofSeconds(100);
    private final PluginSignatures signatures;
    private final PluginsConfig config;

    /** A started channel connector and the descriptor it gave at start. */
    public record LoadedConnector(String pluginId, ChannelConnector connector, ChannelDescriptor descriptor) {
    }

    /** A started billing gateway and the descriptor it gave at start. */
    public record LoadedGateway(String pluginId, BillingGateway gateway, GatewayDescriptor descriptor) {
    }

    /** A started knowledge index and the descriptor it gave at start. */
    public record LoadedIndex(String pluginId, KnowledgeIndex index, IndexDescriptor descriptor) {
    }

    /** A started turn observer and the plugin that contributed it. */
    public record LoadedObserver(String pluginId, TurnObserver observer) {
    }

    /** A platform without tracing or metrics (tools and tests), with the default timeouts. */
    public PluginPlatform(Path directory) {
        this(directory, new PluginGuard(io.opentelemetry.api.OpenTelemetry.noop().getTracer("channelhub"),
                new io.prometheus.metrics.model.registry.PrometheusRegistry()), new PluginsConfig());
    }

    /** Every extension it hands out is behind {@code guard}, with the call timeouts of {@code config}. */
    public PluginPlatform(Path directory, PluginGuard guard, PluginsConfig config) {
        this.directory = directory;
        this.guard = guard;
        this.callTimeout = config.getCallTimeout().toJavaDuration();
        this.modelCallTimeout = config.getModelCallTimeout().toJavaDuration();
        this.signatures = new PluginSignatures(config.getTrustedSigners());
        this.config = config;
    }

    /** Loads and starts the plugins; called before the server accepts requests. */
    @Override
    public synchronized void start() {
        if (manager != null) {
            return;
        }
        if (!Files.isDirectory(directory)) {
            LOG.warn("Plugins directory {} does not exist; starting without plugins", directory);
        }
        manager = new HubPluginManager(directory, signatures);
        if (signatures.enforced()) {
            LOG.info("Plugin jars must be signed by a certificate plugins.trustedSigners lists");
        }
        try {
            manager.loadPlugins();
        } catch (RuntimeException e) {
            // Dependency resolution failures (cycles, missing plugin dependencies) abort pf4j's whole load.
            LOG.error("Plugin resolution failed", e);
        }
        manager.untrusted.forEach((path, reason) -> {
            String file = path.getFileName().toString();
            statuses.put(file, new PluginStatus(file, null, null, null, null, PluginState.UNTRUSTED,
                    "not trusted: " + reason, file, List.of(), null));
        });
        manager.loadFailures.forEach((path, reason) -> {
            String file = path.getFileName().toString();
            statuses.put(file, new PluginStatus(file, null, null, null, null, PluginState.FAILED,
                    "cannot load: " + reason, file, List.of(), manager.signers.get(path)));
        });
        manager.startPlugins();
        for (PluginWrapper w : manager.getPlugins()) {
            statuses.put(w.getPluginId(), inspect(w));
        }
        bundled.addAll(statuses.keySet());
        statuses.values().stream().sorted(Comparator.comparing(PluginStatus::id)).forEach(s ->
                LOG.info("Plugin {} {}: {}{}", s.id(), s.version() == null ? "" : s.version(), s.state().wire(),
                        s.reason() == null ? "" : " (" + s.reason() + ")"));
    }

    private PluginStatus inspect(PluginWrapper w) {
        PluginDescriptor d = w.getDescriptor();
        String file = w.getPluginPath() == null ? null : w.getPluginPath().getFileName().toString();
        PluginStatus base = new PluginStatus(d.getPluginId(), d.getVersion(), d.getPluginDescription(),
                d.getProvider(), d.getRequires(), PluginState.FAILED, null, file, List.of(),
                w.getPluginPath() == null ? null : manager.signers.get(w.getPluginPath()));
        String id = d.getPluginId();
        switch (w.getPluginState()) {
            case STARTED:
                break;
            case DISABLED:
                String why = manager.incompatible.get(id);
                return why != null ? base.with(PluginState.INCOMPATIBLE, why, List.of())
                        : base.with(PluginState.DISABLED, "disabled by the operator", List.of());
            case FAILED:
                if (d.getPluginClass() == null || d.getPluginClass().isBlank()) {
                    return base.with(PluginState.FAILED, "manifest has no Plugin-Class", List.of());
                }
                if (w.getPlugin() == null) {
                    return base.with(PluginState.FAILED, "Plugin-Class " + d.getPluginClass()
                            + " cannot be loaded or has no public no-argument constructor", List.of());
                }
                return base.with(PluginState.FAILED, "failed to start: " + describe(w.getFailedException()),
                        List.of());
            default:
                return base.with(PluginState.FAILED, "not started (state " + w.getPluginState() + ")", List.of());
        }
        PluginCapabilities declared = w.getPluginPath() == null ? PluginCapabilities.UNDECLARED
                : manager.capabilities.getOrDefault(w.getPluginPath(), PluginCapabilities.UNDECLARED);
        if (config.isRequireDeclaredCapabilities() && !declared.declared()) {
            stopQuietly(id);
            return base.with(PluginState.FAILED, "declares nothing of what it uses (no " + PluginCapabilities.ENTRY
                    + " in its manifest), which plugins.requireDeclaredCapabilities asks for", List.of());
        }
        List<PluginStatus.ExtensionInfo> extensions = new ArrayList<>();
        Map<String, LoadedConnector> myConnectors = new HashMap<>();
        Map<String, LoadedGateway> myGateways = new HashMap<>();
        Map<String, PrivacyPolicy> myPolicies = new HashMap<>();
        Map<String, ModelProvider> myModels = new HashMap<>();
        Map<String, ToolHandler> myTools = new HashMap<>();
        Map<String, LoadedIndex> myIndexes = new HashMap<>();
        Map<String, LoadedObserver> myObservers = new HashMap<>();
        try {
            for (ChannelConnector c : manager.getExtensions(ChannelConnector.class, id)) {
                ChannelDescriptor cd = c.descriptor();
                if (cd == null) {
                    throw new IllegalStateException(c.getClass().getName() + ".descriptor() returned null");
                }
                myConnectors.put(id, new LoadedConnector(id, guard.guard(ChannelConnector.class, c, id, callTimeout),
                        cd));
                extensions.add(new PluginStatus.ExtensionInfo("channel", cd.type()));
            }
            for (BillingGateway g : manager.getExtensions(BillingGateway.class, id)) {
                GatewayDescriptor gd = g.descriptor();
                if (gd == null) {
                    throw new IllegalStateException(g.getClass().getName() + ".descriptor() returned null");
                }
                myGateways.put(id, new LoadedGateway(id, guard.guard(BillingGateway.class, g, id, callTimeout), gd));
                extensions.add(new PluginStatus.ExtensionInfo("billing_gateway", gd.id()));
            }
            for (PrivacyPolicy p : manager.getExtensions(PrivacyPolicy.class, id)) {
                String jurisdiction = p.jurisdiction();
                if (jurisdiction == null || jurisdiction.isBlank() || policies.containsKey(jurisdiction)
                        || myPolicies.containsKey(jurisdiction)) {
                    // One policy per jurisdiction: a second would replace the first's redaction, and take it away
                    // with it when removed.
                    throw new IllegalStateException("privacy policy jurisdiction '" + jurisdiction
                            + "' is missing or taken");
                }
                myPolicies.put(jurisdiction, guard.guard(PrivacyPolicy.class, p, id, callTimeout));
                extensions.add(new PluginStatus.ExtensionInfo("privacy_policy", p.jurisdiction()));
            }
            for (ModelProvider m : manager.getExtensions(ModelProvider.class, id)) {
                String mid = m.id();
                if (mid == null || mid.isBlank() || models.containsKey(mid) || "openai".equals(mid)
                        || "demo".equals(mid)) {
                    throw new IllegalStateException("model provider id '" + mid + "' is missing or taken");
                }
                m.settingsSchema();
                myModels.put(mid, guard.guard(ModelProvider.class, m, id, modelCallTimeout));
                extensions.add(new PluginStatus.ExtensionInfo("model_provider", mid));
            }
            for (ToolHandler t : manager.getExtensions(ToolHandler.class, id)) {
                String name = t.toolName();
                if (name == null || name.isBlank() || tools.containsKey(name)) {
                    throw new IllegalStateException("tool handler name '" + name + "' is missing or taken");
                }
                if (!declared.allowsTool(name)) {
                    throw new IllegalStateException("tool handler '" + name + "' is not declared (tools in "
                            + PluginCapabilities.ENTRY + " of the manifest)");
                }
                myTools.put(name, guard.guard(ToolHandler.class, t, id, callTimeout));
                extensions.add(new PluginStatus.ExtensionInfo("tool_handler", name));
            }
            for (KnowledgeIndex k : manager.getExtensions(KnowledgeIndex.class, id)) {
                IndexDescriptor kd = k.descriptor();
                if (kd == null || kd.id() == null || kd.id().isBlank() || indexes.containsKey(kd.id())
                        || myIndexes.containsKey(kd.id())) {
                    throw new IllegalStateException("knowledge index id '" + (kd == null ? null : kd.id())
                            + "' is missing or taken");
                }
                // No timeout: interrupting an index mid-write can close its files under it. Traced and measured.
                myIndexes.put(kd.id(), new LoadedIndex(id, guard.guard(KnowledgeIndex.class, k, id,
                        java.time.Duration.ZERO), kd));
                extensions.add(new PluginStatus.ExtensionInfo("knowledge_index", kd.id()));
            }
            for (TurnObserver o : manager.getExtensions(TurnObserver.class, id)) {
                String oid = o.id();
                if (oid == null || !oid.matches("[a-z0-9][a-z0-9_-]{0,63}") || observers.containsKey(oid)
                        || myObservers.containsKey(oid)) {
                    throw new IllegalStateException("turn observer id '" + oid + "' is missing, invalid or taken");
                }
                // The model call timeout, since an observer may ask a model about the turn; but never as long as the
                // outbox's lease on the turn's row (two minutes), or another replica would observe it again meanwhile
                // (and the model be asked, and paid, twice).
                myObservers.put(oid, new LoadedObserver(id, guard.guard(TurnObserver.class, o, id,
                        modelCallTimeout.compareTo(OBSERVER_CAP) < 0 ? modelCallTimeout : OBSERVER_CAP)));
                extensions.add(new PluginStatus.ExtensionInfo("turn_observer", oid));
            }
            long channels = extensions.stream().filter(e -> e.kind().equals("channel")).count();
            long gatewayCount = extensions.stream().filter(e -> e.kind().equals("billing_gateway")).count();
            if (channels > 1 || gatewayCount > 1) {
                throw new IllegalStateException("a plugin may contribute at most one channel and one gateway");
            }
        } catch (RuntimeException | LinkageError e) {
            LOG.error("Plugin {} has a broken extension; marking it FAILED", id, e);
            stopQuietly(id);
            return base.with(PluginState.FAILED, "extension failed: " + describe(e), List.of());
        }
        connectors.putAll(myConnectors);
        gateways.putAll(myGateways);
        policies.putAll(myPolicies);
        models.putAll(myModels);
        tools.putAll(myTools);
        indexes.putAll(myIndexes);
        observers.putAll(myObservers);
        capabilities.put(id, declared);
        contributed.put(id, new Contributed(Set.copyOf(myConnectors.keySet()), Set.copyOf(myGateways.keySet()),
                Set.copyOf(myPolicies.keySet()), Set.copyOf(myModels.keySet()), Set.copyOf(myTools.keySet()),
                Set.copyOf(myIndexes.keySet()), Set.copyOf(myObservers.keySet())));
        return base.with(PluginState.STARTED, null, List.copyOf(extensions));
    }

    private void stopQuietly(String id) {
        try {
            manager.stopPlugin(id);
        } catch (RuntimeException e) {
            LOG.warn("Plugin {} also failed to stop", id, e);
        }
    }

    @Override
    public synchronized void stop() {
        if (manager != null) {
            // pf4j 3.15's stopPlugins() removes from the list it iterates (ConcurrentModificationException with
            // two or more started plugins), so stop them one by one, in reverse start order.
            List<PluginWrapper> started = new ArrayList<>(manager.getStartedPlugins());
            java.util.Collections.reverse(started);
            for (PluginWrapper w : started) {
                stopQuietly(w.getPluginId());
            }
            // Class loaders closed too: a trial platform is stopped after every install attempt.
            for (PluginWrapper w : new ArrayList<>(manager.getPlugins())) {
                try {
                    manager.unloadPlugin(w.getPluginId());
                } catch (RuntimeException e) {
                    LOG.debug("Plugin {} did not unload", w.getPluginId(), e);
                }
            }
            statuses.replaceAll((id, s) -> s.state() == PluginState.STARTED
                    ? s.with(PluginState.STOPPED, "hub stopped", s.extensions()) : s);
            connectors.clear();
            gateways.clear();
            policies.clear();
            models.clear();
            tools.clear();
            indexes.clear();
            observers.clear();
            contributed.clear();
            capabilities.clear();
            manager = null;
        }
    }

    /** Runs {@code listener} after each plugin installed, upgraded or removed while the hub runs. */
    public void onChange(Runnable listener) {
        changeListeners.add(listener);
    }

    private void changed() {
        for (Runnable r : changeListeners) {
            try {
                r.run();
            } catch (RuntimeException e) {
                LOG.warn("A plugin change listener failed", e);
            }
        }
    }

    /**
     * What a started plugin declares it uses. A plugin that is not running (being unloaded, or unknown) may use
     * nothing: a call that reaches it late is refused rather than let through unrestricted.
     */
    public PluginCapabilities capabilities(String pluginId) {
        return capabilities.getOrDefault(pluginId, PluginCapabilities.NOTHING);
    }

    /** Forgets the status of a plugin that is neither running nor installed any more (not a bundled one). */
    public void forget(String pluginId) {
        if (!bundled.contains(pluginId) && !contributed.containsKey(pluginId)) {
            statuses.remove(pluginId);
        }
    }

    /** Whether {@code pluginId} came from the plugins directory (replaced there, not through the admin API). */
    public boolean isBundled(String pluginId) {
        return bundled.contains(pluginId);
    }

    /**
     * Loads and starts one jar while the hub runs (an installed plugin). On success its extensions are in use when
     * this returns; otherwise nothing of it stays loaded and the status (FAILED, INCOMPATIBLE, UNTRUSTED) says why.
     * The jar's Plugin-Id must not be loaded already: an upgrade {@link #unload}s the old version first.
     */
    public synchronized PluginStatus load(Path jar) {
        if (manager == null) {
            throw new IllegalStateException("the plugin platform is not started");
        }
        String file = jar.getFileName().toString();
        String id;
        try {
            id = manager.loadPlugin(jar);
        } catch (RuntimeException | LinkageError e) {
            String untrusted = manager.untrusted.remove(jar);
            manager.loadFailures.remove(jar);
            return untrusted != null
                    ? new PluginStatus(file, null, null, null, null, PluginState.UNTRUSTED, "not trusted: " + untrusted,
                    file, List.of(), null)
                    : new PluginStatus(file, null, null, null, null, PluginState.FAILED, "cannot load: "
                    + describe(e), file, List.of(), manager.signers.get(jar));
        }
        PluginWrapper w = manager.getPlugin(id);
        if (w.getPluginState() != org.pf4j.PluginState.DISABLED) {
            try {
                manager.startPlugin(id);
            } catch (RuntimeException | LinkageError e) {
                LOG.error("Plugin {} failed to start", id, e);
            }
        }
        PluginStatus status = inspect(w);
        if (status.state() != PluginState.STARTED) {
            unloadQuietly(id);
            manager.incompatible.remove(id);
            return status;
        }
        statuses.put(id, status);
        LOG.info("Plugin {} {} installed: started", id, status.version());
        changed();
        return status;
    }

    /**
     * Takes a running plugin out: its extensions are handed out no more, the calls into it already running may
     * finish (up to {@code drain}), then it is stopped and its class loader closed. Its status is forgotten.
     * Returns false when calls were still running after {@code drain} (they are left to fail).
     */
    public boolean unload(String pluginId, java.time.Duration drain) throws InterruptedException {
        Contributed c;
        synchronized (this) {
            if (manager == null || manager.getPlugin(pluginId) == null) {
                statuses.remove(pluginId);
                return true;
            }
            c = contributed.remove(pluginId);
            capabilities.remove(pluginId);
            if (c != null) {
                c.connectors().forEach(connectors::remove);
                c.gateways().forEach(gateways::remove);
                c.policies().forEach(policies::remove);
                c.models().forEach(models::remove);
                c.tools().forEach(tools::remove);
                c.indexes().forEach(indexes::remove);
                c.observers().forEach(observers::remove);
            }
        }
        // Outside the lock: other plugins' calls and changes go on while this one drains.
        boolean idle = guard.awaitIdle(pluginId, drain);
        if (!idle) {
            LOG.warn("Plugin {} still had calls running after {}; unloading it anyway", pluginId, drain);
        }
        synchronized (this) {
            unloadQuietly(pluginId);
            statuses.remove(pluginId);
            bundled.remove(pluginId);
        }
        changed();
        return idle;
    }

    /**
     * Tries a jar on a platform of its own, with this one's signature rules and timeouts, and stops it again: what
     * its status would be (id, version, state, reason, extensions) without touching anything this hub serves. Its
     * {@code Plugin.start()} runs once here, before the real start.
     */
    public PluginStatus trial(Path jar) throws java.io.IOException {
        Path dir = Files.createTempDirectory("channelhub-plugin-trial");
        try {
            Files.copy(jar, dir.resolve(jar.getFileName()));
            PluginPlatform trial = new PluginPlatform(dir, new PluginGuard(
                    io.opentelemetry.api.OpenTelemetry.noop().getTracer("channelhub"),
                    new io.prometheus.metrics.model.registry.PrometheusRegistry()), config);
            trial.start();
            try {
                List<PluginStatus> found = trial.statuses();
                return found.isEmpty() ? new PluginStatus(jar.getFileName().toString(), null, null, null, null,
                        PluginState.FAILED, "not a plugin jar", jar.getFileName().toString(), List.of(), null)
                        : found.get(0);
            } finally {
                trial.stop();
            }
        } finally {
            try (var files = Files.list(dir)) {
                for (Path f : files.toList()) {
                    Files.deleteIfExists(f);
                }
            }
            Files.deleteIfExists(dir);
        }
    }

    /** Records a status for a plugin that is not running (an installed one the operator disabled). */
    public void report(PluginStatus status) {
        statuses.put(status.id(), status);
    }

    private void unloadQuietly(String id) {
        try {
            manager.stopPlugin(id);
        } catch (RuntimeException e) {
            LOG.warn("Plugin {} failed to stop", id, e);
        }
        try {
            manager.unloadPlugin(id);
        } catch (RuntimeException e) {
            LOG.warn("Plugin {} failed to unload", id, e);
        }
    }

    public List<PluginStatus> statuses() {
        return statuses.values().stream().sorted(Comparator.comparing(PluginStatus::id)).toList();
    }

    public Optional<PluginStatus> status(String id) {
        return Optional.ofNullable(statuses.get(id));
    }

    public Optional<LoadedConnector> connector(String pluginId) {
        return Optional.ofNullable(connectors.get(pluginId));
    }

    public Optional<LoadedGateway> gateway(String pluginId) {
        return Optional.ofNullable(gateways.get(pluginId));
    }

    /** Model providers contributed by plugins, by provider id. */
    public Map<String, ModelProvider> modelProviders() {
        return Map.copyOf(models);
    }

    /** Tool handlers contributed by plugins, by tool name. */
    public Map<String, ToolHandler> toolHandlers() {
        return Map.copyOf(tools);
    }

    /** Knowledge indexes contributed by plugins, by index id. */
    public Map<String, LoadedIndex> knowledgeIndexes() {
        return Map.copyOf(indexes);
    }

    /** Turn observers contributed by plugins, by observer id. */
    public Map<String, LoadedObserver> turnObservers() {
        // A read-only view, not a copy: every turn asks, and almost always finds none.
        return java.util.Collections.unmodifiableMap(observers);
    }

    /** The plugin that contributed a tool handler or model provider. */
    public String pluginOf(Object extension) {
        Class<?> type = PluginGuard.unwrap(extension).getClass();
        return manager == null ? "unknown" : String.valueOf(manager.whichPlugin(type) == null
                ? "unknown" : manager.whichPlugin(type).getPluginId());
    }

    public Map<String, PrivacyPolicy> privacyPolicies() {
        return Map.copyOf(policies);
    }

    /**
     * Runs plugin code; an exception or linkage error becomes a {@link PluginCallException} naming the plugin,
     * so one plugin's bug is a clear error for its own requests and nothing else.
     */
    public <T> T call(String pluginId, String operation, Supplier<T> body) {
        // The whole operation counts as running, so an unload waits for it, not only for each call inside it.
        try (AutoCloseable running = guard.enter(pluginId)) {
            return body.get();
        } catch (io.channelhub.plugin.QuotaExceededException e) {
            // The hub's own refusal, which the plugin let through: not a plugin failure.
            throw PluginUsage.refusal(e);
        } catch (PluginCallException e) {
            // Already named (the guard's timeout).
            throw e;
        } catch (RuntimeException | LinkageError e) {
            LOG.error("Plugin {} failed in {}", pluginId, operation, e);
            throw new PluginCallException(pluginId, operation, e);
        } catch (Exception closing) {
            // The count's handle does not throw.
            throw new IllegalStateException(closing);
        }
    }

    static String describe(Throwable e) {
        if (e == null) {
            return "unknown error";
        }
        Throwable root = e;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        String msg = root.getMessage();
        // Strip absolute paths: reasons are shown through the API.
        String text = root.getClass().getSimpleName() + (msg == null ? "" : ": " + msg);
        return text.replaceAll("[^\\s:'\"]*[/\\\\]", "");
    }
}
