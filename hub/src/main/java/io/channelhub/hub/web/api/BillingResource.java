package io.channelhub.hub.web.api;

import io.dropwizard.auth.Auth;
import io.channelhub.hub.billing.BillingConfig;
import io.channelhub.hub.billing.BillingJobs;
import io.channelhub.hub.billing.GatewayAccounts;
import io.channelhub.hub.billing.Invoices;
import io.channelhub.hub.billing.Plans;
import io.channelhub.hub.billing.Subscriptions;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonNaming;
import io.channelhub.hub.acl.AccessControl;
import io.channelhub.hub.audit.AuditLog;
import io.channelhub.hub.identity.Caller;
import io.channelhub.hub.identity.Permission;
import io.channelhub.hub.errors.ApiException;
import io.channelhub.hub.errors.HubFailure;
import io.channelhub.hub.limits.Quotas;
import io.channelhub.hub.web.TenantScope;
import io.channelhub.plugin.billing.GatewayException;
import io.channelhub.plugin.billing.PaymentLinkRequest;
import io.channelhub.plugin.billing.PaymentMethod;
import jakarta.validation.Valid;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Size;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.PUT;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Billing routes: the operator's plans, gateway and runs, and each tenant's subscription and invoices. */
public final class BillingResource {

    private BillingResource() {
    }

    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    public record CreatePlan(String code, String name, long priceMinor, String currency, String billingCycle,
                             Integer trialDays, Map<String, Long> included, Map<String, Plans.Overage> overage,
                             List<Plans.PlanQuota> quotas, Boolean gatewayRecurring) {
    }

    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    public record GatewayInput(@NotNull String pluginId, Map<String, Object> settings) {
    }

    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    public record BillingProfileInput(String legalName, String taxId, String email) {
    }

    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    public record SubscribeInput(@NotNull String planCode, @NotNull @Valid BillingProfileInput billing,
                                 String paymentMethod, Instant startAt) {
    }

    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    public record RefundInput(Long amountMinor) {
    }

    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    public record CreditInput(long amountMinor, String currency, @Size(max = 300) String reason, String invoiceId) {
    }

    /** What the API shows of an invoice. */
    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    public record InvoiceView(String id, String status, Instant periodStart, Instant periodEnd, String currency,
                              long subtotalMinor, long creditMinor, long totalMinor, String dueDate,
                              String paymentMethod, Map<String, String> paymentData, Instant issuedAt, Instant paidAt,
                              List<Invoices.Line> lines) {
        static InvoiceView of(Invoices.Invoice i, List<Invoices.Line> lines) {
            return new InvoiceView(i.id(), i.status(), i.periodStart(), i.periodEnd(), i.currency(), i.subtotalMinor(),
                    i.creditMinor(), i.totalMinor(), i.dueDate() == null ? null : i.dueDate().toString(),
                    i.paymentMethod(), i.paymentData(), i.issuedAt(), i.paidAt(), lines);
        }
    }

    /** Everything a route needs. */
    public record Services(Plans plans, Subscriptions subscriptions, Invoices invoices, GatewayAccounts gateways,
                           BillingJobs jobs, Quotas quotas, BillingConfig config, AccessControl access,
                           AuditLog audit, java.time.Clock clock) {
    }

    static Map<String, Object> subscriptionView(Services s, String tenantId) {
        var found = s.subscriptions().of(tenantId);
        if (found.isEmpty()) {
            // Not subscribed is a state, not a missing resource.
            Map<String, Object> none = new LinkedHashMap<>();
            none.put("id", null);
            none.put("status", "none");
            return none;
        }
        Subscriptions.Subscription sub = found.get();
        Plans.Plan plan = s.plans().get(sub.planId());
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("id", sub.id());
        out.put("status", sub.status());
        out.put("plan", Map.of("code", plan.code(), "name", plan.name(), "price_minor", plan.priceMinor(),
                "currency", plan.currency(), "billing_cycle", plan.billingCycle()));
        out.put("current_period_start", sub.periodStart());
        out.put("current_period_end", sub.periodEnd());
        out.put("trial_ends_at", sub.trialEndsAt());
        out.put("past_due_since", sub.pastDueSince());
        out.put("payment_method", sub.paymentMethod());
        s.subscriptions().profile(tenantId).ifPresent(p -> out.put("billing", Map.of("legal_name", p.legalName(),
                "tax_id", p.taxId(), "email", p.email())));
        return out;
    }

