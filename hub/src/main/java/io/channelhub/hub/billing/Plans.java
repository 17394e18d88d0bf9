package io.channelhub.hub.billing;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.channelhub.hub.errors.Failure;
import io.channelhub.hub.persistence.Constraints;
import io.channelhub.hub.persistence.Ids;
import java.time.Clock;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.jdbi.v3.core.Jdbi;
import org.jdbi.v3.core.mapper.RowMapper;

/**
 * The integrator's plans: a price per billing cycle, units included per usage type, overage prices for what goes
 * beyond, and the quotas a subscriber gets by default. A plan's price applies to the periods that start after a
 * change; invoices keep the amounts they were issued with.
 */
public class Plans {

    static final List<String> CYCLES = List.of("monthly", "yearly");

    private final Jdbi jdbi;
    private final ObjectMapper json;
    private final Clock clock;
    private final RowMapper<Plan> mapper;

    /** An overage price: {@code unitPriceMinor} per {@code perUnits} units beyond what is included. */
    public record Overage(@JsonProperty("unit_price_minor") long unitPriceMinor,
                          @JsonProperty("per_units") long perUnits) {
    }

    /** A quota a subscriber gets (the quota API's fields). */
    public record PlanQuota(@JsonProperty("usage_type") String usageType, String period, long limit, String mode) {
    }

    /** A plan. */
    @com.fasterxml.jackson.databind.annotation.JsonNaming(
            com.fasterxml.jackson.databind.PropertyNamingStrategies.SnakeCaseStrategy.class)
    public record Plan(String id, String code, String name, long priceMinor, String currency, String billingCycle,
                       int trialDays, Map<String, Long> included, Map<String, Overage> overage,
                       List<PlanQuota> quotas, boolean gatewayRecurring, boolean active, Instant createdAt,
                       Instant updatedAt) {
    }

    public Plans(Jdbi jdbi, ObjectMapper json, Clock clock) {
        this.jdbi = jdbi;
        this.json = json;
        this.clock = clock;
        this.mapper = (rs, ctx) -> {
            var instants = ctx.findColumnMapperFor(Instant.class).orElseThrow();
            return new Plan(rs.getString("id"), rs.getString("code"), rs.getString("name"), rs.getLong("price_minor"),
                    rs.getString("currency"), rs.getString("billing_cycle"), rs.getInt("trial_days"),
                    read(rs.getString("included"), new TypeReference<Map<String, Long>>() { }),
                    read(rs.getString("overage"), new TypeReference<Map<String, Overage>>() { }),
                    read(rs.getString("quotas"), new TypeReference<List<PlanQuota>>() { }),
                    rs.getBoolean("gateway_recurring"), rs.getBoolean("active"),
                    instants.map(rs, "created_at", ctx), instants.map(rs, "updated_at", ctx));
        };
    }

