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

    /**
     * A refused attempt. A key (or, without one, a tenant) refused over and over (a probe walking ids or routes)
     * gets at most {@value #DENIALS_PER_MINUTE} rows a minute: the rest are counted, and the next row written says
     * how many were left out ({@code suppressed} in its summary), so the probe is on record without flooding it.
     */
    public void denied(Caller actor, String tenantId, String action, String resourceType, String resourceId,
                       Map<String, Object> summary) {
        long suppressed = denials.admit(actor == null ? "tenant:" + tenantId : "key:" + actor.keyId(),
                clock.instant().toEpochMilli());
        if (suppressed < 0) {
            onSuppressed.run();
            return;
        }
        Map<String, Object> s = summary == null ? Map.of() : summary;
        if (suppressed > 0) {
            s = new java.util.LinkedHashMap<>(s);
            s.put("suppressed", suppressed);
        }
        write(actor, tenantId, action, resourceType, resourceId, "denied", s);
    }

    /** Told of each denial left out of the log (a metric). */
    public void onSuppressed(Runnable hook) {
        this.onSuppressed = hook;
    }

    static final int DENIALS_PER_MINUTE = 20;
    private volatile Runnable onSuppressed = () -> { };
    private final DenialWindows denials = new DenialWindows();

    /** Per-source minute windows of denials; bounded: an attacker's many sources cannot grow it past its limit. */
    static final class DenialWindows {
        private static final int MAX_SOURCES = 10_000;
        private final java.util.concurrent.ConcurrentHashMap<String, long[]> windows =
                new java.util.concurrent.ConcurrentHashMap<>();

        /** -1 to leave this one out; otherwise how many were left out before it (0 usually). */
        long admit(String source, long nowMillis) {
            if (windows.size() > MAX_SOURCES) {
                windows.clear();
            }
            long[] result = new long[1];
            windows.compute(source, (k, w) -> {
                // w: {window start, denials in it, left out since the last row}
                if (w == null || nowMillis - w[0] >= 60_000) {
                    long leftOut = w == null ? 0 : w[2];
                    result[0] = leftOut;
                    return new long[] {nowMillis, 1, 0};
                }
                if (w[1] < DENIALS_PER_MINUTE) {
                    w[1]++;
                    result[0] = w[2];
                    w[2] = 0;
                    return w;
                }
                w[2]++;
                result[0] = -1;
                return w;
            });
            return result[0];
        }
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
