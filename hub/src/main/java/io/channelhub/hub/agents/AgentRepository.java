package io.channelhub.hub.agents;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.Jdbi;
import org.jdbi.v3.core.mapper.RowMapper;

/** Persistence of agents; every query is bound to a tenant. */
public class AgentRepository {

    private final Jdbi jdbi;
    private final ObjectMapper json;
    private final RowMapper<Agent> mapper;

    public AgentRepository(Jdbi jdbi, ObjectMapper json) {
        this.jdbi = jdbi;
        this.json = json;
        this.mapper = (rs, ctx) -> {
            var instants = ctx.findColumnMapperFor(Instant.class).orElseThrow();
            int pv = rs.getInt("prompt_version");
            Integer promptVersion = rs.wasNull() ? null : pv;
            return new Agent(rs.getString("id"), rs.getString("tenant_id"), rs.getString("slug"),
                    rs.getString("name"), read(rs.getString("spec")), rs.getString("prompt_id"), promptVersion,
                    rs.getBoolean("is_default"), rs.getString("owner_principal_id"), rs.getInt("version"),
                    instants.map(rs, "created_at", ctx), instants.map(rs, "updated_at", ctx));
        };
    }

    private AgentSpec read(String s) {
        try {
            return json.readValue(s, AgentSpec.class);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("corrupt agent spec", e);
        }
    }

    private String write(AgentSpec spec) {
        try {
            return json.writeValueAsString(spec);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    public void insert(Handle h, Agent a) {
        h.createUpdate("INSERT INTO agents (id, tenant_id, slug, name, spec, prompt_id, prompt_version, is_default, "
                        + "owner_principal_id, version, created_at, updated_at) VALUES (:id, :t, :slug, :name, :spec, "
                        + ":pid, :pv, :def, :owner, :v, :c, :u)")
                .bind("id", a.id()).bind("t", a.tenantId()).bind("slug", a.slug()).bind("name", a.name())
                .bind("spec", write(a.spec())).bind("pid", a.promptId()).bind("pv", a.promptVersion())
                .bind("def", a.isDefault()).bind("owner", a.ownerPrincipalId()).bind("v", a.version())
                .bind("c", a.createdAt()).bind("u", a.updatedAt()).execute();
    }

    public boolean update(Handle h, Agent a, int expectedVersion) {
        return h.createUpdate("UPDATE agents SET slug = :slug, name = :name, spec = :spec, prompt_id = :pid, "
                        + "prompt_version = :pv, is_default = :def, version = :v, updated_at = :u WHERE tenant_id = :t "
                        + "AND id = :id AND version = :expected")
                .bind("id", a.id()).bind("t", a.tenantId()).bind("slug", a.slug()).bind("name", a.name())
                .bind("spec", write(a.spec())).bind("pid", a.promptId()).bind("pv", a.promptVersion())
                .bind("def", a.isDefault()).bind("v", a.version()).bind("u", a.updatedAt())
                .bind("expected", expectedVersion).execute() > 0;
    }

    /** Makes {@code agentId} the tenant's only default. */
    public void clearDefaults(Handle h, String tenantId, String exceptId) {
        h.createUpdate("UPDATE agents SET is_default = FALSE WHERE tenant_id = :t AND id <> :id AND is_default")
                .bind("t", tenantId).bind("id", exceptId).execute();
    }

    public Optional<Agent> find(String tenantId, String id) {
        return jdbi.withHandle(h -> h.createQuery("SELECT * FROM agents WHERE tenant_id = :t AND id = :id")
                .bind("t", tenantId).bind("id", id).map(mapper).findOne());
    }

    public Optional<Agent> findBySlug(String tenantId, String slug) {
        return jdbi.withHandle(h -> h.createQuery("SELECT * FROM agents WHERE tenant_id = :t AND slug = :s")
                .bind("t", tenantId).bind("s", slug).map(mapper).findOne());
    }

    public Optional<Agent> findDefault(String tenantId) {
        return jdbi.withHandle(h -> h.createQuery("SELECT * FROM agents WHERE tenant_id = :t AND is_default "
                        + "ORDER BY updated_at DESC LIMIT 1").bind("t", tenantId).map(mapper).findOne());
    }

    public List<Agent> list(String tenantId) {
        return jdbi.withHandle(h -> h.createQuery("SELECT * FROM agents WHERE tenant_id = :t ORDER BY slug")
                .bind("t", tenantId).map(mapper).list());
    }

    public boolean delete(String tenantId, String id) {
        return jdbi.withHandle(h -> h.createUpdate("DELETE FROM agents WHERE tenant_id = :t AND id = :id")
                .bind("t", tenantId).bind("id", id).execute()) > 0;
    }

    public boolean usesPrompt(String tenantId, String promptId) {
        return jdbi.withHandle(h -> h.createQuery("SELECT COUNT(*) FROM agents WHERE tenant_id = :t AND "
                + "prompt_id = :p").bind("t", tenantId).bind("p", promptId).mapTo(Integer.class).one()) > 0;
    }
}