    public Plan create(String code, String name, long priceMinor, String currency, String cycle, Integer trialDays,
                       Map<String, Long> included, Map<String, Overage> overage, List<PlanQuota> quotas,
                       boolean gatewayRecurring) {
        Map<String, Object> errors = new LinkedHashMap<>();
        if (code == null || !code.matches("[a-z0-9][a-z0-9_-]{1,62}")) {
            errors.put("code", "lower case letters, digits, dashes and underscores, 2 to 63");
        }
        if (name == null || name.isBlank() || name.length() > 200) {
            errors.put("name", "1 to 200 characters");
        }
        if (priceMinor < 0) {
            errors.put("price_minor", "must not be negative");
        }
        String cur = currency == null ? "BRL" : currency;
        if (!cur.matches("[A-Z]{3}")) {
            errors.put("currency", "an ISO 4217 code such as BRL");
        }
        String c = cycle == null ? "monthly" : cycle;
        if (!CYCLES.contains(c)) {
            errors.put("billing_cycle", "monthly or yearly");
        }
        int trial = trialDays == null ? 0 : trialDays;
        if (trial < 0 || trial > 365) {
            errors.put("trial_days", "0 to 365");
        }
        Map<String, Long> inc = included == null ? Map.of() : included;
        Map<String, Overage> over = overage == null ? Map.of() : overage;
        inc.forEach((k, v) -> {
            if (!k.matches(io.channelhub.hub.limits.Quotas.USAGE_TYPE) || v == null || v < 0) {
                errors.put("included", "usage types with a non-negative number of units");
            }
        });
        over.forEach((k, v) -> {
            if (!k.matches(io.channelhub.hub.limits.Quotas.USAGE_TYPE) || v == null || v.unitPriceMinor() < 0 || v.perUnits() < 1) {
                errors.put("overage", "usage types with unit_price_minor >= 0 and per_units >= 1");
            }
        });
        List<PlanQuota> q = quotas == null ? List.of() : quotas;
        for (PlanQuota pq : q) {
            if (pq == null || pq.usageType() == null || !pq.usageType().matches(io.channelhub.hub.limits.Quotas.USAGE_TYPE)
                    || !io.channelhub.hub.limits.Quotas.PERIODS.contains(pq.period()) || pq.limit() < 0
                    || !("hard".equals(pq.mode()) || "soft".equals(pq.mode()))) {
                errors.put("quotas", "each has a usage_type, a period (" + String.join(", ",
                        io.channelhub.hub.limits.Quotas.PERIODS) + "), a limit >= 0 and mode hard or soft");
            }
        }
        if (gatewayRecurring && (!over.isEmpty() || priceMinor == 0)) {
            // The gateway charges a fixed amount each cycle: usage-based amounts need the hub's own charges.
            errors.put("gateway_recurring", "only for a flat plan: a price and no overage");
        }
        if (!errors.isEmpty()) {
            throw Failure.invalid("invalid_plan", "the plan is invalid", Map.of("errors", errors));
        }
        Instant now = clock.instant();
        Plan p = new Plan(Ids.newId("pln"), code, name, priceMinor, cur, c, trial, inc, over, q, gatewayRecurring, true,
                now, now);
        try {
            jdbi.useHandle(h -> h.createUpdate("INSERT INTO plans (id, code, name, price_minor, currency, billing_cycle, "
                            + "trial_days, included, overage, quotas, gateway_recurring, active, created_at, updated_at) "
                            + "VALUES (:id, :code, :name, :price, :cur, :cycle, :trial, :inc, :over, :q, :rec, TRUE, :now, "
                            + ":now)")
                    .bind("id", p.id()).bind("code", code).bind("name", name).bind("price", priceMinor).bind("cur", cur)
                    .bind("cycle", c).bind("trial", trial).bind("inc", write(inc)).bind("over", write(over))
                    .bind("q", write(q)).bind("rec", gatewayRecurring).bind("now", now).execute());
        } catch (RuntimeException e) {
            if (Constraints.isUniqueViolation(e)) {
                throw Failure.conflict("plan_exists", "a plan with this code exists");
            }
            throw e;
        }
        return p;
    }

    public List<Plan> list() {
        return jdbi.withHandle(h -> h.createQuery("SELECT * FROM plans ORDER BY code").map(mapper).list());
    }

    public Optional<Plan> byCode(String code) {
        return jdbi.withHandle(h -> h.createQuery("SELECT * FROM plans WHERE code = :c").bind("c", code)
                .map(mapper).findOne());
    }

    public Plan get(String id) {
        return jdbi.withHandle(h -> h.createQuery("SELECT * FROM plans WHERE id = :id").bind("id", id).map(mapper)
                .findOne()).orElseThrow(() -> Failure.notFound("plan"));
    }

    /** Retires a plan: current subscribers keep it, nobody new can choose it. */
    public Plan deactivate(String code) {
        Plan p = byCode(code).orElseThrow(() -> Failure.notFound("plan"));
        jdbi.useHandle(h -> h.createUpdate("UPDATE plans SET active = FALSE, updated_at = :now WHERE id = :id")
                .bind("now", clock.instant()).bind("id", p.id()).execute());
        return get(p.id());
    }

    private <T> T read(String s, TypeReference<T> type) {
        try {
            return json.readValue(s, type);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("corrupt plan column", e);
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
