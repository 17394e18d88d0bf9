package io.channelhub.hub.plugins;

import io.channelhub.hub.errors.Failure;
import io.channelhub.hub.persistence.ChangeBus;
import io.dropwizard.lifecycle.Managed;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.jdbi.v3.core.Jdbi;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Plugins installed, upgraded, disabled and removed while the hub runs, on every replica. The jar is kept in the
 * database (the one store every replica reads); a change is written there first, applied on the replica that took
 * the request, and announced on the change bus, so the other replicas apply it within moments; each replica also
 * compares its plugins with the table now and then, for an announcement it missed.
 * <p>
 * A jar is tried on a platform of its own before it is stored: one that would not start (unsigned where signatures
 * are required, incompatible, throwing) is refused and nothing changes. An upgrade takes the old version out only
 * after its running calls finish (up to the drain time) and, should the new version fail to start all the same, puts
 * the old one back: a failed upgrade leaves the previous version serving.
 */
public class PluginPackages implements Managed {

    private static final Logger LOG = LoggerFactory.getLogger(PluginPackages.class);
    /** The change bus kind of a package change; the id is the plugin id. */
    static final String KIND = "plugin-packages";

    /** A stored package, without its bytes. */
    public record Package(String pluginId, String version, String fileName, String sha256, long sizeBytes,
                          boolean enabled, Instant installedAt, Instant updatedAt) {
    }

    /** What an install did: the package stored, this replica's status of it, and whether it was new or unchanged. */
    public record Installed(Package pkg, PluginStatus status, boolean created, boolean unchanged) {
    }

    /** A jar this replica runs from its local copy. */
    private record Running(String sha256, String version, Path jar) {
    }

    private final Jdbi jdbi;
    private final PluginPlatform platform;
    private final ChangeBus changes;
    private final Clock clock;
    private final Duration drain;
    private final Duration syncInterval;
    private final Map<String, Running> running = new ConcurrentHashMap<>();
    /**
     * The package this replica could not start, by plugin, and when: not tried again for {@link #RETRY_FAILED} (each
     * try takes the working version out for a drain) unless the table names other bytes or the operator installs it
     * again through this replica.
     */
    private final Map<String, Map.Entry<String, Instant>> failed = new ConcurrentHashMap<>();
    static final Duration RETRY_FAILED = Duration.ofMinutes(10);
    private final Path cache;
    private ScheduledExecutorService sync;
    private ExecutorService applier;

