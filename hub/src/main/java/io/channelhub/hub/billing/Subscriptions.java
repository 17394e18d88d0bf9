package io.channelhub.hub.billing;

import io.channelhub.hub.errors.Failure;
import io.channelhub.hub.persistence.Ids;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.Jdbi;
import org.jdbi.v3.core.mapper.RowMapper;

/**
 * One subscription per tenant and its billing profile. States: {@code trialing} → {@code active}; an overdue
 * invoice makes it {@code past_due}; past the grace it is {@code suspended} (and so is the tenant); payment
 * brings it back to {@code active}; {@code canceled} ends it. Periods follow the plan's cycle from the start date.
 */
public class Subscriptions {

    private final Jdbi jdbi;
    private final Clock clock;
    private final RowMapper<Subscription> mapper;

    /** A subscription's state, moving as the class comment tells; stored and shown as its {@link #wire()} name. */
    public enum Status {
        TRIALING, ACTIVE, PAST_DUE, SUSPENDED, CANCELED;

        public String wire() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }

        /** As a SQL literal, for the predicates subscriptions are selected and updated by. */
        String sql() {
            return "'" + wire() + "'";
        }

        /** A stored status; null for one a newer replica wrote that this one does not know. */
        public static Status read(String wire) {
            for (Status s : values()) {
                if (s.wire().equals(wire)) {
                    return s;
                }
            }
            return null;
        }
    }

    /**
     * A subscription. Its status stays as stored, so one a newer replica wrote still reads (and shows) as it is.
     */
    public record Subscription(String id, String tenantId, String planId, String status, Instant periodStart,
                               Instant periodEnd, Instant trialEndsAt, Instant pastDueSince, Instant canceledAt,
                               String paymentMethod, String gatewaySubscriptionId, int version, Instant createdAt,
                               Instant updatedAt) {
        public boolean live() {
            return !is(Status.CANCELED);
        }

        /** Whether the subscription is in {@code s}. */
        public boolean is(Status s) {
            return s.wire().equals(status);
        }
    }

    /** Who pays: the tenant's legal name, CPF or CNPJ (digits), billing e-mail, and the gateway's customer id. */
    public record Profile(String tenantId, String legalName, String taxId, String email, String gatewayCustomerId) {
    }

    public Subscriptions(Jdbi jdbi, Clock clock) {
        this.jdbi = jdbi;
        this.clock = clock;
        this.mapper = (rs, ctx) -> {
            var i = ctx.findColumnMapperFor(Instant.class).orElseThrow();
            return new Subscription(rs.getString("id"), rs.getString("tenant_id"), rs.getString("plan_id"),
                    rs.getString("status"), i.map(rs, "current_period_start", ctx), i.map(rs, "current_period_end", ctx),
                    i.map(rs, "trial_ends_at", ctx), i.map(rs, "past_due_since", ctx), i.map(rs, "canceled_at", ctx),
                    rs.getString("payment_method"), rs.getString("gateway_subscription_id"), rs.getInt("version"),
                    i.map(rs, "created_at", ctx),
                    i.map(rs, "updated_at", ctx));
        };
    }

    /** The end of a period that starts at {@code start}: one cycle later, by the calendar (UTC). */
    public static Instant periodEnd(Instant start, String cycle) {
        var t = start.atOffset(ZoneOffset.UTC);
        return ("yearly".equals(cycle) ? t.plusYears(1) : t.plusMonths(1)).toInstant();
    }

    public Optional<Subscription> of(String tenantId) {
        return jdbi.withHandle(h -> h.createQuery("SELECT * FROM subscriptions WHERE tenant_id = :t").bind("t", tenantId)
                .map(mapper).findOne());
    }

    public Optional<Profile> profile(String tenantId) {
        return jdbi.withHandle(h -> h.createQuery("SELECT * FROM billing_profiles WHERE tenant_id = :t")
                .bind("t", tenantId).map((rs, ctx) -> new Profile(rs.getString("tenant_id"), rs.getString("legal_name"),
                        rs.getString("tax_id"), rs.getString("email"), rs.getString("gateway_customer_id")))
                .findOne());
    }

    public Profile saveProfile(String tenantId, String legalName, String taxId, String email) {
        String digits = TaxIds.normalise(taxId);
        if (digits == null) {
            throw Failure.invalid("invalid_tax_id", "not a valid CPF or CNPJ (check digits)",
                    Map.of("field", "tax_id"));
        }
        if (legalName == null || legalName.isBlank() || legalName.length() > 200) {
            throw Failure.invalid("invalid_field", "legal_name is 1 to 200 characters",
                    Map.of("field", "legal_name"));
        }
        if (email == null || !email.matches("[^@\\s]{1,64}@[^@\\s]{1,189}") ) {
            throw Failure.invalid("invalid_field", "email is an e-mail address", Map.of("field", "email"));
        }
        Instant now = clock.instant();
        jdbi.useTransaction(h -> {
            int n = h.createUpdate("UPDATE billing_profiles SET legal_name = :n, tax_id = :x, email = :e, "
                            + "gateway_customer_id = CASE WHEN tax_id = :x THEN gateway_customer_id END, updated_at = :now "
                            + "WHERE tenant_id = :t")
                    .bind("n", legalName).bind("x", digits).bind("e", email).bind("now", now).bind("t", tenantId)
                    .execute();
            if (n == 0) {
                h.createUpdate("INSERT INTO billing_profiles (tenant_id, legal_name, tax_id, email, updated_at) VALUES "
                                + "(:t, :n, :x, :e, :now)")
                        .bind("t", tenantId).bind("n", legalName).bind("x", digits).bind("e", email).bind("now", now)
                        .execute();
            }
        });
        return profile(tenantId).orElseThrow();
    }

    public void customerId(String tenantId, String gatewayCustomerId) {
        jdbi.useHandle(h -> h.createUpdate("UPDATE billing_profiles SET gateway_customer_id = :c WHERE tenant_id = :t")
                .bind("c", gatewayCustomerId).bind("t", tenantId).execute());
    }

    /** A new subscription starting at {@code start}: trialing when the plan has trial days. */
    public Subscription create(String tenantId, Plans.Plan plan, Instant start, String method) {
        Instant now = clock.instant();
        Instant trialEnd = plan.trialDays() > 0 ? start.plus(Duration.ofDays(plan.trialDays())) : null;
        Status status = trialEnd == null ? Status.ACTIVE : Status.TRIALING;
        Subscription s = new Subscription(Ids.newId("sub"), tenantId, plan.id(), status.wire(),
                start, periodEnd(start, plan.billingCycle()), trialEnd, null, null, method, null, 1, now, now);
        try {
            jdbi.useTransaction(h -> insert(h, s, tenantId, plan, start, trialEnd, method, now));
        } catch (RuntimeException e) {
            if (io.channelhub.hub.persistence.Constraints.isUniqueViolation(e)) {
                // Two first subscribes raced: one won.
                throw Failure.conflict("subscription_exists", "this tenant already has a subscription");
            }
            throw e;
        }
        return s;
    }

    private static void insert(org.jdbi.v3.core.Handle h, Subscription s, String tenantId, Plans.Plan plan,
                               Instant start, Instant trialEnd, String method, Instant now) {
        h.createUpdate("DELETE FROM subscriptions WHERE tenant_id = :t AND status = " + Status.CANCELED.sql())
                .bind("t", tenantId).execute();
        h.createUpdate("INSERT INTO subscriptions (id, tenant_id, plan_id, status, current_period_start, "
                        + "current_period_end, trial_ends_at, payment_method, version, created_at, updated_at) VALUES "
                        + "(:id, :t, :p, :s, :ps, :pe, :tr, :m, 1, :now, :now)")
                .bind("id", s.id()).bind("t", tenantId).bind("p", plan.id()).bind("s", s.status())
                .bind("ps", start).bind("pe", s.periodEnd()).bind("tr", trialEnd).bind("m", method)
                .bind("now", now).execute();
    }

    /**
     * Moves the subscription to a new period (and plan) if it still is at {@code expected} (optimistic: of two
     * replicas closing the same period, one wins). A null {@code status} keeps the stored one, which may be one this
     * version does not know.
     */
    public boolean advance(Handle h, Subscription expected, String planId, Instant start, Instant end, Status status) {
        return h.createUpdate("UPDATE subscriptions SET plan_id = :p, current_period_start = :ps, current_period_end = "
                        + ":pe, status = :s, version = version + 1, updated_at = :now WHERE tenant_id = :t AND id = :id "
                        + "AND version = :v")
                .bind("p", planId).bind("ps", start).bind("pe", end)
                .bind("s", status == null ? expected.status() : status.wire()).bind("now", clock.instant())
                .bind("t", expected.tenantId()).bind("id", expected.id()).bind("v", expected.version())
                .execute() == 1;
    }

    /** Sets the status; {@code past_due} remembers since when, other states clear it. */
    public void status(String tenantId, Status status) {
        jdbi.useHandle(h -> h.createUpdate("UPDATE subscriptions SET status = :s, past_due_since = CASE WHEN :s = "
                        + Status.PAST_DUE.sql() + " THEN COALESCE(past_due_since, :now) WHEN :s = "
                        + Status.SUSPENDED.sql() + " THEN past_due_since ELSE NULL END, canceled_at = CASE WHEN :s = "
                        + Status.CANCELED.sql() + " THEN :now ELSE canceled_at END, version = version + 1, "
                        + "updated_at = :now WHERE tenant_id = :t")
                .bind("s", status.wire()).bind("now", clock.instant()).bind("t", tenantId).execute());
    }

    public void gatewaySubscriptionId(String tenantId, String id) {
        jdbi.useHandle(h -> h.createUpdate("UPDATE subscriptions SET gateway_subscription_id = :g WHERE tenant_id = :t")
                .bind("g", id).bind("t", tenantId).execute());
    }

    /** The subscription whose recurring charge at the gateway this is, whatever its tenant. */
    public Optional<Subscription> byGatewaySubscription(String gatewaySubscriptionId) {
        return jdbi.withHandle(h -> h.createQuery("SELECT * FROM subscriptions WHERE gateway_subscription_id = :g")
                .bind("g", gatewaySubscriptionId).map(mapper).findOne());
    }

    /** Live subscriptions on a gateway-recurring plan whose recurring charge does not exist yet. */
    List<Subscription> awaitingRecurring() {
        return jdbi.withHandle(h -> h.createQuery("SELECT s.* FROM subscriptions s JOIN plans p ON p.id = s.plan_id WHERE "
                        + "p.gateway_recurring = TRUE AND s.gateway_subscription_id IS NULL AND s.status IN ("
                        + Status.TRIALING.sql() + ", " + Status.ACTIVE.sql() + ", " + Status.PAST_DUE.sql()
                        + ") LIMIT 100").map(mapper).list());
    }

    /** Live subscriptions whose period ended by {@code asOf}. */
    List<Subscription> due(Instant asOf) {
        return jdbi.withHandle(h -> h.createQuery("SELECT * FROM subscriptions WHERE status IN ("
                        + Status.TRIALING.sql() + ", " + Status.ACTIVE.sql() + ", " + Status.PAST_DUE.sql() + ", "
                        + Status.SUSPENDED.sql()
                        + ") AND current_period_end <= :at ORDER BY current_period_end LIMIT 200")
                .bind("at", asOf).map(mapper).list());
    }

    /** Past-due subscriptions whose grace ended before {@code limit}. */
    List<Subscription> pastDueSince(Instant limit) {
        return jdbi.withHandle(h -> h.createQuery("SELECT * FROM subscriptions WHERE status = " + Status.PAST_DUE.sql()
                        + " AND past_due_since < :l").bind("l", limit).map(mapper).list());
    }
}
