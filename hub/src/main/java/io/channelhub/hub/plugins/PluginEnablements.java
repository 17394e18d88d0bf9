package io.channelhub.hub.plugins;

import java.time.Clock;
import java.util.Map;
import java.util.stream.Collectors;
import org.jdbi.v3.core.Jdbi;

/** Which plugins each tenant has switched on or off; read per request so a change applies at once. */
public class PluginEnablements {

    private final Jdbi jdbi;
    private final Clock clock;
    private final boolean enabledByDefault;
    /** Plugins a tenant switches on itself: off until it does, whatever the default. */
    private final java.util.Set<String> optIn;

    public PluginEnablements(Jdbi jdbi, Clock clock, boolean enabledByDefault, io.channelhub.hub.persistence.TenantCaches caches) {
        this(jdbi, clock, enabledByDefault, java.util.Set.of(), caches);
    }

    public PluginEnablements(Jdbi jdbi, Clock clock, boolean enabledByDefault, java.util.Collection<String> optIn,
                             io.channelhub.hub.persistence.TenantCaches caches) {
        this.optIn = java.util.Set.copyOf(optIn);
        this.cache = caches.create("plugins", (java.util.function.Function<String, String>) k -> k.substring(0, k.indexOf('|')));
        this.jdbi = jdbi;
        this.clock = clock;
        this.enabledByDefault = enabledByDefault;
    }

    /** Every channel request checks the switch: cached per tenant and plugin, evicted on change on every replica. */
    private final io.channelhub.hub.persistence.TenantCache<String, Boolean> cache;

    public boolean isEnabled(String tenantId, String pluginId) {
        return cache.get(tenantId + "|" + pluginId, k -> load(tenantId, pluginId));
    }

    private boolean load(String tenantId, String pluginId) {
        return jdbi.withHandle(h -> h.createQuery("SELECT enabled FROM plugin_enablements WHERE tenant_id = :t AND "
                        + "plugin_id = :p").bind("t", tenantId).bind("p", pluginId).mapTo(Boolean.class).findOne())
                .orElse(enabledByDefault(pluginId));
    }

    /** Explicit choices of the tenant; plugins not in the map follow the default. */
    public Map<String, Boolean> explicit(String tenantId) {
        return jdbi.withHandle(h -> h.createQuery("SELECT plugin_id, enabled FROM plugin_enablements WHERE "
                        + "tenant_id = :t").bind("t", tenantId)
                .map((rs, ctx) -> Map.entry(rs.getString(1), rs.getBoolean(2))).list())
                .stream().collect(Collectors.toMap(Map.Entry::getKey, Map.Entry::getValue));
    }

    public boolean enabledByDefault() {
        return enabledByDefault;
    }

    /** Whether {@code pluginId} is on for a tenant that never switched it. */
    public boolean enabledByDefault(String pluginId) {
        return enabledByDefault && !optIn.contains(pluginId);
    }

    public void set(String tenantId, String pluginId, boolean enabled) {
        jdbi.useTransaction(h -> {
            int n = h.createUpdate("UPDATE plugin_enablements SET enabled = :e, updated_at = :at WHERE tenant_id = :t "
                            + "AND plugin_id = :p")
                    .bind("e", enabled).bind("at", clock.instant()).bind("t", tenantId).bind("p", pluginId).execute();
            if (n == 0) {
                h.createUpdate("INSERT INTO plugin_enablements (tenant_id, plugin_id, enabled, updated_at) VALUES "
                                + "(:t, :p, :e, :at)")
                        .bind("e", enabled).bind("at", clock.instant()).bind("t", tenantId).bind("p", pluginId)
                        .execute();
            }
        });
        cache.changed(tenantId);
    }
}
