package io.channelhub.hub.auth;

import io.channelhub.hub.identity.Role;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.jdbi.v3.core.Jdbi;
import org.jdbi.v3.core.mapper.RowMapper;

/** Persistence of API keys. Every tenant query names the tenant. */
public class ApiKeyRepository {

    private static final String COLUMNS = "id, tenant_id, principal_id, name, role, key_prefix, key_hash, created_at, "
            + "created_by, last_used_at, expires_at, revoked_at, rotated_from";

    private static final RowMapper<ApiKey> MAPPER = (rs, ctx) -> new ApiKey(
            rs.getString("id"), rs.getString("tenant_id"), rs.getString("principal_id"), rs.getString("name"),
            Role.fromWire(rs.getString("role")), rs.getString("key_prefix"), rs.getString("key_hash"),
            ctx.findColumnMapperFor(Instant.class).orElseThrow().map(rs, "created_at", ctx),
            rs.getString("created_by"),
            ctx.findColumnMapperFor(Instant.class).orElseThrow().map(rs, "last_used_at", ctx),
            ctx.findColumnMapperFor(Instant.class).orElseThrow().map(rs, "expires_at", ctx),
            ctx.findColumnMapperFor(Instant.class).orElseThrow().map(rs, "revoked_at", ctx),
            rs.getString("rotated_from"));

    private final Jdbi jdbi;

    public ApiKeyRepository(Jdbi jdbi) {
        this.jdbi = jdbi;
    }

    public void insert(ApiKey k) {
        jdbi.useHandle(h -> h.createUpdate("INSERT INTO api_keys (" + COLUMNS + ") VALUES (:id, :tenantId, "
                        + ":principalId, :name, :role, :keyPrefix, :keyHash, :createdAt, :createdBy, :lastUsedAt, "
                        + ":expiresAt, :revokedAt, :rotatedFrom)")
                .bind("id", k.id()).bind("tenantId", k.tenantId()).bind("principalId", k.principalId())
                .bind("name", k.name()).bind("role", k.role().wire()).bind("keyPrefix", k.keyPrefix())
                .bind("keyHash", k.keyHash()).bind("createdAt", k.createdAt()).bind("createdBy", k.createdBy())
                .bind("lastUsedAt", k.lastUsedAt()).bind("expiresAt", k.expiresAt())
                .bind("revokedAt", k.revokedAt()).bind("rotatedFrom", k.rotatedFrom())
                .execute());
    }

    public Optional<ApiKey> findByPrefix(String prefix) {
        return jdbi.withHandle(h -> h.createQuery("SELECT " + COLUMNS + " FROM api_keys WHERE key_prefix = :p")
                .bind("p", prefix).map(MAPPER).findOne());
    }

    /** {@code tenantId} null means platform keys. */
    public Optional<ApiKey> find(String tenantId, String id) {
        return jdbi.withHandle(h -> h.createQuery("SELECT " + COLUMNS + " FROM api_keys WHERE id = :id AND "
                        + (tenantId == null ? "tenant_id IS NULL" : "tenant_id = :t"))
                .bind("id", id).bind("t", tenantId).map(MAPPER).findOne());
    }

    public List<ApiKey> list(String tenantId) {
        return jdbi.withHandle(h -> {
            var q = h.createQuery("SELECT " + COLUMNS + " FROM api_keys WHERE "
                    + (tenantId == null ? "tenant_id IS NULL" : "tenant_id = :t") + " ORDER BY created_at, id");
            // Jdbi refuses a binding to a statement that declares no parameter at all (the platform's list).
            return (tenantId == null ? q : q.bind("t", tenantId)).map(MAPPER).list();
        });
    }

    public int countPlatformKeys() {
        return jdbi.withHandle(h -> h.createQuery("SELECT COUNT(*) FROM api_keys WHERE tenant_id IS NULL")
                .mapTo(Integer.class).one());
    }

    public void touch(String id, Instant at) {
        jdbi.useHandle(h -> h.createUpdate("UPDATE api_keys SET last_used_at = :at WHERE id = :id")
                .bind("at", at).bind("id", id).execute());
    }

    public boolean revoke(String tenantId, String id, Instant at) {
        return jdbi.withHandle(h -> h.createUpdate("UPDATE api_keys SET revoked_at = :at WHERE id = :id AND "
                        + (tenantId == null ? "tenant_id IS NULL" : "tenant_id = :t") + " AND revoked_at IS NULL")
                .bind("at", at).bind("id", id).bind("t", tenantId).execute()) > 0;
    }

    public void setExpiry(String id, Instant expiresAt) {
        jdbi.useHandle(h -> h.createUpdate("UPDATE api_keys SET expires_at = :e WHERE id = :id")
                .bind("e", expiresAt).bind("id", id).execute());
    }

    public void deleteTenant(org.jdbi.v3.core.Handle h, String tenantId) {
        h.createUpdate("DELETE FROM api_keys WHERE tenant_id = :t").bind("t", tenantId).execute();
    }
}