    static List<InvoiceView> invoices(Services s, String tenantId) {
        return s.invoices().list(tenantId).stream().map(i -> InvoiceView.of(i, s.invoices().lines(tenantId, i.id())))
                .toList();
    }

    static InvoiceView invoice(Services s, String tenantId, String id) {
        Invoices.Invoice i = s.invoices().find(tenantId, id).orElseThrow(() -> ApiException.notFound("invoice"));
        return InvoiceView.of(i, s.invoices().lines(tenantId, id));
    }

    static GatewayAccounts.Usable usableGateway(Services s) {
        return s.gateways().usable().orElseThrow(() -> ApiException.conflict("no_gateway",
                "no billing gateway is configured"));
    }

    /** A refusal the caller can fix is 422; one worth retrying (gateway down, throttled) is 503. */
    static ApiException gatewayRefused(GatewayException e) {
        return new ApiException(e.retryable() ? 503 : 422, "gateway_error", "the gateway refused: " + e.code(),
                Map.of("gateway_code", e.code()));
    }

    /** The operator's plans, gateway account and billing runs. */
    @Path("/admin/billing")
    @Produces(MediaType.APPLICATION_JSON)
    @Consumes(MediaType.APPLICATION_JSON)
    public static class Platform {
        private final Services s;

        public Platform(Services s) {
            this.s = s;
        }

        private Caller admin(Caller c) {
            s.access().require(c, c.tenantId(), Permission.PLATFORM_ADMIN);
            return c;
        }

        @GET
        @Path("/plans")
        public Map<String, Object> plans(@Auth Caller caller) {
            admin(caller);
            return Map.of("data", s.plans().list());
        }

        @POST
        @Path("/plans")
        public Response createPlan(@Auth Caller caller, @NotNull CreatePlan body) {
            Caller c = admin(caller);
            Plans.Plan p = s.plans().create(body.code(), body.name(), body.priceMinor(), body.currency(),
                    body.billingCycle(), body.trialDays(), body.included(), body.overage(), body.quotas(),
                    Boolean.TRUE.equals(body.gatewayRecurring()));
            s.audit().success(c, null, "plan.create", "plan", p.id(), Map.of("code", p.code()));
            return Response.status(201).entity(p).build();
        }

        @POST
        @Path("/plans/{code}/deactivate")
        public Plans.Plan deactivate(@Auth Caller caller, @PathParam("code") String code) {
            Caller c = admin(caller);
            Plans.Plan p = s.plans().deactivate(code);
            s.audit().success(c, null, "plan.deactivate", "plan", p.id(), Map.of("code", code));
            return p;
        }

        @GET
        @Path("/gateway")
        public Map<String, Object> gateway(@Auth Caller caller) {
            admin(caller);
            return view(s.gateways().current().orElseThrow(() -> ApiException.notFound("billing gateway")));
        }

        @PUT
        @Path("/gateway")
        public Map<String, Object> putGateway(@Auth Caller caller, @NotNull @Valid GatewayInput body) {
            Caller c = admin(caller);
            GatewayAccounts.Account a = s.gateways().put(body.pluginId(), body.settings());
            s.audit().success(c, null, "billing_gateway.update", "billing_gateway", a.id(),
                    Map.of("plugin_id", a.pluginId(), "settings_changed", body.settings() == null ? List.of()
                            : body.settings().keySet().stream().sorted().toList()));
            return view(a);
        }

        private static Map<String, Object> view(GatewayAccounts.Account a) {
            return Map.of("id", a.id(), "plugin_id", a.pluginId(), "settings", GatewayAccounts.masked(a),
                    "webhook_path", "/hooks/gateways/" + a.id());
        }

