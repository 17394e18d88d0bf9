package io.channelhub.hub.agents;

import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.Jdbi;
import org.jdbi.v3.core.mapper.RowMapper;

/** Persistence of prompts and their immutable versions. */
public class PromptRepository {

    private static final RowMapper<Prompt> PROMPT = (rs, ctx) -> {
        var instants = ctx.findColumnMapperFor(Instant.class).orElseThrow();
        return new Prompt(rs.getString("id"), rs.getString("tenant_id"), rs.getString("slug"), rs.getString("name"),
                rs.getString("description"), rs.getInt("latest_version"), rs.getString("owner_principal_id"),
                instants.map(rs, "created_at", ctx), instants.map(rs, "updated_at", ctx));
    };
    private static final RowMapper<Prompt.Version> VERSION = (rs, ctx) -> new Prompt.Version(
            rs.getString("prompt_id"), rs.getInt("version"), rs.getString("content"), rs.getString("note"),
            rs.getString("created_by"), ctx.findColumnMapperFor(Instant.class).orElseThrow().map(rs, "created_at", ctx));

    private final Jdbi jdbi;

    public PromptRepository(Jdbi jdbi) {
        this.jdbi = jdbi;
    }

    public Jdbi jdbi() {
        return jdbi;
    }

    public void insert(Handle h, Prompt p) {
        h.createUpdate("INSERT INTO prompts (id, tenant_id, slug, name, description, latest_version, "
                        + "owner_principal_id, created_at, updated_at) VALUES (:id, :t, :slug, :name, :d, :lv, :o, :c, :u)")
                .bind("id", p.id()).bind("t", p.tenantId()).bind("slug", p.slug()).bind("name", p.name())
                .bind("d", p.description()).bind("lv", p.latestVersion()).bind("o", p.ownerPrincipalId())
                .bind("c", p.createdAt()).bind("u", p.updatedAt()).execute();
    }

    public void insertVersion(Handle h, String tenantId, Prompt.Version v) {
        h.createUpdate("INSERT INTO prompt_versions (tenant_id, prompt_id, version, content, note, created_by, "
                        + "created_at) VALUES (:t, :p, :v, :content, :note, :by, :at)")
                .bind("t", tenantId).bind("p", v.promptId()).bind("v", v.version()).bind("content", v.content())
                .bind("note", v.note()).bind("by", v.createdBy()).bind("at", v.createdAt()).execute();
    }

    /**
     * Moves {@code latest_version} forward only from the value the caller read; a concurrent writer makes it
     * return false instead of both writing the same version number.
     */
    public boolean advance(Handle h, String tenantId, String promptId, int from, Instant at) {
        return h.createUpdate("UPDATE prompts SET latest_version = :to, updated_at = :at WHERE tenant_id = :t AND "
                        + "id = :id AND latest_version = :from")
                .bind("to", from + 1).bind("at", at).bind("t", tenantId).bind("id", promptId).bind("from", from)
                .execute() > 0;
    }

    public void rename(String tenantId, String id, String name, String description, Instant at) {
        jdbi.useHandle(h -> h.createUpdate("UPDATE prompts SET name = :n, description = :d, updated_at = :at "
                        + "WHERE tenant_id = :t AND id = :id")
                .bind("n", name).bind("d", description).bind("at", at).bind("t", tenantId).bind("id", id).execute());
    }

    public Optional<Prompt> find(String tenantId, String id) {
        return jdbi.withHandle(h -> h.createQuery("SELECT * FROM prompts WHERE tenant_id = :t AND id = :id")
                .bind("t", tenantId).bind("id", id).map(PROMPT).findOne());
    }

    public List<Prompt> list(String tenantId) {
        return jdbi.withHandle(h -> h.createQuery("SELECT * FROM prompts WHERE tenant_id = :t ORDER BY slug")
                .bind("t", tenantId).map(PROMPT).list());
    }

    public Optional<Prompt.Version> version(String tenantId, String promptId, int version) {
        return jdbi.withHandle(h -> h.createQuery("SELECT * FROM prompt_versions WHERE tenant_id = :t AND "
                        + "prompt_id = :p AND version = :v")
                .bind("t", tenantId).bind("p", promptId).bind("v", version).map(VERSION).findOne());
    }

    public List<Prompt.Version> versions(String tenantId, String promptId) {
        return jdbi.withHandle(h -> h.createQuery("SELECT * FROM prompt_versions WHERE tenant_id = :t AND "
                        + "prompt_id = :p ORDER BY version DESC").bind("t", tenantId).bind("p", promptId)
                .map(VERSION).list());
    }

    public void delete(String tenantId, String id) {
        jdbi.useTransaction(h -> {
            h.createUpdate("DELETE FROM prompt_versions WHERE tenant_id = :t AND prompt_id = :id")
                    .bind("t", tenantId).bind("id", id).execute();
            h.createUpdate("DELETE FROM prompts WHERE tenant_id = :t AND id = :id")
                    .bind("t", tenantId).bind("id", id).execute();
        });
    }
}