    public PluginPackages(Jdbi jdbi, PluginPlatform platform, ChangeBus changes, Clock clock, Duration drain,
                          Duration syncInterval) {
        this.jdbi = jdbi;
        this.platform = platform;
        this.changes = changes;
        this.clock = clock;
        this.drain = drain;
        this.syncInterval = syncInterval;
        try {
            // Local copies only: the database holds the packages, so a replica starts from an empty cache.
            this.cache = Files.createTempDirectory("channelhub-installed-plugins");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public void start() {
        applier = Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, "plugin-packages");
            t.setDaemon(true);
            return t;
        });
        changes.on(KIND, id -> applier.submit(() -> apply(id)));
        changes.onMissed(() -> applier.submit(this::syncAll));
        syncAll();
        sync = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "plugin-packages-sync");
            t.setDaemon(true);
            return t;
        });
        long every = syncInterval.toMillis();
        sync.scheduleWithFixedDelay(() -> applier.submit(this::syncAll), every, every, TimeUnit.MILLISECONDS);
    }

    @Override
    public void stop() throws InterruptedException {
        if (sync != null) {
            sync.shutdownNow();
        }
        if (applier != null) {
            applier.shutdownNow();
            applier.awaitTermination(5, TimeUnit.SECONDS);
        }
        // The local copies: the database keeps the packages.
        try (var files = Files.list(cache)) {
            files.forEach(PluginPackages::deleteQuietly);
        } catch (IOException e) {
            LOG.debug("Could not list {}", cache, e);
        }
        deleteQuietly(cache);
    }

    // The operator's changes -----------------------------------------------------------------------------------------

    /**
     * Installs a jar, or upgrades the installed plugin of the same Plugin-Id (the same bytes again change nothing).
     * Refused, with nothing changed, when the jar would not start here, or its id is a bundled plugin's.
     */
    public synchronized Installed install(byte[] content, String fileName) {
        String sha = sha256(content);
        Path tried = cache.resolve("upload-" + sha.substring(0, 16) + ".jar");
        PluginStatus trial;
        try {
            Files.write(tried, content);
            trial = platform.trial(tried);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } finally {
            deleteQuietly(tried);
        }
        if (trial.state() != PluginState.STARTED) {
            throw Failure.invalid("plugin_refused", "the plugin would not start: " + trial.state().wire() + ", "
                    + trial.reason(), Map.of("state", trial.state().wire(), "reason", String.valueOf(trial.reason())));
        }
        String id = trial.id();
        if (!id.matches("[A-Za-z0-9._-]{1,100}") || trial.version() == null || trial.version().length() > 64) {
            // What the table keeps (and what routes and metrics name) has its limits: say so, do not fail storing.
            throw Failure.invalid("plugin_refused", "a Plugin-Id of 1 to 100 letters, digits, '.', '_' and '-' and "
                    + "a Plugin-Version of at most 64 characters are required", Map.of("plugin_id", id));
        }
        if (platform.isBundled(id)) {
            throw Failure.conflict("plugin_bundled", "plugin " + id + " comes with the node's plugins directory; "
                    + "replace it there");
        }
        Optional<Package> before = find(id);
        if (before.isPresent() && before.get().sha256().equals(sha)) {
            return new Installed(before.get(), apply(id), false, true);
        }
        // The operator asks again: a failure remembered here is tried anew.
        failed.remove(id);
        byte[] previous = before.isPresent() ? content(id).orElse(null) : null;
        Instant now = clock.instant();
        String name = safeName(fileName, id, trial.version());
        store(id, trial.version(), name, sha, content, before.map(Package::enabled).orElse(true), now,
                before.map(Package::installedAt).orElse(now));
        PluginStatus status = apply(id);
        boolean meantToRun = before.map(Package::enabled).orElse(true);
        boolean runsNewVersion = status != null && status.state() == PluginState.STARTED
                && trial.version().equals(status.version()) && status.reason() == null;
        if (meantToRun && !runsNewVersion) {
            // Tried alone it started, here it did not (a clash with another plugin): undo, keep what ran before.
            if (previous != null) {
                Package old = before.get();
                store(id, old.version(), old.fileName(), old.sha256(), previous, old.enabled(), old.updatedAt(),
                        old.installedAt());
            } else {
                delete(id);
            }
            apply(id);
            // Another replica may have read the row in the meantime: it follows the undo too.
            changes.publish(KIND, id);
            String reason = status == null ? "unknown" : String.valueOf(status.reason());
            throw Failure.invalid("plugin_refused", "the plugin did not start beside the others: " + reason,
                    Map.of("state", status == null ? "failed" : status.state().wire(), "reason", reason));
        }
        changes.publish(KIND, id);
        return new Installed(find(id).orElseThrow(), status, before.isEmpty(), false);
    }

    /** Stops the installed plugin on every replica, keeping its package; {@link #enable} starts it again. */
    public synchronized PluginStatus disable(String pluginId) {
        return setEnabled(pluginId, false);
    }

    public synchronized PluginStatus enable(String pluginId) {
        return setEnabled(pluginId, true);
    }

    private PluginStatus setEnabled(String pluginId, boolean enabled) {
        requireInstalled(pluginId);
        jdbi.useHandle(h -> h.createUpdate("UPDATE plugin_packages SET enabled = :e, updated_at = :at WHERE "
                + "plugin_id = :p").bind("e", enabled).bind("at", clock.instant()).bind("p", pluginId).execute());
        PluginStatus s = apply(pluginId);
        changes.publish(KIND, pluginId);
        return s;
    }

    /** Removes the installed plugin from every replica and deletes its package. Tenants' data stays. */
    public synchronized void uninstall(String pluginId) {
        requireInstalled(pluginId);
        delete(pluginId);
        apply(pluginId);
        changes.publish(KIND, pluginId);
    }

    private void requireInstalled(String pluginId) {
        if (find(pluginId).isEmpty()) {
            if (platform.isBundled(pluginId)) {
                throw Failure.conflict("plugin_bundled", "plugin " + pluginId + " comes with the node's plugins "
                        + "directory; change it there");
            }
            throw Failure.notFound("plugin");
        }
    }

    public List<Package> list() {
        return jdbi.withHandle(h -> h.createQuery("SELECT plugin_id, version, file_name, sha256, size_bytes, enabled, "
                + "installed_at, updated_at FROM plugin_packages ORDER BY plugin_id").map((rs, ctx) -> pkg(rs, ctx))
                .list());
    }

    public Optional<Package> find(String pluginId) {
        return jdbi.withHandle(h -> h.createQuery("SELECT plugin_id, version, file_name, sha256, size_bytes, enabled, "
                        + "installed_at, updated_at FROM plugin_packages WHERE plugin_id = :p").bind("p", pluginId)
                .map((rs, ctx) -> pkg(rs, ctx)).findOne());
    }

    private static Package pkg(java.sql.ResultSet rs, org.jdbi.v3.core.statement.StatementContext ctx)
            throws java.sql.SQLException {
        var instants = ctx.findColumnMapperFor(Instant.class).orElseThrow();
        return new Package(rs.getString("plugin_id"), rs.getString("version"), rs.getString("file_name"),
                rs.getString("sha256"), rs.getLong("size_bytes"), rs.getBoolean("enabled"),
                instants.map(rs, "installed_at", ctx), instants.map(rs, "updated_at", ctx));
    }

    private Optional<byte[]> content(String pluginId) {
        return jdbi.withHandle(h -> h.createQuery("SELECT content FROM plugin_packages WHERE plugin_id = :p")
                .bind("p", pluginId).mapTo(byte[].class).findOne());
    }

    private void store(String id, String version, String fileName, String sha, byte[] content, boolean enabled,
                       Instant updatedAt, Instant installedAt) {
        jdbi.useTransaction(h -> {
            int n = h.createUpdate("UPDATE plugin_packages SET version = :v, file_name = :f, sha256 = :s, size_bytes = "
                            + ":n, content = :c, enabled = :e, updated_at = :at WHERE plugin_id = :p")
                    .bind("v", version).bind("f", fileName).bind("s", sha).bind("n", content.length)
                    .bind("c", content).bind("e", enabled).bind("at", updatedAt).bind("p", id).execute();
            if (n == 0) {
                h.createUpdate("INSERT INTO plugin_packages (plugin_id, version, file_name, sha256, size_bytes, "
                                + "content, enabled, installed_at, updated_at) VALUES (:p, :v, :f, :s, :n, :c, :e, "
                                + ":inst, :at)")
                        .bind("v", version).bind("f", fileName).bind("s", sha).bind("n", content.length)
                        .bind("c", content).bind("e", enabled).bind("inst", installedAt).bind("at", updatedAt)
                        .bind("p", id).execute();
            }
        });
    }

    private void delete(String pluginId) {
        jdbi.useHandle(h -> h.createUpdate("DELETE FROM plugin_packages WHERE plugin_id = :p").bind("p", pluginId)
                .execute());
    }

    // Each replica follows the table -----------------------------------------------------------------------------

    /** Compares every installed plugin with the table and applies what differs. */
    void syncAll() {
        try {
            java.util.Set<String> ids = new java.util.TreeSet<>(running.keySet());
            for (Package p : list()) {
                ids.add(p.pluginId());
            }
            for (String id : ids) {
                apply(id);
            }
        } catch (RuntimeException e) {
            LOG.warn("Comparing installed plugins with the database failed; trying again later", e);
        }
    }

    /**
     * Makes this replica run what the table says for {@code pluginId}: nothing, the package stopped (disabled), or
     * its version started. Returns this replica's status of it.
     */
    synchronized PluginStatus apply(String pluginId) {
        if (platform.isBundled(pluginId)) {
            return platform.status(pluginId).orElse(null);
        }
        Optional<Package> want = find(pluginId);
        Running have = running.get(pluginId);
        try {
            if (want.isEmpty() || !want.get().enabled()) {
                if (have != null) {
                    platform.unload(pluginId, drain);
                    running.remove(pluginId);
                    deleteQuietly(have.jar());
                    LOG.info("Plugin {} {} {}", pluginId, have.version(), want.isEmpty() ? "uninstalled" : "disabled");
                }
                if (want.isEmpty()) {
                    failed.remove(pluginId);
                    // A package that was disabled or failed here leaves no status behind.
                    platform.forget(pluginId);
                    return null;
                }
                Package p = want.get();
                PluginStatus off = new PluginStatus(pluginId, p.version(), null, null, null, PluginState.DISABLED,
                        "disabled by the operator", p.fileName(), List.of(), null);
                platform.report(off);
                return off;
            }
            Package p = want.get();
            if (have != null && have.sha256().equals(p.sha256())) {
                return platform.status(pluginId).orElse(null);
            }
            Map.Entry<String, Instant> lastFailure = failed.get(pluginId);
            // Only while an older version serves here: with nothing running there is nothing to keep up, so try.
            if (have != null && lastFailure != null && p.sha256().equals(lastFailure.getKey())
                    && lastFailure.getValue().plus(RETRY_FAILED).isAfter(clock.instant())) {
                // Tried here and failed: the previous version (or nothing) stays until other bytes are installed.
                return platform.status(pluginId).orElse(null);
            }
            byte[] bytes = content(pluginId).orElse(null);
            if (bytes == null) {
                return platform.status(pluginId).orElse(null);
            }
            Path jar = cache.resolve(p.fileName().replace(".jar", "") + "-" + p.sha256().substring(0, 12) + ".jar");
            Files.write(jar, bytes);
            if (have != null) {
                platform.unload(pluginId, drain);
            }
            PluginStatus started = platform.load(jar);
            if (started.state() == PluginState.STARTED && started.id().equals(pluginId)) {
                failed.remove(pluginId);
                running.put(pluginId, new Running(p.sha256(), p.version(), jar));
                if (have != null) {
                    deleteQuietly(have.jar());
                    LOG.info("Plugin {} upgraded from {} to {}", pluginId, have.version(), p.version());
                }
                return started;
            }
            deleteQuietly(jar);
            failed.put(pluginId, Map.entry(p.sha256(), clock.instant()));
            if (started.state() == PluginState.STARTED) {
                // A jar stored under one id that says another: never serve it under either.
                platform.unload(started.id(), drain);
            }
            if (have == null) {
                running.remove(pluginId);
                PluginStatus failed = new PluginStatus(pluginId, p.version(), started.description(),
                        started.provider(), started.requires(), started.state(), started.reason(), p.fileName(),
                        List.of(), started.signedBy());
                platform.report(failed);
                return failed;
            }
            // The previous version comes back: a failed upgrade leaves it serving.
            PluginStatus back = platform.load(have.jar());
            PluginStatus shown = back.with(back.state(), "upgrade to " + p.version() + " failed: "
                    + started.reason(), back.extensions());
            platform.report(shown);
            LOG.warn("Plugin {} upgrade to {} failed ({}); {} runs on", pluginId, p.version(), started.reason(),
                    have.version());
            return shown;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return platform.status(pluginId).orElse(null);
        }
    }

    private static String safeName(String fileName, String id, String version) {
        String n = fileName == null ? "" : Path.of(fileName).getFileName().toString();
        return n.matches("[A-Za-z0-9._-]{1,200}\\.jar") ? n : id + "-" + version + ".jar";
    }

    static String sha256(byte[] content) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(content));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static void deleteQuietly(Path p) {
        try {
            Files.deleteIfExists(p);
        } catch (IOException e) {
            LOG.debug("Could not delete {}", p, e);
        }
    }
}
