package io.channelhub.hub.billing;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.channelhub.hub.errors.Failure;
import io.channelhub.hub.persistence.Constraints;
import io.channelhub.hub.persistence.Ids;
import io.channelhub.plugin.billing.Charge;
import io.channelhub.plugin.billing.ChargeRequest;
import io.channelhub.plugin.billing.CustomerRequest;
import io.channelhub.plugin.billing.GatewayException;
import io.channelhub.plugin.billing.PaymentMethod;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.Jdbi;
import org.jdbi.v3.core.mapper.RowMapper;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Invoices built from the plan and the period's metered usage: the plan's price (pro-rated for a period closed
 * early by a plan change or a cancellation; nothing in a trial), overage per usage type beyond what the plan
 * includes, minus credit notes. One invoice per subscription and period, whatever runs twice; then a charge at the
 * gateway, whose payment moves the invoice (and the subscription) on.
 */
public class Invoices {

    private static final Logger LOG = LoggerFactory.getLogger(Invoices.class);

    /**
     * How long a charger holds an invoice: longer than a guarded gateway call may take. A charger that dies holding
     * it leaves the invoice to the next round after this.
     */
    static final java.time.Duration CHARGE_CLAIM = java.time.Duration.ofMinutes(2);

    private final Jdbi jdbi;
    private final ObjectMapper json;
    private final Plans plans;
    private final Subscriptions subscriptions;
    private final GatewayAccounts gateways;
    private final Clock clock;
    private final RowMapper<Invoice> mapper;

    /** One line of an invoice. */
    public record Line(int seq, String kind, String description, @JsonProperty("usage_type") String usageType,
                       long quantity, @JsonProperty("unit_price_minor") long unitPriceMinor,
                       @JsonProperty("per_units") long perUnits, @JsonProperty("amount_minor") long amountMinor) {
    }

    /**
     * An invoice's state: {@code open} until paid (or {@code paid} at once when credits cover it), {@code overdue}
     * when the gateway says so, {@code void} when canceled; a paid one can only be {@code refunded}.
     */
    public enum Status {
        OPEN, PAID, OVERDUE, VOID, REFUNDED;

        public String wire() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }

        /** As a SQL literal, for the predicates the jobs select invoices by. */
        String sql() {
            return "'" + wire() + "'";
        }

        /**
         * The statuses a gateway's report of this one may replace: an invoice never moves back from paid (a late
         * "overdue" after "received" changes nothing) except to refunded, and a payment that arrives for a voided
         * invoice still marks it paid.
         */
        public List<Status> movesFrom() {
            return switch (this) {
                case PAID -> List.of(OPEN, OVERDUE, VOID);
                case OVERDUE -> List.of(OPEN);
                case REFUNDED -> List.of(PAID);
                case VOID -> List.of(OPEN, OVERDUE);
                case OPEN -> List.of();
            };
        }

