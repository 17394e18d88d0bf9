package io.channelhub.hub.acl;

import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.jdbi.v3.core.Jdbi;
import org.jdbi.v3.core.mapper.RowMapper;

/** Persistence of resource grants. */
public class GrantRepository {

    private static final RowMapper<Grant> MAPPER = (rs, ctx) -> new Grant(rs.getString("id"),
            rs.getString("tenant_id"), ResourceType.fromWire(rs.getString("resource_type")),
            rs.getString("resource_id"), rs.getString("principal_id"),
            ResourcePermission.fromWire(rs.getString("permission")), rs.getString("granted_by"),
            ctx.findColumnMapperFor(Instant.class).orElseThrow().map(rs, "created_at", ctx));

    private final Jdbi jdbi;

    public GrantRepository(Jdbi jdbi) {
        this.jdbi = jdbi;
    }

    public void insert(Grant g) {
        jdbi.useHandle(h -> h.createUpdate("INSERT INTO resource_grants (id, tenant_id, resource_type, resource_id, "
                        + "principal_id, permission, granted_by, created_at) VALUES (:id, :t, :rt, :rid, :p, :perm, "
                        + ":by, :at)")
                .bind("id", g.id()).bind("t", g.tenantId()).bind("rt", g.resourceType().wire())
                .bind("rid", g.resourceId()).bind("p", g.principalId()).bind("perm", g.permission().wire())
                .bind("by", g.grantedBy()).bind("at", g.createdAt()).execute());
    }

    public List<Grant> forPrincipal(String tenantId, ResourceType type, String resourceId, String principalId) {
        return jdbi.withHandle(h -> h.createQuery("SELECT * FROM resource_grants WHERE tenant_id = :t AND "
                        + "resource_type = :rt AND resource_id = :rid AND principal_id = :p")
                .bind("t", tenantId).bind("rt", type.wire()).bind("rid", resourceId).bind("p", principalId)
                .map(MAPPER).list());
    }

    public List<Grant> list(String tenantId, ResourceType type, String resourceId) {
        return jdbi.withHandle(h -> h.createQuery("SELECT * FROM resource_grants WHERE tenant_id = :t AND "
                        + "(:rt IS NULL OR resource_type = :rt) AND (:rid IS NULL OR resource_id = :rid) "
                        + "ORDER BY created_at, id")
                .bind("t", tenantId).bind("rt", type == null ? null : type.wire()).bind("rid", resourceId)
                .map(MAPPER).list());
    }

    public Optional<Grant> find(String tenantId, String id) {
        return jdbi.withHandle(h -> h.createQuery("SELECT * FROM resource_grants WHERE tenant_id = :t AND id = :id")
                .bind("t", tenantId).bind("id", id).map(MAPPER).findOne());
    }

    public boolean exists(String tenantId, ResourceType type, String resourceId, String principalId,
                          ResourcePermission permission) {
        return jdbi.withHandle(h -> h.createQuery("SELECT COUNT(*) FROM resource_grants WHERE tenant_id = :t AND "
                        + "resource_type = :rt AND resource_id = :rid AND principal_id = :p AND permission = :perm")
                .bind("t", tenantId).bind("rt", type.wire()).bind("rid", resourceId).bind("p", principalId)
                .bind("perm", permission.wire()).mapTo(Integer.class).one()) > 0;
    }

    public void delete(String tenantId, String id) {
        jdbi.useHandle(h -> h.createUpdate("DELETE FROM resource_grants WHERE tenant_id = :t AND id = :id")
                .bind("t", tenantId).bind("id", id).execute());
    }

    public void deleteForResource(String tenantId, ResourceType type, String resourceId) {
        jdbi.useHandle(h -> h.createUpdate("DELETE FROM resource_grants WHERE tenant_id = :t AND resource_type = :rt "
                        + "AND resource_id = :rid")
                .bind("t", tenantId).bind("rt", type.wire()).bind("rid", resourceId).execute());
    }
}