        /** Closes ended periods, charges, applies events, checks the grace and reconciles, now. */
        @POST
        @Path("/run")
        public Map<String, Object> run(@Auth Caller caller) {
            Caller c = admin(caller);
            List<Invoices.Invoice> closed = s.jobs().run();
            s.audit().success(c, null, "billing.run", "billing", null, Map.of("invoices", closed.size()));
            return Map.of("invoices", closed.stream().map(i -> Map.of("id", i.id(), "tenant_id", i.tenantId(),
                    "total_minor", i.totalMinor())).toList());
        }

        @POST
        @Path("/reconcile")
        public Map<String, Object> reconcile(@Auth Caller caller) {
            admin(caller);
            return Map.of("changed", s.jobs().reconcile());
        }
    }

    /** One tenant's billing, for the operator. */
    @Produces(MediaType.APPLICATION_JSON)
    @Consumes(MediaType.APPLICATION_JSON)
    public static final class Managed {
        private final Services s;

        public Managed(Services s) {
            this.s = s;
        }

        private String tenant(Caller c, TenantScope scope) {
            s.access().require(c, c.tenantId(), Permission.PLATFORM_ADMIN);
            return scope.tenantId();
        }

        @GET
        @Path("/subscription")
        public Map<String, Object> subscription(@Auth Caller caller, @Context TenantScope scope) {
            return subscriptionView(s, tenant(caller, scope));
        }

        /** Subscribes the tenant, or changes its plan (the current period closes now, pro-rated). */
        @PUT
        @Path("/subscription")
        public Map<String, Object> subscribe(@Auth Caller c, @Context TenantScope scope,
                                             @NotNull @Valid SubscribeInput body) {
            String tenantId = tenant(c, scope);
            Plans.Plan plan = s.plans().byCode(body.planCode()).filter(Plans.Plan::active)
                    .orElseThrow(() -> ApiException.unprocessable("unknown_plan", "no active plan " + body.planCode(),
                            Map.of("field", "plan_code")));
            if (body.paymentMethod() != null && !List.of("PIX", "BOLETO", "CREDIT_CARD", "UNDEFINED")
                    .contains(body.paymentMethod())) {
                throw ApiException.unprocessable("invalid_field", "payment_method is PIX, BOLETO, CREDIT_CARD or "
                        + "UNDEFINED", Map.of("field", "payment_method"));
            }
            Instant now = s.clock().instant();
            if (body.startAt() != null && body.startAt().isAfter(now)) {
                throw ApiException.unprocessable("invalid_field", "start_at cannot be in the future",
                        Map.of("field", "start_at"));
            }
            s.subscriptions().saveProfile(tenantId, body.billing().legalName(), body.billing().taxId(),
                    body.billing().email());
            var current = s.subscriptions().of(tenantId).filter(Subscriptions.Subscription::live);
            if (current.isPresent() && !current.get().planId().equals(plan.id())) {
                var sub = current.get();
                // A plan change ends a trial; any other status carries over to the new period.
                Subscriptions.Status next = sub.is(Subscriptions.Status.TRIALING) ? Subscriptions.Status.ACTIVE
                        : Subscriptions.Status.read(sub.status());
                s.invoices().closeEarly(sub, now, s.config().getDueDays(), h -> s.subscriptions().advance(h, sub,
                        plan.id(), now, Subscriptions.periodEnd(now, plan.billingCycle()), next));
                // A recurring charge at the gateway was for the old plan's price.
                s.invoices().stopRecurring(sub);
                s.subscriptions().gatewaySubscriptionId(tenantId, null);
                s.audit().success(c, tenantId, "subscription.change_plan", "subscription", sub.id(),
                        Map.of("from", s.plans().get(sub.planId()).code(), "to", plan.code()));
            } else if (current.isEmpty()) {
                var sub = s.subscriptions().create(tenantId, plan, body.startAt() == null ? now : body.startAt(),
                        body.paymentMethod());
                s.audit().success(c, tenantId, "subscription.create", "subscription", sub.id(),
                        Map.of("plan", plan.code()));
            }
            for (Plans.PlanQuota q : plan.quotas()) {
                try {
                    s.quotas().create(tenantId, q.usageType(), q.period(), q.limit(), q.mode(), null);
                } catch (HubFailure e) {
                    if (!"quota_exists".equals(e.code())) {
                        throw e;
                    }
                    // The tenant already has its own quota for this type and period: it wins over the plan's.
                }
            }
            s.jobs().kickCharge();
            return subscriptionView(s, tenantId);
        }

