package ${package};

import org.pf4j.Plugin;

/**
 * The ${channelName} plugin. It keeps no state of its own: pf4j finds {@link ${channelName}Channel} through its
 * {@code @Extension} annotation, and the hub passes a tenant-bound context with every call. Hubs that install it while
 * they run may call {@link #start()} twice (once on trial), so keep it free of side effects.
 */
public class ${channelName}Plugin extends Plugin {
}
