package io.channelhub.hub.web.api;

import io.dropwizard.auth.Auth;
import io.channelhub.hub.metering.UsageLedger;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonNaming;
import io.channelhub.hub.acl.AccessControl;
import io.channelhub.hub.web.Page;
import io.channelhub.hub.identity.Caller;
import io.channelhub.hub.identity.Permission;
import io.channelhub.hub.errors.ApiException;
import io.channelhub.hub.web.TenantScope;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.List;
import java.util.Map;
import org.jdbi.v3.core.Jdbi;

/**
 * The tenant's usage, summed per hour, day or month (UTC) and type, as JSON or CSV. Sums are computed by the
 * database from the ledger, so they include every event up to the request.
 */
public class UsageResource {

    static final Duration MAX_RANGE = Duration.ofDays(400);

    private final Jdbi jdbi;
    private final AccessControl access;

    /** Rows the ledger still holds in its write-behind queue are written before a read sums them. */
    private final UsageLedger ledger;

    public UsageResource(Jdbi jdbi, AccessControl access, UsageLedger ledger) {
        this.ledger = ledger;
        this.jdbi = jdbi;
        this.access = access;
    }

    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    public record Bucket(String periodStart, String usageType, String unit, long quantity) {
    }

    record Query(String tenantId, String granularity, Instant from, Instant to, String type) {
    }

    private Query query(Caller c, TenantScope scope, String granularity, String from, String to, String type) {
        String tenantId = scope.tenantId();
        access.require(c, tenantId, Permission.USAGE_READ);
        String g = granularity == null ? "day" : granularity;
        if (!List.of("hour", "day", "month").contains(g)) {
            throw ApiException.unprocessable("invalid_granularity", "granularity must be hour, day or month",
                    Map.of("field", "granularity"));
        }
        Instant end = to == null ? Instant.now() : parse(to, "to");
        Instant start = from == null ? end.minus(Duration.ofDays(30)) : parse(from, "from");
        if (!start.isBefore(end) || Duration.between(start, end).compareTo(MAX_RANGE) > 0) {
            throw ApiException.unprocessable("invalid_range", "from must be before to, at most 400 days apart",
                    Map.of("field", "from"));
        }
        return new Query(tenantId, g, start, end, type);
    }

    private static Instant parse(String s, String field) {
        try {
            return Instant.parse(s);
        } catch (DateTimeParseException e) {
            throw ApiException.unprocessable("invalid_field", field + " must be an ISO-8601 instant",
                    Map.of("field", field));
        }
    }

    List<Bucket> buckets(Query q) {
        String hour = "hour".equals(q.granularity()) ? "EXTRACT(HOUR FROM occurred_at)" : "0";
        String day = "month".equals(q.granularity()) ? "1" : "EXTRACT(DAY FROM occurred_at)";
        // Constants stay out of GROUP BY: a number there means a column position.
        StringBuilder group = new StringBuilder("EXTRACT(YEAR FROM occurred_at), EXTRACT(MONTH FROM occurred_at)");
        if (!"month".equals(q.granularity())) {
            group.append(", ").append(day);
        }
        if ("hour".equals(q.granularity())) {
            group.append(", ").append(hour);
        }
        String sql = "SELECT EXTRACT(YEAR FROM occurred_at) AS y, EXTRACT(MONTH FROM occurred_at) AS mo, " + day
                + " AS d, " + hour + " AS h, usage_type, unit, SUM(quantity) AS q FROM usage_events WHERE "
                + "tenant_id = :t AND occurred_at >= :from AND occurred_at < :to AND (:type IS NULL OR "
                + "usage_type = :type) GROUP BY " + group + ", usage_type, unit ORDER BY y, mo, d, h, usage_type";
        ledger.flush();
        return jdbi.withHandle(h -> h.createQuery(sql).bind("t", q.tenantId()).bind("from", q.from())
                .bind("to", q.to()).bind("type", q.type())
                .map((rs, ctx) -> new Bucket(LocalDateTime.of(rs.getInt("y"), rs.getInt("mo"), rs.getInt("d"),
                        rs.getInt("h"), 0).toInstant(ZoneOffset.UTC).toString(), rs.getString("usage_type"),
                        rs.getString("unit"), rs.getLong("q"))).list());
    }

    @GET
    @Produces(MediaType.APPLICATION_JSON)
    public Page<Bucket> json(@Auth Caller caller, @Context TenantScope scope,
                             @QueryParam("granularity") String granularity, @QueryParam("from") String from,
                             @QueryParam("to") String to, @QueryParam("type") String type) {
        return Page.all(buckets(query(caller, scope, granularity, from, to, type)));
    }

    @GET
    @Path("/export.csv")
    @Produces("text/csv")
    public Response csv(@Auth Caller caller, @Context TenantScope scope,
                        @QueryParam("granularity") String granularity, @QueryParam("from") String from,
                        @QueryParam("to") String to, @QueryParam("type") String type) {
        StringBuilder out = new StringBuilder("period_start,usage_type,unit,quantity\n");
        for (Bucket b : buckets(query(caller, scope, granularity, from, to, type))) {
            // Types and units are the hub's own dotted names: no commas or quotes to escape.
            out.append(b.periodStart()).append(',').append(b.usageType()).append(',').append(b.unit()).append(',')
                    .append(b.quantity()).append('\n');
        }
        return Response.ok(out.toString(), "text/csv; charset=utf-8")
                .header("Content-Disposition", "attachment; filename=\"usage.csv\"").build();
    }
}