        @POST
        @Path("/subscription/cancel")
        public Map<String, Object> cancel(@Auth Caller caller, @Context TenantScope scope) {
            String tenantId = tenant(caller, scope);
            var sub = s.subscriptions().of(tenantId).filter(Subscriptions.Subscription::live)
                    .orElseThrow(() -> ApiException.notFound("subscription"));
            Instant now = s.clock().instant();
            s.invoices().closeEarly(sub, now, s.config().getDueDays(), h -> s.subscriptions().advance(h, sub,
                    sub.planId(), sub.periodStart(), now, Subscriptions.Status.CANCELED));
            s.subscriptions().status(tenantId, Subscriptions.Status.CANCELED);
            s.invoices().stopRecurring(sub);
            s.audit().success(caller, tenantId, "subscription.cancel", "subscription", sub.id(),
                    Map.of());
            s.jobs().kickCharge();
            return subscriptionView(s, tenantId);
        }

        @GET
        @Path("/invoices")
        public Map<String, Object> invoices(@Auth Caller caller, @Context TenantScope scope) {
            return Map.of("data", BillingResource.invoices(s, tenant(caller, scope)));
        }

        @GET
        @Path("/invoices/{invoiceId}")
        public InvoiceView invoice(@Auth Caller caller, @Context TenantScope scope,
                                   @PathParam("invoiceId") String id) {
            return BillingResource.invoice(s, tenant(caller, scope), id);
        }

        @POST
        @Path("/invoices/{invoiceId}/payment-link")
        public Map<String, Object> paymentLink(@Auth Caller caller, @Context TenantScope scope,
                                               @PathParam("invoiceId") String id) {
            String tenantId = tenant(caller, scope);
            Invoices.Invoice inv = s.invoices().find(tenantId, id).orElseThrow(() -> ApiException.notFound("invoice"));
            if (!inv.is(Invoices.Status.OPEN) && !inv.is(Invoices.Status.OVERDUE)) {
                // A paid, void or refunded invoice must not be paid (again).
                throw ApiException.conflict("not_payable", "only an open or overdue invoice is paid");
            }
            var g = usableGateway(s);
            try {
                var link = g.gateway().createPaymentLink(new PaymentLinkRequest(inv.id(), "Fatura " + inv.id(),
                        PaymentMethod.UNDEFINED, inv.totalMinor(), inv.currency(), 10), s.gateways().context(g,
                        tenantId));
                return Map.of("url", link.url(), "gateway_link_id", link.gatewayLinkId());
            } catch (GatewayException e) {
                throw gatewayRefused(e);
            }
        }

        /** Refunds a paid invoice at the gateway, in full or {@code amount_minor} of it. */
        @POST
        @Path("/invoices/{invoiceId}/refund")
        public InvoiceView refund(@Auth Caller caller, @Context TenantScope scope, @PathParam("invoiceId") String id,
                                  RefundInput body) {
            String tenantId = tenant(caller, scope);
            Invoices.Invoice inv = s.invoices().find(tenantId, id).orElseThrow(() -> ApiException.notFound("invoice"));
            if (!inv.is(Invoices.Status.PAID) || inv.gatewayChargeId() == null) {
                throw ApiException.conflict("not_refundable", "only a paid invoice charged at the gateway is refunded");
            }
            Long amount = body == null ? null : body.amountMinor();
            if (amount != null && (amount <= 0 || amount > inv.totalMinor())) {
                throw ApiException.unprocessable("invalid_field", "amount_minor is 1 to the invoice's total",
                        Map.of("field", "amount_minor"));
            }
            var g = usableGateway(s);
            try {
                g.gateway().refundCharge(inv.gatewayChargeId(), amount, s.gateways().context(g, tenantId));
            } catch (GatewayException e) {
                throw gatewayRefused(e);
            }
            if (amount == null || amount == inv.totalMinor()) {
                s.invoices().apply(inv, io.channelhub.plugin.billing.Charge.ChargeStatus.REFUNDED);
            }
            s.audit().success(caller, tenantId, "invoice.refund", "invoice", id,
                    Map.of("amount_minor", amount == null ? inv.totalMinor() : amount));
            return BillingResource.invoice(s, tenantId, id);
        }

