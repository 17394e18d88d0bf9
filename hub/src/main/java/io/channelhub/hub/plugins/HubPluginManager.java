package io.channelhub.hub.plugins;

import io.channelhub.plugin.PluginApi;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.pf4j.DefaultPluginManager;
import org.pf4j.PluginRuntimeException;
import org.pf4j.PluginWrapper;
import org.pf4j.RuntimeMode;

/**
 * pf4j's manager, made to remember why a jar was refused: pf4j only logs it, and the admin API must show it.
 * {@code Plugin-Requires} is mandatory here (pf4j treats a missing one as "any version"), because a plugin built
 * against an unknown contract must not be started.
 */
class HubPluginManager extends DefaultPluginManager {

    final Map<Path, String> loadFailures = new ConcurrentHashMap<>();
    final Map<Path, String> untrusted = new ConcurrentHashMap<>();
    final Map<Path, String> signers = new ConcurrentHashMap<>();
    final Map<Path, PluginCapabilities> capabilities = new ConcurrentHashMap<>();
    final Map<String, String> incompatible = new ConcurrentHashMap<>();
    private final PluginSignatures signatures;

    HubPluginManager(Path root, PluginSignatures signatures) {
        super(root);
        this.signatures = signatures;
        setSystemVersion(PluginApi.VERSION);
    }

    @Override
    public RuntimeMode getRuntimeMode() {
        // Never development mode (which would load classes from target/ directories), whatever pf4j.mode says.
        return RuntimeMode.DEPLOYMENT;
    }

    @Override
    protected PluginWrapper loadPluginFromPath(Path pluginPath) {
        // Before pf4j opens it: a jar the allowlist refuses never has a class loaded or its manifest believed.
        try {
            String signer = signatures.check(pluginPath);
            if (signer != null) {
                signers.put(pluginPath, signer);
            }
        } catch (PluginSignatures.Untrusted e) {
            untrusted.put(pluginPath, e.getMessage());
            throw new PluginRuntimeException("untrusted plugin jar {}: {}", pluginPath.getFileName(), e.getMessage());
        }
        if (java.nio.file.Files.isRegularFile(pluginPath)) {
            try {
                capabilities.put(pluginPath, PluginCapabilities.of(pluginPath));
            } catch (java.io.IOException unreadable) {
                // pf4j cannot read it either and says why.
            } catch (PluginCapabilities.Malformed e) {
                loadFailures.put(pluginPath, e.getMessage());
                throw new PluginRuntimeException("plugin jar {}: {}", pluginPath.getFileName(), e.getMessage());
            }
        }
        try {
            return super.loadPluginFromPath(pluginPath);
        } catch (RuntimeException | LinkageError e) {
            loadFailures.put(pluginPath, PluginPlatform.describe(e));
            // pf4j skips a jar only on PluginRuntimeException; anything else would abort loading every other jar.
            throw e instanceof PluginRuntimeException p ? p : new PluginRuntimeException(e);
        }
    }

    @Override
    protected boolean isPluginValid(PluginWrapper plugin) {
        String id = plugin.getPluginId();
        String requires = plugin.getDescriptor().getRequires();
        if (requires == null || requires.isBlank() || "*".equals(requires.trim())) {
            incompatible.put(id, "manifest has no Plugin-Requires; declare the plugin-api range it was built "
                    + "for, e.g. >=1.0.0 & <2.0.0 (this hub provides " + PluginApi.VERSION + ")");
            return false;
        }
        boolean ok;
        try {
            ok = super.isPluginValid(plugin);
        } catch (RuntimeException e) {
            incompatible.put(id, "Plugin-Requires '" + requires + "' is not a SemVer range");
            return false;
        }
        if (!ok) {
            incompatible.put(id, "requires plugin-api " + requires + " but this hub provides " + PluginApi.VERSION);
        }
        return ok;
    }
}
