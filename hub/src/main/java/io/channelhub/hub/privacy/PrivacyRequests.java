package io.channelhub.hub.privacy;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.channelhub.hub.audit.AuditLog;
import io.channelhub.hub.identity.Caller;
import io.channelhub.hub.errors.Failure;
import io.channelhub.hub.persistence.Ids;
import io.channelhub.plugin.privacy.PrivacyPolicy;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.jdbi.v3.core.Jdbi;

/**
 * Data-subject requests: an export or an erasure, tracked with the deadline of the tenant's jurisdiction (LGPD 15
 * days, GDPR 30), carried out at once, and audited. An erased subject's identifier does not stay in the request
 * either: it is replaced by the pseudonym, and earlier export archives of the subject are deleted.
 */
public class PrivacyRequests {

    private final Jdbi jdbi;
    private final ObjectMapper json;
    private final PrivacySettings settings;
    private final DataSubjects subjects;
    private final AuditLog audit;
    private final Clock clock;

    /** A request as the API shows it. */
    @com.fasterxml.jackson.databind.annotation.JsonNaming(
            com.fasterxml.jackson.databind.PropertyNamingStrategies.SnakeCaseStrategy.class)
    public record Request(String id, String type, String subject, String jurisdiction, String status,
                          Instant deadlineAt, Map<String, Object> report, boolean hasArchive, Instant createdAt,
                          Instant completedAt) {
    }

    public PrivacyRequests(Jdbi jdbi, ObjectMapper json, PrivacySettings settings, DataSubjects subjects,
                           AuditLog audit, Clock clock) {
        this.jdbi = jdbi;
        this.json = json;
        this.settings = settings;
        this.subjects = subjects;
        this.audit = audit;
        this.clock = clock;
    }

    public Request create(Caller caller, String tenantId, String type, String subject) {
        if (!List.of("export", "erasure").contains(type)) {
            throw Failure.invalid("invalid_field", "type is export or erasure", Map.of("field", "type"));
        }
        if (subject == null || subject.isBlank() || subject.length() > 191) {
            throw Failure.invalid("invalid_field", "subject is the end user's channel id or end_user_id, "
                    + "1 to 191 characters", Map.of("field", "subject"));
        }
        String jurisdiction = settings.get(tenantId).jurisdiction();
        int days = settings.policy(tenantId).map(PrivacyPolicy::requestDeadlineDays).orElse(15);
        Instant now = clock.instant();
        String id = Ids.newId("dsr");
        jdbi.useHandle(h -> h.createUpdate("INSERT INTO privacy_requests (id, tenant_id, request_type, subject, "
                        + "jurisdiction, status, deadline_at, requested_by, created_at) VALUES (:id, :t, :ty, :s, :j, "
                        + "'received', :d, :by, :now)")
                .bind("id", id).bind("t", tenantId).bind("ty", type).bind("s", subject).bind("j", jurisdiction)
                .bind("d", now.plus(Duration.ofDays(days))).bind("by", caller == null ? null : caller.principalId())
                .bind("now", now).execute());
        Map<String, Object> meta = new LinkedHashMap<>();
        meta.put("id", id);
        meta.put("type", type);
        meta.put("jurisdiction", jurisdiction);
        meta.put("received_at", now.toString());
        if ("export".equals(type)) {
            Map<String, List<Map<String, Object>>> found = subjects.collect(tenantId, subject);
            Map<String, Object> report = new LinkedHashMap<>();
            found.forEach((k, v) -> report.put(k, v.size()));
            byte[] zip = subjects.archive(tenantId, subject, meta);
            complete(tenantId, id, null, report, zip);
            audit.success(caller, tenantId, "privacy.export", "privacy_request", id, Map.of("sections", report));
        } else {
            Map<String, Object> report = subjects.erase(tenantId, subject);
            String alias = (String) report.get("pseudonym");
            jdbi.useHandle(h -> h.createUpdate("UPDATE privacy_requests SET subject = :a, archive = NULL WHERE "
                    + "tenant_id = :t AND subject = :s").bind("a", alias).bind("t", tenantId).bind("s", subject)
                    .execute());
            complete(tenantId, id, alias, report, null);
            audit.success(caller, tenantId, "privacy.erasure", "privacy_request", id, Map.of("subject", alias,
                    "deleted", report.get("deleted")));
        }
        return find(tenantId, id).orElseThrow();
    }

    private void complete(String tenantId, String id, String subject, Map<String, Object> report, byte[] archive) {
        jdbi.useHandle(h -> h.createUpdate("UPDATE privacy_requests SET status = 'completed', report = :r, archive = :a, "
                        + "subject = COALESCE(:s, subject), completed_at = :now WHERE tenant_id = :t AND id = :id")
                .bind("r", write(report)).bind("a", archive).bind("s", subject).bind("now", clock.instant())
                .bind("t", tenantId).bind("id", id).execute());
    }

    public Optional<Request> find(String tenantId, String id) {
        return jdbi.withHandle(h -> h.createQuery("SELECT id, request_type, subject, jurisdiction, status, deadline_at, "
                        + "report, archive IS NOT NULL AS has_archive, created_at, completed_at FROM privacy_requests WHERE "
                        + "tenant_id = :t AND id = :id").bind("t", tenantId).bind("id", id).map(this::row).findOne());
    }

    public List<Request> list(String tenantId) {
        return jdbi.withHandle(h -> h.createQuery("SELECT id, request_type, subject, jurisdiction, status, deadline_at, "
                        + "report, archive IS NOT NULL AS has_archive, created_at, completed_at FROM privacy_requests WHERE "
                        + "tenant_id = :t ORDER BY created_at DESC LIMIT 200").bind("t", tenantId).map(this::row).list());
    }

    public Optional<byte[]> archive(String tenantId, String id) {
        return jdbi.withHandle(h -> h.createQuery("SELECT archive FROM privacy_requests WHERE tenant_id = :t AND id = :id "
                + "AND archive IS NOT NULL").bind("t", tenantId).bind("id", id).mapTo(byte[].class).findOne());
    }

    private Request row(java.sql.ResultSet rs, org.jdbi.v3.core.statement.StatementContext ctx)
            throws java.sql.SQLException {
        var i = ctx.findColumnMapperFor(Instant.class).orElseThrow();
        String report = rs.getString("report");
        return new Request(rs.getString("id"), rs.getString("request_type"), rs.getString("subject"),
                rs.getString("jurisdiction"), rs.getString("status"), i.map(rs, "deadline_at", ctx),
                report == null ? null : read(report), rs.getBoolean("has_archive"), i.map(rs, "created_at", ctx),
                i.map(rs, "completed_at", ctx));
    }

    private Map<String, Object> read(String s) {
        try {
            return json.readValue(s, new TypeReference<Map<String, Object>>() { });
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    private String write(Object o) {
        try {
            return json.writeValueAsString(o);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }
}