        /** Voids an unpaid invoice, canceling its charge at the gateway. */
        @POST
        @Path("/invoices/{invoiceId}/void")
        public InvoiceView voidInvoice(@Auth Caller caller, @Context TenantScope scope,
                                       @PathParam("invoiceId") String id) {
            String tenantId = tenant(caller, scope);
            Invoices.Invoice inv = s.invoices().find(tenantId, id).orElseThrow(() -> ApiException.notFound("invoice"));
            if (!inv.is(Invoices.Status.OPEN) && !inv.is(Invoices.Status.OVERDUE)) {
                throw ApiException.conflict("not_voidable", "only an open or overdue invoice is voided");
            }
            if (inv.gatewayChargeId() != null) {
                var g = usableGateway(s);
                try {
                    g.gateway().cancelCharge(inv.gatewayChargeId(), s.gateways().context(g, tenantId));
                } catch (GatewayException e) {
                    throw gatewayRefused(e);
                }
            }
            s.invoices().apply(inv, io.channelhub.plugin.billing.Charge.ChargeStatus.CANCELED);
            // A charge stored by a billing run that was creating it while this request read the invoice: void now,
            // so no later charge sticks (Invoices.charge cancels its own), and this one is canceled here.
            String late = s.invoices().find(tenantId, id).map(Invoices.Invoice::gatewayChargeId).orElse(null);
            if (late != null && !late.equals(inv.gatewayChargeId())) {
                var g = usableGateway(s);
                try {
                    g.gateway().cancelCharge(late, s.gateways().context(g, tenantId));
                } catch (GatewayException e) {
                    throw gatewayRefused(e);
                }
            }
            s.audit().success(caller, tenantId, "invoice.void", "invoice", id, Map.of());
            return BillingResource.invoice(s, tenantId, id);
        }

        @GET
        @Path("/credit-notes")
        public Map<String, Object> credits(@Auth Caller caller, @Context TenantScope scope) {
            return Map.of("data", s.invoices().credits(tenant(caller, scope)));
        }

        @POST
        @Path("/credit-notes")
        public Response credit(@Auth Caller caller, @Context TenantScope scope, @NotNull CreditInput body) {
            String tenantId = tenant(caller, scope);
            if (body.invoiceId() != null) {
                s.invoices().find(tenantId, body.invoiceId()).orElseThrow(() -> ApiException.notFound("invoice"));
            }
            Map<String, Object> note = s.invoices().credit(tenantId, body.amountMinor(), body.currency(),
                    body.reason(), body.invoiceId());
            s.audit().success(caller, tenantId, "credit_note.create", "credit_note",
                    (String) note.get("id"), note);
            return Response.status(201).entity(note).build();
        }
    }

    /** The caller's own subscription and invoices (admins of the tenant). */
    @Produces(MediaType.APPLICATION_JSON)
    public static final class Own {
        private final Services s;

        public Own(Services s) {
            this.s = s;
        }

        private String tenant(Caller c, TenantScope scope) {
            String tenantId = scope.tenantId();
            s.access().require(c, tenantId, Permission.USAGE_READ);
            return tenantId;
        }

        @GET
        @Path("/subscription")
        public Map<String, Object> subscription(@Auth Caller caller, @Context TenantScope scope) {
            return subscriptionView(s, tenant(caller, scope));
        }

        @GET
        @Path("/invoices")
        public Map<String, Object> invoices(@Auth Caller caller, @Context TenantScope scope) {
            return Map.of("data", BillingResource.invoices(s, tenant(caller, scope)));
        }

        @GET
        @Path("/invoices/{invoiceId}")
        public InvoiceView invoice(@Auth Caller caller, @Context TenantScope scope,
                                   @PathParam("invoiceId") String id) {
            return BillingResource.invoice(s, tenant(caller, scope), id);
        }
    }
}
