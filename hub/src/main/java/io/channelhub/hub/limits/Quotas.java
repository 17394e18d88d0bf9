package io.channelhub.hub.limits;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.channelhub.hub.audit.AuditLog;
import io.channelhub.hub.errors.ApiException;
import io.channelhub.hub.persistence.Ids;
import io.channelhub.hub.webhooks.Webhooks;
import java.time.Clock;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.jdbi.v3.core.Jdbi;

/**
 * Quotas per tenant per usage type and period. A hard quota refuses work once its usage reached the limit; a soft
 * one lets it through. Both notify at their thresholds (a {@code quota.threshold} webhook event and an audit
 * entry), once per period and threshold. Usage comes from the ledger, the source of truth for billing.
 */
public class Quotas {

    public static final List<String> PERIODS = List.of("hourly", "daily", "monthly", "total");

    private final Jdbi jdbi;
    private final ObjectMapper json;
    private final Webhooks webhooks;
    private final AuditLog audit;
    private final Clock clock;
    private volatile io.channelhub.hub.observability.HubMetrics metrics;

    public void attach(io.channelhub.hub.observability.HubMetrics m) {
        this.metrics = m;
    }

    /** A quota and its use in the current period. */
    public record Quota(String id, String tenantId, String usageType, String period, long limit, String mode,
                        List<Integer> thresholds, Instant createdAt) {
    }

    /** Where a quota stands now. */
    public record Status(Quota quota, Instant periodStart, Instant resetsAt, long used) {
    }

    public Quotas(Jdbi jdbi, ObjectMapper json, Webhooks webhooks, AuditLog audit, Clock clock) {
        this.jdbi = jdbi;
        this.json = json;
        this.webhooks = webhooks;
        this.audit = audit;
        this.clock = clock;
    }

    public Quota create(String tenantId, String usageType, String period, long limit, String mode,
                        List<Integer> thresholds) {
        Map<String, Object> errors = new LinkedHashMap<>();
        if (usageType == null || !usageType.matches("[a-z][a-z0-9_.]{0,63}")) {
            errors.put("usage_type", "a usage type such as messages.in or model.completion_tokens");
        }
        if (period == null || !PERIODS.contains(period)) {
            errors.put("period", "one of " + PERIODS);
        }
        if (limit < 0) {
            errors.put("limit", "must not be negative");
        }
        if (!"hard".equals(mode) && !"soft".equals(mode)) {
            errors.put("mode", "hard or soft");
        }
        List<Integer> th = thresholds == null ? List.of(80, 100) : thresholds;
        if (th.stream().anyMatch(p -> p == null || p < 1 || p > 1000)) {
            errors.put("thresholds", "percentages between 1 and 1000");
        }
        if (!errors.isEmpty()) {
            throw ApiException.unprocessable("invalid_quota", "the quota is invalid", Map.of("errors", errors));
        }
        Quota q = new Quota(Ids.newId("quo"), tenantId, usageType, period, limit, mode,
                th.stream().distinct().sorted().toList(), clock.instant());
        try {
            jdbi.useHandle(h -> h.createUpdate("INSERT INTO quotas (id, tenant_id, usage_type, period, quota_limit, mode, "
                            + "thresholds, created_at) VALUES (:id, :t, :u, :p, :l, :m, :th, :c)")
                    .bind("id", q.id()).bind("t", tenantId).bind("u", usageType).bind("p", period).bind("l", limit)
                    .bind("m", mode).bind("th", write(q.thresholds())).bind("c", q.createdAt()).execute());
        } catch (RuntimeException e) {
            if (io.channelhub.hub.persistence.Constraints.isUniqueViolation(e)) {
                throw ApiException.conflict("quota_exists", "this tenant has a quota for this type and period");
            }
            throw e;
        }
        return q;
    }

    public List<Quota> list(String tenantId) {
        return jdbi.withHandle(h -> h.createQuery("SELECT * FROM quotas WHERE tenant_id = :t ORDER BY usage_type, "
                        + "period").bind("t", tenantId)
                .map((rs, ctx) -> new Quota(rs.getString("id"), rs.getString("tenant_id"), rs.getString("usage_type"),
                        rs.getString("period"), rs.getLong("quota_limit"), rs.getString("mode"),
                        read(rs.getString("thresholds")), ctx.findColumnMapperFor(Instant.class).orElseThrow()
                        .map(rs, "created_at", ctx))).list());
    }

