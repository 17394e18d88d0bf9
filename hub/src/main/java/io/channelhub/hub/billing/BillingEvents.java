package io.channelhub.hub.billing;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.channelhub.hub.audit.AuditLog;
import io.channelhub.hub.persistence.Constraints;
import io.channelhub.hub.persistence.Ids;
import io.channelhub.hub.tenancy.TenantService;
import io.channelhub.hub.tenancy.TenantStatus;
import io.channelhub.plugin.billing.Charge;
import io.channelhub.plugin.billing.PaymentEvent;
import io.channelhub.plugin.billing.SubscriptionEvent;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.jdbi.v3.core.Jdbi;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Gateway payment events: stored once per gateway event id before the gateway gets its answer, then applied to the
 * invoice and the subscription. Payment of the last overdue invoice reactivates a subscription (and a tenant
 * suspended for not paying); an overdue invoice makes it past due; past the grace the tenant is suspended. Every
 * change is audited and sent to the tenant's webhooks.
 */
public class BillingEvents {

    private static final Logger LOG = LoggerFactory.getLogger(BillingEvents.class);

    /** Longer than applying one event takes; a replica that dies mid-event lets another take it after this. */
    static final Duration LEASE = Duration.ofMinutes(2);

    private final Jdbi jdbi;
    /** Pending and waiting events together: the claim, and the backlog gauges. */
    private final io.channelhub.hub.persistence.WorkQueue queue;
    private final io.channelhub.hub.persistence.WorkQueue pending;
    private final io.channelhub.hub.persistence.WorkQueue waiting;
    /** Events of each state a round looks at. */
    static final int ROUND = 200;
    /** Told of each event that could not be applied (a metric; nothing by default). */
    private volatile Runnable onFailed = () -> { };
    private final ObjectMapper json;
    private final Invoices invoices;
    private final Subscriptions subscriptions;
    private final TenantService tenants;
    private final AuditLog audit;
    private final io.channelhub.hub.webhooks.Webhooks webhooks;
    private final Clock clock;

    /**
     * An event's state: {@code pending} until applied; {@code waiting} for a recurring charge's payment that came
     * before the invoice it pays (tried again each round); then {@code processed}, {@code ignored} (not about
     * anything of the hub's) or {@code failed}.
     */
    public enum Status {
        PENDING, WAITING, PROCESSED, IGNORED, FAILED;

