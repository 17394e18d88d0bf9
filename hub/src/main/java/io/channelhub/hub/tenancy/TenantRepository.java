package io.channelhub.hub.tenancy;

import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.jdbi.v3.core.Jdbi;
import org.jdbi.v3.core.mapper.RowMapper;

/** Persistence of tenants. */
public class TenantRepository {

    private static final RowMapper<Tenant> MAPPER = (rs, ctx) -> {
        var instants = ctx.findColumnMapperFor(Instant.class).orElseThrow();
        return new Tenant(rs.getString("id"), rs.getString("slug"), rs.getString("name"),
                TenantStatus.fromWire(rs.getString("status")), instants.map(rs, "created_at", ctx),
                instants.map(rs, "updated_at", ctx));
    };

    private final Jdbi jdbi;

    private volatile java.util.function.Consumer<String> changes = id -> { };

    public TenantRepository(Jdbi jdbi) {
        this.jdbi = jdbi;
    }

    /** Told the id of each tenant that changed or was deleted, after the change is committed. */
    public void onChange(java.util.function.Consumer<String> listener) {
        this.changes = listener;
    }

    void changed(String id) {
        changes.accept(id);
    }

    public void insert(Tenant t) {
        jdbi.useHandle(h -> h.createUpdate("INSERT INTO tenants (id, slug, name, status, created_at, updated_at) "
                        + "VALUES (:id, :slug, :name, :status, :c, :u)")
                .bind("id", t.id()).bind("slug", t.slug()).bind("name", t.name()).bind("status", t.status().wire())
                .bind("c", t.createdAt()).bind("u", t.updatedAt()).execute());
    }

    public Optional<Tenant> find(String id) {
        return jdbi.withHandle(h -> h.createQuery("SELECT * FROM tenants WHERE id = :id").bind("id", id)
                .map(MAPPER).findOne());
    }

    public Optional<Tenant> findBySlug(String slug) {
        return jdbi.withHandle(h -> h.createQuery("SELECT * FROM tenants WHERE slug = :s").bind("s", slug)
                .map(MAPPER).findOne());
    }

    /** Keyset pagination by id: stable under concurrent inserts, unlike OFFSET. */
    public List<Tenant> list(String afterId, int limit) {
        return jdbi.withHandle(h -> h.createQuery("SELECT * FROM tenants WHERE (:after IS NULL OR id > :after) "
                        + "ORDER BY id LIMIT :limit")
                .bind("after", afterId).bind("limit", limit).map(MAPPER).list());
    }

    /** The same, of the tenants whose slug starts with or whose name contains {@code q}, case aside. */
    public List<Tenant> search(String q, String afterId, int limit) {
        // '!' escapes the pattern's wildcards: a backslash means something else in each database's string literals.
        String like = q.toLowerCase(java.util.Locale.ROOT).replace("!", "!!").replace("%", "!%").replace("_", "!_");
        return jdbi.withHandle(h -> h.createQuery("SELECT * FROM tenants WHERE (slug LIKE :prefix ESCAPE '!' OR "
                        + "LOWER(name) LIKE :part ESCAPE '!') AND (:after IS NULL OR id > :after) ORDER BY id "
                        + "LIMIT :limit")
                .bind("prefix", like + "%").bind("part", "%" + like + "%").bind("after", afterId)
                .bind("limit", limit).map(MAPPER).list());
    }

    public void update(Tenant t) {
        jdbi.useHandle(h -> h.createUpdate("UPDATE tenants SET slug = :slug, name = :name, status = :status, "
                        + "updated_at = :u WHERE id = :id")
                .bind("id", t.id()).bind("slug", t.slug()).bind("name", t.name()).bind("status", t.status().wire())
                .bind("u", t.updatedAt()).execute());
        changed(t.id());
    }
}
