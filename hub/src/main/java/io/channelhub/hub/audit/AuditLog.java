package io.channelhub.hub.audit;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.channelhub.hub.identity.Caller;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.jdbi.v3.core.Jdbi;
import org.jdbi.v3.core.mapper.RowMapper;

/** Append-only record of admin mutations and access denials. */
public class AuditLog {

    private final Jdbi jdbi;
    private final ObjectMapper json;
    private final Clock clock;

    public AuditLog(Jdbi jdbi, ObjectMapper json, Clock clock) {
        this.jdbi = jdbi;
        this.json = json;
        this.clock = clock;
    }

    public void success(Caller actor, String tenantId, String action, String resourceType, String resourceId,
                        Map<String, Object> summary) {
        write(actor, tenantId, action, resourceType, resourceId, "success", summary);
    }

    public void denied(Caller actor, String tenantId, String action, String resourceType, String resourceId,
                       Map<String, Object> summary) {
        write(actor, tenantId, action, resourceType, resourceId, "denied", summary);
    }

    private void write(Caller actor, String tenantId, String action, String resourceType, String resourceId,
                       String outcome, Map<String, Object> summary) {
        String body;
        try {
            body = json.writeValueAsString(summary == null ? Map.of() : summary);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
        jdbi.useHandle(h -> h.createUpdate("INSERT INTO audit_log (tenant_id, actor_key_id, actor_role, action, "
                        + "resource_type, resource_id, outcome, summary, trace_id, created_at) VALUES (:t, :k, :r, "
                        + ":a, :rt, :rid, :o, :s, :tr, :at)")
                .bind("t", tenantId).bind("k", actor == null ? null : actor.keyId())
                .bind("r", actor == null ? null : actor.role().wire()).bind("a", action).bind("rt", resourceType)
                .bind("rid", resourceId).bind("o", outcome).bind("s", body).bind("tr", io.channelhub.hub.observability.Tracing.currentTraceId())
                .bind("at", clock.instant()).execute());
    }

    /**
     * Newest first, keyset-paginated by id. {@code tenantId} null lists every tenant (platform view only).
     */
    public List<AuditEntry> list(String tenantId, boolean allTenants, Long beforeId, int limit) {
        RowMapper<AuditEntry> mapper = (rs, ctx) -> new AuditEntry(rs.getLong("id"), rs.getString("tenant_id"),
                rs.getString("actor_key_id"), rs.getString("actor_role"), rs.getString("action"),
                rs.getString("resource_type"), rs.getString("resource_id"), rs.getString("outcome"),
                parse(rs.getString("summary")), rs.getString("trace_id"),
                ctx.findColumnMapperFor(Instant.class).orElseThrow().map(rs, "created_at", ctx));
        String where = allTenants ? "1 = 1" : tenantId == null ? "tenant_id IS NULL" : "tenant_id = :t";
        return jdbi.withHandle(h -> h.createQuery("SELECT * FROM audit_log WHERE " + where
                        + " AND (:before IS NULL OR id < :before) ORDER BY id DESC LIMIT :limit")
                .bind("t", tenantId).bind("before", beforeId).bind("limit", limit).map(mapper).list());
    }

    private Map<String, Object> parse(String s) {
        try {
            return s == null ? Map.of() : json.readValue(s, new TypeReference<Map<String, Object>>() { });
        } catch (JsonProcessingException e) {
            return Map.of();
        }
    }
}