        public String wire() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }
    }

    public BillingEvents(Jdbi jdbi, ObjectMapper json, Invoices invoices, Subscriptions subscriptions,
                         TenantService tenants, AuditLog audit, io.channelhub.hub.webhooks.Webhooks webhooks,
                         Clock clock) {
        this.jdbi = jdbi;
        this.queue = new io.channelhub.hub.persistence.WorkQueue(jdbi, "billing_events",
                "status IN ('" + Status.PENDING.wire() + "', '" + Status.WAITING.wire() + "')", "", "received_at");
        this.pending = new io.channelhub.hub.persistence.WorkQueue(jdbi, "billing_events",
                "status = '" + Status.PENDING.wire() + "'", "", "received_at");
        // Least recently tried first (each try sets processed_at), so that all waiting payments take turns: the
        // oldest ones, which may wait for good, would otherwise fill every round.
        this.waiting = new io.channelhub.hub.persistence.WorkQueue(jdbi, "billing_events",
                "status = '" + Status.WAITING.wire() + "'", "", "processed_at");
        this.json = json;
        this.invoices = invoices;
        this.subscriptions = subscriptions;
        this.tenants = tenants;
        this.audit = audit;
        this.webhooks = webhooks;
        this.clock = clock;
    }

    /** Stores a gateway event; returns its id when it is new, empty for a repeat. */
    public Optional<String> store(String gatewayId, io.channelhub.plugin.InboundEvent e) {
        String tenant;
        String charge = null;
        String type;
        if (e instanceof PaymentEvent p) {
            charge = p.gatewayChargeId();
            tenant = invoices.byCharge(p.gatewayChargeId(), p.reference()).map(Invoices.Invoice::tenantId)
                    .or(() -> recurring(p.gatewaySubscriptionId())).orElse(null);
            type = "payment";
        } else if (e instanceof SubscriptionEvent s) {
            tenant = recurring(s.gatewaySubscriptionId()).orElse(null);
            type = "subscription";
        } else {
            throw new IllegalArgumentException("not a billing event: " + e.getClass().getName());
        }
        String id = Ids.newId("bev");
        String chargeId = charge;
        try {
            String payload = json.writeValueAsString(e);
            jdbi.useHandle(h -> h.createUpdate("INSERT INTO billing_events (id, tenant_id, gateway_id, external_id, "
                            + "gateway_charge_id, payload, status, event_type, received_at) VALUES (:id, :t, :g, :x, :c, "
                            + ":p, :s, :type, :now)").bind("s", Status.PENDING.wire())
                    .bind("id", id).bind("t", tenant).bind("g", gatewayId).bind("x", e.externalId())
                    .bind("c", chargeId).bind("p", payload).bind("type", type).bind("now", clock.instant()).execute());
            return Optional.of(id);
        } catch (JsonProcessingException ex) {
            throw new IllegalStateException(ex);
        } catch (RuntimeException ex) {
            if (Constraints.isUniqueViolation(ex)) {
                return Optional.empty();
            }
            throw ex;
        }
    }

    private Optional<String> recurring(String gatewaySubscriptionId) {
        return gatewaySubscriptionId == null ? Optional.empty()
                : subscriptions.byGatewaySubscription(gatewaySubscriptionId).map(Subscriptions.Subscription::tenantId);
    }

    /**
     * Applies pending events, oldest first (the webhook's request starts this; a job catches up after a crash). A
     * recurring charge's payment that comes before the hub closed the period it pays waits for that invoice.
     */
    public void processPending() {
        Instant now = clock.instant();
        // New events first, then the waiting ones: a payment whose invoice never comes (its subscription deleted at
        // the gateway) waits for good, and enough of them, older than any new event, filled every round before.
        List<String> due = new java.util.ArrayList<>(pending.due(now, ROUND, String.class));
        due.addAll(waiting.due(now, ROUND, String.class));
        for (String id : due) {
            // Every replica runs this (webhooks and the job): the lease lets one of them apply each event.
            if (!queue.claim(id, now, clock.instant().plus(LEASE))) {
                continue;
            }
            Optional<String[]> row = jdbi.withHandle(h -> h.createQuery("SELECT id, payload, event_type FROM "
                            + "billing_events WHERE id = :id").bind("id", id)
                    .map((rs, ctx) -> new String[] {rs.getString("id"), rs.getString("payload"),
                            rs.getString("event_type")}).findOne());
            row.ifPresent(this::process);
        }
    }

    /** What waits to be applied, for the backlog gauges. */
    public io.channelhub.hub.persistence.WorkQueue.Backlog backlog() {
        return queue.backlog(clock.instant());
    }

    /** Runs {@code hook} for every event that fails to apply. */
    public void onFailed(Runnable hook) {
        this.onFailed = hook;
    }

    private void process(String[] r) {
        String id = r[0];
        Status status;
        try {
            if ("subscription".equals(r[2])) {
                status = subscriptionEvent(json.readValue(r[1], SubscriptionEvent.class)) ? Status.PROCESSED
                        : Status.IGNORED;
            } else {
                PaymentEvent e = json.readValue(r[1], PaymentEvent.class);
                status = apply(e.gatewayChargeId(), e.reference(), e.status()) ? Status.PROCESSED
                        : attachRecurring(e) ? Status.PROCESSED : e.gatewaySubscriptionId() != null ? Status.WAITING
                        : Status.IGNORED;
            }
        } catch (JsonProcessingException | RuntimeException ex) {
            LOG.warn("Billing event {} could not be applied", id, ex);
            status = Status.FAILED;
            onFailed.run();
        }
        String s = status.wire();
        jdbi.useHandle(h -> h.createUpdate("UPDATE billing_events SET status = :s, processed_at = :now, "
                        + "locked_until = NULL WHERE id = :id")
                .bind("s", s).bind("now", clock.instant()).bind("id", id).execute());
    }

    /** Applies a charge's status to its invoice and subscription; false when no invoice of the hub matches. */
    boolean apply(String chargeId, String reference, Charge.ChargeStatus status) {
        Optional<Invoices.Invoice> found = invoices.byCharge(chargeId, reference);
        if (found.isEmpty()) {
            return false;
        }
        Invoices.Invoice inv = found.get();
        Optional<Invoices.Status> changed = invoices.apply(inv, status);
        if (changed.isEmpty()) {
            return true;
        }
        String tenantId = inv.tenantId();
        Map<String, Object> data = Map.of("invoice_id", inv.id(), "status", changed.get().wire(), "total_minor",
                inv.totalMinor(), "currency", inv.currency());
        audit.success(null, tenantId, "invoice." + changed.get().wire(), "invoice", inv.id(), data);
        webhooks.emit(tenantId, "invoice.updated", data);
        var sub = subscriptions.of(tenantId);
        switch (changed.get()) {
            case PAID -> {
                if (sub.isPresent() && invoices.overdueCount(tenantId) == 0
                        && (sub.get().is(Subscriptions.Status.PAST_DUE)
                        || sub.get().is(Subscriptions.Status.SUSPENDED))) {
                    boolean wasSuspended = sub.get().is(Subscriptions.Status.SUSPENDED);
                    subscriptions.status(tenantId, Subscriptions.Status.ACTIVE);
                    event(tenantId, "subscription.active", Map.of("reason", "paid", "invoice_id", inv.id()));
                    if (wasSuspended && tenants.get(tenantId).status() == TenantStatus.SUSPENDED) {
                        tenants.setStatus(tenantId, TenantStatus.ACTIVE);
                        event(tenantId, "tenant.reactivated", Map.of("reason", "paid", "invoice_id", inv.id()));
                    }
                }
            }
            case OVERDUE -> {
                if (sub.isPresent() && (sub.get().is(Subscriptions.Status.ACTIVE)
                        || sub.get().is(Subscriptions.Status.TRIALING))) {
                    subscriptions.status(tenantId, Subscriptions.Status.PAST_DUE);
                    event(tenantId, "subscription.past_due", Map.of("invoice_id", inv.id()));
                }
            }
            default -> {
            }
        }
        return true;
    }

    /** A recurring charge's payment: attached to the subscription's open invoice, then applied. */
    private boolean attachRecurring(PaymentEvent e) {
        if (e.gatewaySubscriptionId() == null) {
            return false;
        }
        Optional<String> tenant = recurring(e.gatewaySubscriptionId());
        if (tenant.isEmpty() || invoices.attach(tenant.get(), e.gatewayChargeId()).isEmpty()) {
            return false;
        }
        return apply(e.gatewayChargeId(), null, e.status());
    }

    /**
     * The gateway deleted a recurring charge: the hub's subscription ends too. A deactivated one (Asaas's INACTIVE,
     * which can be resumed) only tells the operator: invoices go on being issued and wait for payment.
     */
    private boolean subscriptionEvent(SubscriptionEvent e) {
        Optional<Subscriptions.Subscription> s = subscriptions.byGatewaySubscription(e.gatewaySubscriptionId());
        if (s.isEmpty()) {
            return false;
        }
        if (e.status() == SubscriptionEvent.Status.DELETED && s.get().live()) {
            subscriptions.status(s.get().tenantId(), Subscriptions.Status.CANCELED);
            event(s.get().tenantId(), "subscription.canceled", Map.of("reason", "gateway_deleted",
                    "gateway_subscription_id", e.gatewaySubscriptionId()));
        } else if (e.status() == SubscriptionEvent.Status.INACTIVE) {
            event(s.get().tenantId(), "subscription.gateway_inactive", Map.of("gateway_subscription_id",
                    e.gatewaySubscriptionId()));
        }
        return true;
    }

    /** Suspends the tenants whose subscription stayed past due beyond the grace. */
    public void suspendPastGrace(Duration grace) {
        for (Subscriptions.Subscription s : subscriptions.pastDueSince(clock.instant().minus(grace))) {
            subscriptions.status(s.tenantId(), Subscriptions.Status.SUSPENDED);
            event(s.tenantId(), "subscription.suspended", Map.of("reason", "non_payment", "past_due_since",
                    s.pastDueSince().toString()));
            if (tenants.get(s.tenantId()).status() == TenantStatus.ACTIVE) {
                tenants.setStatus(s.tenantId(), TenantStatus.SUSPENDED);
                event(s.tenantId(), "tenant.suspended", Map.of("reason", "non_payment"));
            }
        }
    }

    private void event(String tenantId, String type, Map<String, Object> data) {
        audit.success(null, tenantId, type, "subscription", tenantId, data);
        webhooks.emit(tenantId, type.startsWith("tenant.") ? type : "subscription.updated",
                new java.util.LinkedHashMap<>(Map.of("change", type, "details", data)));
    }
}
