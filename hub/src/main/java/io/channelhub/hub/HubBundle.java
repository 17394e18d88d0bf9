package io.channelhub.hub;

import io.dropwizard.core.ConfiguredBundle;
import io.dropwizard.core.setup.Environment;

/**
 * One concern of the hub, built when the server starts: its parts, their lifecycles, health checks and routes.
 * Bundles run in the order {@link HubApplication#initialize} adds them, which is the order of their dependencies: a
 * bundle is handed the bundles it needs when it is created and reads what they built with {@link #get()}.
 */
abstract class HubBundle<T> implements ConfiguredBundle<HubConfiguration> {

    private T built;

    @Override
    public final void run(HubConfiguration config, Environment env) throws Exception {
        built = build(config, env);
    }

    /** Builds this concern's parts and registers what the server runs of them. */
    protected abstract T build(HubConfiguration config, Environment env) throws Exception;

    /** What this bundle built. */
    final T get() {
        if (built == null) {
            throw new IllegalStateException(getClass().getSimpleName() + " has not run: add it before its users");
        }
        return built;
    }
}