    public boolean delete(String tenantId, String id) {
        return jdbi.withHandle(h -> h.createUpdate("DELETE FROM quotas WHERE tenant_id = :t AND id = :id")
                .bind("t", tenantId).bind("id", id).execute()) > 0;
    }

    public Status status(Quota q) {
        Instant now = clock.instant();
        LocalDateTime t = LocalDateTime.ofInstant(now, ZoneOffset.UTC);
        LocalDateTime start;
        LocalDateTime end;
        switch (q.period()) {
            case "hourly" -> {
                start = t.truncatedTo(ChronoUnit.HOURS);
                end = start.plusHours(1);
            }
            case "daily" -> {
                start = t.truncatedTo(ChronoUnit.DAYS);
                end = start.plusDays(1);
            }
            case "monthly" -> {
                start = t.truncatedTo(ChronoUnit.DAYS).withDayOfMonth(1);
                end = start.plusMonths(1);
            }
            default -> {
                start = LocalDateTime.of(1970, 1, 1, 0, 0);
                end = null;
            }
        }
        Instant from = start.toInstant(ZoneOffset.UTC);
        long used = jdbi.withHandle(h -> h.createQuery("SELECT COALESCE(SUM(quantity), 0) FROM usage_events WHERE "
                        + "tenant_id = :t AND usage_type = :u AND occurred_at >= :from")
                .bind("t", q.tenantId()).bind("u", q.usageType()).bind("from", from).mapTo(Long.class).one());
        return new Status(q, from, end == null ? null : end.toInstant(ZoneOffset.UTC), used);
    }

    /** Refuses work when a hard quota on one of these usage types is used up. */
    public void requireAvailable(String tenantId, List<String> usageTypes) {
        for (Quota q : list(tenantId)) {
            if ("hard".equals(q.mode()) && usageTypes.contains(q.usageType())) {
                Status s = status(q);
                if (s.used() >= q.limit()) {
                    Map<String, Object> details = new LinkedHashMap<>();
                    details.put("usage_type", q.usageType());
                    details.put("period", q.period());
                    details.put("limit", q.limit());
                    details.put("used", s.used());
                    if (s.resetsAt() != null) {
                        details.put("resets_at", s.resetsAt().toString());
                    }
                    if (metrics != null) {
                        metrics.quotaRejections.inc();
                    }
                    throw new ApiException(429, "quota_exceeded", "the " + q.period() + " quota for "
                            + q.usageType() + " is used up", details);
                }
            }
        }
    }

    /** After usage was recorded: notifies each threshold crossed in this period, once. */
    public void afterUsage(String tenantId) {
        for (Quota q : list(tenantId)) {
            Status s = status(q);
            for (int pct : q.thresholds()) {
                if (q.limit() > 0 && s.used() * 100 >= q.limit() * (long) pct && claim(q, s.periodStart(), pct)) {
                    Map<String, Object> data = new LinkedHashMap<>();
                    data.put("quota_id", q.id());
                    data.put("usage_type", q.usageType());
                    data.put("period", q.period());
                    data.put("mode", q.mode());
                    data.put("limit", q.limit());
                    data.put("used", s.used());
                    data.put("threshold_percent", pct);
                    webhooks.emit(tenantId, "quota.threshold", data);
                    audit.success(null, tenantId, "quota.threshold", "quota", q.id(), data);
                }
            }
        }
    }

    private boolean claim(Quota q, Instant periodStart, int pct) {
        try {
            jdbi.useHandle(h -> h.createUpdate("INSERT INTO quota_notifications (tenant_id, quota_id, period_start, "
                            + "threshold, created_at) VALUES (:t, :q, :p, :th, :at)")
                    .bind("t", q.tenantId()).bind("q", q.id()).bind("p", periodStart).bind("th", pct)
                    .bind("at", clock.instant()).execute());
            return true;
        } catch (RuntimeException e) {
            if (io.channelhub.hub.persistence.Constraints.isUniqueViolation(e)) {
                return false;
            }
            throw e;
        }
    }

    private String write(Object o) {
        try {
            return json.writeValueAsString(o);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    private List<Integer> read(String s) {
        try {
            return json.readValue(s, new TypeReference<List<Integer>>() { });
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }
}