        /** The status a charge's status moves its invoice to; null for one that moves nothing. */
        static Status of(Charge.ChargeStatus charge) {
            return switch (charge) {
                case CONFIRMED, RECEIVED -> PAID;
                case OVERDUE -> OVERDUE;
                case REFUNDED -> REFUNDED;
                case CANCELED -> VOID;
                case PENDING -> null;
            };
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
     * An invoice. Its status stays as stored, so one a newer replica wrote still reads (and shows) as it is.
     */
    public record Invoice(String id, String tenantId, String subscriptionId, Instant periodStart, Instant periodEnd,
                          String status, String currency, long subtotalMinor, long creditMinor, long totalMinor,
                          LocalDate dueDate, String gatewayChargeId, String paymentMethod,
                          Map<String, String> paymentData, Instant issuedAt, Instant paidAt) {

        /** Whether the invoice is in {@code s}. */
        public boolean is(Status s) {
            return s.wire().equals(status);
        }
    }

    public Invoices(Jdbi jdbi, ObjectMapper json, Plans plans, Subscriptions subscriptions, GatewayAccounts gateways,
                    Clock clock) {
        this.jdbi = jdbi;
        this.json = json;
        this.plans = plans;
        this.subscriptions = subscriptions;
        this.gateways = gateways;
        this.clock = clock;
        this.mapper = (rs, ctx) -> {
            var i = ctx.findColumnMapperFor(Instant.class).orElseThrow();
            java.sql.Date due = rs.getDate("due_date");
            return new Invoice(rs.getString("id"), rs.getString("tenant_id"), rs.getString("subscription_id"),
                    i.map(rs, "period_start", ctx), i.map(rs, "period_end", ctx), rs.getString("status"),
                    rs.getString("currency"), rs.getLong("subtotal_minor"), rs.getLong("credit_minor"),
                    rs.getLong("total_minor"), due == null ? null : due.toLocalDate(), rs.getString("gateway_charge_id"),
                    rs.getString("payment_method"), readData(rs.getString("payment_data")), i.map(rs, "issued_at", ctx),
                    i.map(rs, "paid_at", ctx));
        };
    }

    /**
     * Closes every period that ended by {@code asOf}: an invoice for it and the next period begun, in one
     * transaction. Safe to run on every replica and as often as wanted.
     */
    public List<Invoice> closeDuePeriods(Instant asOf, int dueDays) {
        List<Invoice> out = new ArrayList<>();
        for (Subscriptions.Subscription s : subscriptions.due(asOf)) {
            Plans.Plan plan = plans.get(s.planId());
            Instant next = Subscriptions.periodEnd(s.periodEnd(), plan.billingCycle());
            Subscriptions.Status status = s.is(Subscriptions.Status.TRIALING) && s.trialEndsAt() != null
                    && !s.trialEndsAt().isAfter(s.periodEnd()) ? Subscriptions.Status.ACTIVE
                    : Subscriptions.Status.read(s.status());
            close(s, plan, s.periodEnd(), 1.0, dueDays, h -> subscriptions.advance(h, s, plan.id(), s.periodEnd(), next,
                    status)).ifPresent(out::add);
        }
        return out;
    }

    /**
     * Closes the current period now (a plan change or a cancellation): the plan's price pro-rated by the days
     * used, the usage so far.
     */
    public Optional<Invoice> closeEarly(Subscriptions.Subscription s, Instant at, int dueDays,
                                        java.util.function.Predicate<Handle> thenInSameTransaction) {
        Plans.Plan plan = plans.get(s.planId());
        double used = (double) Duration.between(s.periodStart(), at).toMinutes()
                / Math.max(1, Duration.between(s.periodStart(), s.periodEnd()).toMinutes());
        return close(s, plan, at, Math.max(0, Math.min(1, used)), dueDays, thenInSameTransaction);
    }

    private Optional<Invoice> close(Subscriptions.Subscription s, Plans.Plan plan, Instant end, double fraction,
                                    int dueDays, java.util.function.Predicate<Handle> advance) {
        List<Line> lines = new ArrayList<>();
        boolean trial = s.trialEndsAt() != null && !s.trialEndsAt().isBefore(end);
        long fee = trial ? 0 : Math.round(plan.priceMinor() * fraction);
        String feeText = plan.name() + (trial ? " (trial)" : fraction < 1 ? String.format(java.util.Locale.ROOT,
                " (pro-rated %.0f%% of the period)", fraction * 100) : "");
        lines.add(new Line(1, "plan", feeText, null, 1, fee, 1, fee));
        Map<String, Long> used = usage(s.tenantId(), s.periodStart(), end);
        int seq = 2;
        for (var e : plan.overage().entrySet()) {
            long over = Math.max(0, used.getOrDefault(e.getKey(), 0L) - plan.included().getOrDefault(e.getKey(), 0L));
            if (over > 0) {
                long amount = ceilDiv(over * e.getValue().unitPriceMinor(), e.getValue().perUnits());
                lines.add(new Line(seq++, "overage", "Usage beyond the plan: " + e.getKey(), e.getKey(), over,
                        e.getValue().unitPriceMinor(), e.getValue().perUnits(), amount));
            }
        }
        long subtotal = lines.stream().mapToLong(Line::amountMinor).sum();
        Instant now = clock.instant();
        String id = Ids.newId("inv");
        LocalDate due = LocalDate.ofInstant(now, ZoneOffset.UTC).plusDays(dueDays);
        try {
            return jdbi.inTransaction(h -> {
                if (!advance.test(h)) {
                    throw new Lost();
                }
                long credit = applyCredits(h, s.tenantId(), id, subtotal, plan.currency());
                long total = subtotal - credit;
                h.createUpdate("INSERT INTO invoices (id, tenant_id, subscription_id, period_start, period_end, status, "
                                + "currency, subtotal_minor, credit_minor, total_minor, due_date, issued_at, paid_at, "
                                + "updated_at) VALUES (:id, :t, :s, :ps, :pe, :st, :cur, :sub, :cr, :tot, :due, :now, "
                                + ":paid, :now)")
                        .bind("id", id).bind("t", s.tenantId()).bind("s", s.id()).bind("ps", s.periodStart())
                        .bind("pe", end).bind("st", (total == 0 ? Status.PAID : Status.OPEN).wire())
                        .bind("cur", plan.currency()).bind("sub", subtotal).bind("cr", credit).bind("tot", total)
                        .bind("due", due).bind("now", now).bind("paid", total == 0 ? now : null).execute();
                for (Line l : lines) {
                    h.createUpdate("INSERT INTO invoice_lines (tenant_id, invoice_id, seq, kind, description, usage_type, "
                                    + "quantity, unit_price_minor, per_units, amount_minor) VALUES (:t, :i, :seq, :k, :d, "
                                    + ":u, :q, :p, :per, :a)")
                            .bind("t", s.tenantId()).bind("i", id).bind("seq", l.seq()).bind("k", l.kind())
                            .bind("d", l.description()).bind("u", l.usageType()).bind("q", l.quantity())
                            .bind("p", l.unitPriceMinor()).bind("per", l.perUnits()).bind("a", l.amountMinor())
                            .execute();
                }
                return find(h, s.tenantId(), id);
            });
        } catch (Lost e) {
            // Another replica closed this period first.
            return Optional.empty();
        } catch (RuntimeException e) {
            if (Constraints.isUniqueViolation(e)) {
                return Optional.empty();
            }
            throw e;
        }
    }

    /** The period was closed by someone else between reading and closing it. */
    private static final class Lost extends RuntimeException {
        private static final long serialVersionUID = 1L;

        Lost() {
            super(null, null, false, false);
        }
    }

    private static long ceilDiv(long a, long b) {
        return (a + b - 1) / b;
    }

    /** Usage per type in [from, to) from the ledger, the source of truth. */
    Map<String, Long> usage(String tenantId, Instant from, Instant to) {
        Map<String, Long> out = new LinkedHashMap<>();
        jdbi.useHandle(h -> h.createQuery("SELECT usage_type, SUM(quantity) FROM usage_events WHERE tenant_id = :t AND "
                        + "occurred_at >= :f AND occurred_at < :to GROUP BY usage_type")
                .bind("t", tenantId).bind("f", from).bind("to", to)
                .map((rs, ctx) -> Map.entry(rs.getString(1), rs.getLong(2))).forEach(e -> out.put(e.getKey(),
                        e.getValue())));
        return out;
    }

    /**
     * Applies unused credit notes in the invoice's currency, oldest first, up to {@code max}; a larger note leaves
     * its rest as a new one.
     */
    private long applyCredits(Handle h, String tenantId, String invoiceId, long max, String currency) {
        long applied = 0;
        List<CreditNote> notes = h.createQuery("SELECT * FROM credit_notes WHERE tenant_id = :t AND applied_invoice_id IS "
                        + "NULL AND currency = :cur ORDER BY created_at, id").bind("t", tenantId).bind("cur", currency)
                .map((rs, ctx) -> new CreditNote(rs.getString("id"), rs.getLong("amount_minor"), rs.getString("currency"),
                        rs.getString("reason"), null, null, null)).list();
        for (CreditNote n : notes) {
            if (applied >= max) {
                break;
            }
            long amount = n.amountMinor();
            long use = Math.min(amount, max - applied);
            h.createUpdate("UPDATE credit_notes SET applied_invoice_id = :i, amount_minor = :a WHERE tenant_id = :t AND "
                            + "id = :id").bind("i", invoiceId).bind("a", use).bind("t", tenantId)
                    .bind("id", n.id()).execute();
            if (use < amount) {
                h.createUpdate("INSERT INTO credit_notes (id, tenant_id, amount_minor, currency, reason, created_at) "
                                + "VALUES (:id, :t, :a, :c, :r, :now)")
                        .bind("id", Ids.newId("crn")).bind("t", tenantId).bind("a", amount - use)
                        .bind("c", n.currency()).bind("r", n.reason() + " (rest)")
                        .bind("now", clock.instant()).execute();
            }
            applied += use;
        }
        return applied;
    }

    /** A credit for the tenant, applied to its next invoices. */
    public Map<String, Object> credit(String tenantId, long amountMinor, String currency, String reason,
                                      String sourceInvoiceId) {
        if (amountMinor <= 0) {
            throw Failure.invalid("invalid_field", "amount_minor must be positive",
                    Map.of("field", "amount_minor"));
        }
        if (reason == null || reason.isBlank() || reason.length() > 300) {
            throw Failure.invalid("invalid_field", "reason is 1 to 300 characters", Map.of("field", "reason"));
        }
        if (currency != null && !currency.matches("[A-Z]{3}")) {
            throw Failure.invalid("invalid_field", "currency is an ISO 4217 code such as BRL",
                    Map.of("field", "currency"));
        }
        String id = Ids.newId("crn");
        jdbi.useHandle(h -> h.createUpdate("INSERT INTO credit_notes (id, tenant_id, amount_minor, currency, reason, "
                        + "source_invoice_id, created_at) VALUES (:id, :t, :a, :c, :r, :s, :now)")
                .bind("id", id).bind("t", tenantId).bind("a", amountMinor).bind("c", currency == null ? "BRL"
                        : currency).bind("r", reason).bind("s", sourceInvoiceId).bind("now", clock.instant())
                .execute());
        return Map.of("id", id, "amount_minor", amountMinor, "reason", reason);
    }

    /** A credit note as the API shows it. */
    public record CreditNote(String id, @JsonProperty("amount_minor") long amountMinor, String currency,
                             String reason, @JsonProperty("source_invoice_id") String sourceInvoiceId,
                             @JsonProperty("applied_invoice_id") String appliedInvoiceId,
                             @JsonProperty("created_at") Instant createdAt) {
    }

    public List<CreditNote> credits(String tenantId) {
        return jdbi.withHandle(h -> h.createQuery("SELECT * FROM credit_notes WHERE tenant_id = :t ORDER BY created_at "
                        + "DESC, id").bind("t", tenantId)
                .map((rs, ctx) -> new CreditNote(rs.getString("id"), rs.getLong("amount_minor"), rs.getString("currency"),
                        rs.getString("reason"), rs.getString("source_invoice_id"), rs.getString("applied_invoice_id"),
                        ctx.findColumnMapperFor(Instant.class).orElseThrow().map(rs, "created_at", ctx))).list());
    }

    public List<Invoice> list(String tenantId) {
        return jdbi.withHandle(h -> h.createQuery("SELECT * FROM invoices WHERE tenant_id = :t ORDER BY period_start DESC,"
                + " id").bind("t", tenantId).map(mapper).list());
    }

    public Optional<Invoice> find(String tenantId, String id) {
        return jdbi.withHandle(h -> find(h, tenantId, id));
    }

    private Optional<Invoice> find(Handle h, String tenantId, String id) {
        return h.createQuery("SELECT * FROM invoices WHERE tenant_id = :t AND id = :id").bind("t", tenantId)
                .bind("id", id).map(mapper).findOne();
    }

    /** The invoice a gateway's charge (or the reference it echoes) belongs to, whatever its tenant. */
    public Optional<Invoice> byCharge(String chargeId, String reference) {
        return jdbi.withHandle(h -> h.createQuery("SELECT * FROM invoices WHERE (gateway_charge_id = :c AND :c IS NOT "
                        + "NULL) OR id = :r ORDER BY issued_at LIMIT 1").bind("c", chargeId).bind("r", reference)
                .map(mapper).findOne());
    }

    public List<Line> lines(String tenantId, String invoiceId) {
        return jdbi.withHandle(h -> h.createQuery("SELECT * FROM invoice_lines WHERE tenant_id = :t AND invoice_id = :i "
                        + "ORDER BY seq").bind("t", tenantId).bind("i", invoiceId)
                .map((rs, ctx) -> new Line(rs.getInt("seq"), rs.getString("kind"), rs.getString("description"),
                        rs.getString("usage_type"), rs.getLong("quantity"), rs.getLong("unit_price_minor"),
                        rs.getLong("per_units"), rs.getLong("amount_minor"))).list());
    }

    /** Open invoices without a charge yet, across tenants. */
    List<Invoice> uncharged(int limit) {
        return jdbi.withHandle(h -> h.createQuery("SELECT * FROM invoices WHERE status = " + Status.OPEN.sql()
                        + " AND gateway_charge_id IS NULL AND total_minor > 0 ORDER BY issued_at LIMIT :n")
                .bind("n", limit).map(mapper).list());
    }

    /** Charged invoices still waiting for their payment, last touched before {@code before}. */
    List<Invoice> awaitingPayment(Instant before, int limit) {
        return jdbi.withHandle(h -> h.createQuery("SELECT * FROM invoices WHERE status IN (" + Status.OPEN.sql()
                        + ", " + Status.OVERDUE.sql() + ") AND gateway_charge_id IS NOT NULL AND updated_at < :b "
                        + "ORDER BY updated_at LIMIT :n")
                .bind("b", before).bind("n", limit).map(mapper).list());
    }

    /**
     * Creates the invoice's charge at the gateway (the customer first, once), holding the invoice's charge claim so
     * no concurrent caller (the jobs thread, an operator's run, another replica) charges it too. A failure the gateway
     * calls retryable leaves the invoice for the next run; the gateway finds an earlier charge of the same invoice, so
     * a repeat after a lost answer never charges twice.
     *
     * @return whether the invoice has a charge now
     */
    public boolean charge(Invoice inv) {
        Optional<GatewayAccounts.Usable> g = gateways.usable();
        Optional<Subscriptions.Profile> profile = subscriptions.profile(inv.tenantId());
        if (g.isEmpty() || profile.isEmpty() || inv.gatewayChargeId() != null || inv.totalMinor() == 0) {
            return inv.gatewayChargeId() != null;
        }
        if (subscriptions.of(inv.tenantId()).map(Subscriptions.Subscription::gatewaySubscriptionId).isPresent()) {
            // The gateway charges this subscription itself; its payment will be attached to this invoice.
            return false;
        }
        // One charger at a time per invoice, across threads and replicas: the gateway's own look-up of an earlier
        // charge cannot see one that a concurrent caller is creating at the same moment.
        Instant now = clock.instant();
        boolean claimed = jdbi.withHandle(h -> h.createUpdate("UPDATE invoices SET charge_claimed_until = :until "
                        + "WHERE tenant_id = :t AND id = :id AND status = " + Status.OPEN.sql() + " AND gateway_charge_id "
                        + "IS NULL AND (charge_claimed_until IS NULL OR charge_claimed_until < :now)")
                .bind("until", now.plus(CHARGE_CLAIM)).bind("now", now).bind("t", inv.tenantId())
                .bind("id", inv.id()).execute()) == 1;
        if (!claimed) {
            return false;
        }
        var ctx = gateways.context(g.get(), inv.tenantId());
        try {
            String customer = customer(g.get(), profile.get(), ctx);
            PaymentMethod method = method(inv.tenantId(), g.get());
            Charge c = g.get().gateway().createCharge(new ChargeRequest(inv.id(), customer, method, inv.totalMinor(),
                    inv.currency(), inv.dueDate(), "ChannelHub " + LocalDate.ofInstant(inv.periodStart(),
                    ZoneOffset.UTC) + " – " + LocalDate.ofInstant(inv.periodEnd(), ZoneOffset.UTC), null), ctx);
            int stored = jdbi.withHandle(h -> h.createUpdate("UPDATE invoices SET gateway_id = :g, gateway_charge_id = "
                            + ":c, payment_method = :m, payment_data = :d, charge_claimed_until = NULL, updated_at = :now "
                            + "WHERE tenant_id = :t AND id = :id AND gateway_charge_id IS NULL AND status = "
                            + Status.OPEN.sql())
                    .bind("g", g.get().account().id()).bind("c", c.gatewayChargeId()).bind("m", method.name())
                    .bind("d", write(c.paymentData())).bind("now", clock.instant()).bind("t", inv.tenantId())
                    .bind("id", inv.id()).execute());
            if (stored == 0) {
                // Voided while the gateway was creating the charge: the charge must not outlive its invoice.
                LOG.warn("Invoice {} was voided while it was being charged; canceling charge {}", inv.id(),
                        c.gatewayChargeId());
                g.get().gateway().cancelCharge(c.gatewayChargeId(), ctx);
                return false;
            }
            return true;
        } catch (GatewayException | RuntimeException e) {
            // Released at once: the next round tries again instead of waiting out the claim.
            jdbi.useHandle(h -> h.createUpdate("UPDATE invoices SET charge_claimed_until = NULL WHERE tenant_id = :t "
                    + "AND id = :id").bind("t", inv.tenantId()).bind("id", inv.id()).execute());
            if (e instanceof GatewayException ge) {
                LOG.warn("Charging invoice {} failed ({}, retryable: {})", inv.id(), ge.code(), ge.retryable());
                return false;
            }
            throw (RuntimeException) e;
        }
    }

    /** The tenant's customer at the gateway, created once. */
    String customer(GatewayAccounts.Usable g, Subscriptions.Profile profile, io.channelhub.plugin.PluginContext ctx)
            throws GatewayException {
        String customer = profile.gatewayCustomerId();
        if (customer == null) {
            customer = g.gateway().upsertCustomer(new CustomerRequest(profile.tenantId(), profile.legalName(),
                    profile.taxId(), profile.email()), ctx).gatewayCustomerId();
            subscriptions.customerId(profile.tenantId(), customer);
        }
        return customer;
    }

    /**
     * Starts the gateway's recurring charge of a subscription on a gateway-recurring plan, once.
     *
     * @return whether it exists now
     */
    public boolean ensureRecurring(Subscriptions.Subscription s) {
        Optional<GatewayAccounts.Usable> g = gateways.usable();
        Optional<Subscriptions.Profile> profile = subscriptions.profile(s.tenantId());
        Plans.Plan plan = plans.get(s.planId());
        if (!plan.gatewayRecurring() || s.gatewaySubscriptionId() != null) {
            return s.gatewaySubscriptionId() != null;
        }
        if (g.isEmpty() || profile.isEmpty()) {
            return false;
        }
        var ctx = gateways.context(g.get(), s.tenantId());
        try {
            String customer = customer(g.get(), profile.get(), ctx);
            var created = g.get().gateway().upsertSubscription(new io.channelhub.plugin.billing.SubscriptionRequest(
                    s.id(), customer, method(s.tenantId(), g.get()), plan.priceMinor(), plan.currency(),
                    "yearly".equals(plan.billingCycle()) ? io.channelhub.plugin.billing.SubscriptionRequest.Cycle.YEARLY
                            : io.channelhub.plugin.billing.SubscriptionRequest.Cycle.MONTHLY,
                    LocalDate.ofInstant(s.trialEndsAt() != null ? s.trialEndsAt() : s.periodEnd(), ZoneOffset.UTC),
                    plan.name()), ctx);
            subscriptions.gatewaySubscriptionId(s.tenantId(), created.gatewaySubscriptionId());
            return true;
        } catch (GatewayException e) {
            LOG.warn("Starting the recurring charge of subscription {} failed ({})", s.id(), e.code());
            return false;
        }
    }

    /** Stops the gateway's recurring charge of a subscription, if it has one. */
    public void stopRecurring(Subscriptions.Subscription s) {
        Optional<GatewayAccounts.Usable> g = gateways.usable();
        if (g.isEmpty() || s.gatewaySubscriptionId() == null) {
            return;
        }
        try {
            g.get().gateway().cancelSubscription(s.gatewaySubscriptionId(), gateways.context(g.get(), s.tenantId()));
        } catch (GatewayException e) {
            LOG.warn("Stopping the recurring charge {} failed ({})", s.gatewaySubscriptionId(), e.code());
        }
    }

    /** Attaches a charge the gateway created on its own (a recurring charge) to the subscription's oldest open invoice. */
    Optional<Invoice> attach(String tenantId, String chargeId) {
        return jdbi.withHandle(h -> {
            Optional<String> id = h.createQuery("SELECT id FROM invoices WHERE tenant_id = :t AND status = "
                            + Status.OPEN.sql() + " AND gateway_charge_id IS NULL AND total_minor > 0 ORDER BY "
                            + "period_start LIMIT 1")
                    .bind("t", tenantId).mapTo(String.class).findOne();
            id.ifPresent(x -> h.createUpdate("UPDATE invoices SET gateway_charge_id = :c, updated_at = :now WHERE "
                    + "tenant_id = :t AND id = :id AND gateway_charge_id IS NULL").bind("c", chargeId)
                    .bind("now", clock.instant()).bind("t", tenantId).bind("id", x).execute());
            return id.flatMap(x -> find(h, tenantId, x));
        });
    }

    private PaymentMethod method(String tenantId, GatewayAccounts.Usable g) {
        String m = subscriptions.of(tenantId).map(Subscriptions.Subscription::paymentMethod)
                .orElse(g.settings().get("default_method").orElse("PIX"));
        try {
            return PaymentMethod.valueOf(m);
        } catch (IllegalArgumentException e) {
            return PaymentMethod.PIX;
        }
    }

    /**
     * A payment status from the gateway, applied to the invoice as {@link Status#movesFrom} allows; checked again
     * in the update, so a report racing another on a second replica cannot move the invoice back.
     *
     * @return the new status, or empty when it did not change
     */
    public Optional<Status> apply(Invoice inv, Charge.ChargeStatus status) {
        Status next = Status.of(status);
        if (next == null || inv.is(next)) {
            return Optional.empty();
        }
        List<String> from = next.movesFrom().stream().map(Status::wire).toList();
        int n = jdbi.withHandle(h -> h.createUpdate("UPDATE invoices SET status = :s, paid_at = CASE WHEN :s = "
                        + Status.PAID.sql() + " THEN :now ELSE paid_at END, updated_at = :now WHERE tenant_id = :t AND "
                        + "id = :id AND status IN (<from>)")
                .bind("s", next.wire()).bind("now", clock.instant()).bind("t", inv.tenantId()).bind("id", inv.id())
                .bindList("from", from).execute());
        return n == 1 ? Optional.of(next) : Optional.empty();
    }

    /** Touches an invoice the reconciliation checked, so it is asked about again only later. */
    void checked(Invoice inv) {
        jdbi.useHandle(h -> h.createUpdate("UPDATE invoices SET updated_at = :now WHERE tenant_id = :t AND id = :id")
                .bind("now", clock.instant()).bind("t", inv.tenantId()).bind("id", inv.id()).execute());
    }

    public long overdueCount(String tenantId) {
        return jdbi.withHandle(h -> h.createQuery("SELECT COUNT(*) FROM invoices WHERE tenant_id = :t AND status = "
                + Status.OVERDUE.sql()).bind("t", tenantId).mapTo(Long.class).one());
    }

    private Map<String, String> readData(String s) {
        try {
            return s == null ? Map.of() : json.readValue(s, new TypeReference<Map<String, String>>() { });
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
