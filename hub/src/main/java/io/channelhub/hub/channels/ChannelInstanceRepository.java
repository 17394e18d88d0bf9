package io.channelhub.hub.channels;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.jdbi.v3.core.Jdbi;
import org.jdbi.v3.core.mapper.RowMapper;

/** Persistence of channel instances; every query but the routing lookup is bound to a tenant. */
public class ChannelInstanceRepository {

    private final Jdbi jdbi;
    private final ObjectMapper json;
    private final RowMapper<ChannelInstance> mapper;

    public ChannelInstanceRepository(Jdbi jdbi, ObjectMapper json, io.channelhub.hub.persistence.TenantCaches caches) {
        java.util.function.BiFunction<String, Optional<ChannelInstance>, String> tenant =
                (k, v) -> v.map(ChannelInstance::tenantId).orElse(null);
        this.byRoute = caches.create("instances", tenant);
        this.byRouting = caches.create("instances", tenant);
        this.jdbi = jdbi;
        this.json = json;
        this.mapper = (rs, ctx) -> {
            var instants = ctx.findColumnMapperFor(Instant.class).orElseThrow();
            return new ChannelInstance(rs.getString("id"), rs.getString("tenant_id"), rs.getString("plugin_id"),
                    rs.getString("name"), rs.getString("routing_value"), read(rs.getString("settings")),
                    rs.getBoolean("enabled"), rs.getString("owner_principal_id"), rs.getInt("version"),
                    instants.map(rs, "created_at", ctx), instants.map(rs, "updated_at", ctx));
        };
    }

    private Map<String, Object> read(String s) {
        try {
            return json.readValue(s, new TypeReference<Map<String, Object>>() { });
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("corrupt settings column", e);
        }
    }

    private String write(Map<String, Object> m) {
        try {
            return json.writeValueAsString(m);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * Every channel request and every channel send finds its instance by id or routing key: cached, evicted on each
     * change of the tenant's instances here and on every replica.
     */
    private final io.channelhub.hub.persistence.TenantCache<String, Optional<ChannelInstance>> byRoute;
    private final io.channelhub.hub.persistence.TenantCache<String, Optional<ChannelInstance>> byRouting;

    private void changed(String tenantId) {
        byRoute.changed(tenantId);
        byRouting.changed(tenantId);
    }

    public void insert(ChannelInstance ci) {
        jdbi.useHandle(h -> h.createUpdate("INSERT INTO channel_instances (id, tenant_id, plugin_id, name, "
                        + "routing_value, settings, enabled, owner_principal_id, version, created_at, updated_at) VALUES "
                        + "(:id, :t, :p, :n, :r, :s, :e, :o, :v, :c, :u)")
                .bind("id", ci.id()).bind("t", ci.tenantId()).bind("p", ci.pluginId()).bind("n", ci.name())
                .bind("r", ci.routingValue()).bind("s", write(ci.settings())).bind("e", ci.enabled())
                .bind("o", ci.ownerPrincipalId()).bind("v", ci.version()).bind("c", ci.createdAt())
                .bind("u", ci.updatedAt()).execute());
        changed(ci.tenantId());
    }

    /** Optimistic: fails (returns false) when someone else updated the instance since {@code expectedVersion}. */
    public boolean update(ChannelInstance ci, int expectedVersion) {
        boolean updated = jdbi.withHandle(h -> h.createUpdate("UPDATE channel_instances SET name = :n, routing_value = :r, "
                        + "settings = :s, enabled = :e, version = :v, updated_at = :u WHERE tenant_id = :t AND id = :id "
                        + "AND version = :expected")
                .bind("id", ci.id()).bind("t", ci.tenantId()).bind("n", ci.name()).bind("r", ci.routingValue())
                .bind("s", write(ci.settings())).bind("e", ci.enabled()).bind("v", ci.version())
                .bind("u", ci.updatedAt()).bind("expected", expectedVersion).execute()) > 0;
        changed(ci.tenantId());
        return updated;
    }

    public Optional<ChannelInstance> find(String tenantId, String id) {
        return jdbi.withHandle(h -> h.createQuery("SELECT * FROM channel_instances WHERE tenant_id = :t AND id = :id")
                .bind("t", tenantId).bind("id", id).map(mapper).findOne());
    }

    public List<ChannelInstance> list(String tenantId, String pluginId) {
        return jdbi.withHandle(h -> h.createQuery("SELECT * FROM channel_instances WHERE tenant_id = :t AND "
                        + "(:p IS NULL OR plugin_id = :p) ORDER BY created_at, id")
                .bind("t", tenantId).bind("p", pluginId).map(mapper).list());
    }

    /** The instance a shared plugin webhook routes to; the only lookup not bound to a tenant. */
    public Optional<ChannelInstance> findByRouting(String pluginId, String routingValue) {
        return byRouting.get(pluginId + "|" + routingValue, k -> loadByRouting(pluginId, routingValue));
    }

    private Optional<ChannelInstance> loadByRouting(String pluginId, String routingValue) {
        return jdbi.withHandle(h -> h.createQuery("SELECT * FROM channel_instances WHERE plugin_id = :p AND "
                        + "routing_value = :r").bind("p", pluginId).bind("r", routingValue).map(mapper).findOne());
    }

    /**
     * The instance an instance route names ({@code /hooks/instances/{id}}): the id is the credential that routes a
     * public request to its tenant, so this is the other lookup not bound to a tenant.
     */
    public Optional<ChannelInstance> findForRoute(String id) {
        return byRoute.get(id, this::loadForRoute);
    }

    private Optional<ChannelInstance> loadForRoute(String id) {
        return jdbi.withHandle(h -> h.createQuery("SELECT * FROM channel_instances WHERE id = :id").bind("id", id)
                .map(mapper).findOne());
    }

    /** Every instance of a plugin, across tenants: for a handshake that must compare a setting of each. */
    public List<ChannelInstance> listForPlugin(String pluginId) {
        return jdbi.withHandle(h -> h.createQuery("SELECT * FROM channel_instances WHERE plugin_id = :p ORDER BY id")
                .bind("p", pluginId).map(mapper).list());
    }

    public boolean routingTaken(String pluginId, String routingValue, String exceptId) {
        return jdbi.withHandle(h -> h.createQuery("SELECT COUNT(*) FROM channel_instances WHERE plugin_id = :p AND "
                        + "routing_value = :r AND id <> :id")
                .bind("p", pluginId).bind("r", routingValue).bind("id", exceptId == null ? "" : exceptId)
                .mapTo(Integer.class).one()) > 0;
    }

    public boolean delete(String tenantId, String id) {
        boolean deleted = jdbi.withHandle(h -> h.createUpdate("DELETE FROM channel_instances WHERE tenant_id = :t AND "
                + "id = :id").bind("t", tenantId).bind("id", id).execute()) > 0;
        changed(tenantId);
        return deleted;
    }
}
