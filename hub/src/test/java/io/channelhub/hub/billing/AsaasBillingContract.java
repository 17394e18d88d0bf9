package io.channelhub.hub.billing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.channelhub.hub.support.FakeAsaasApi;
import io.channelhub.hub.support.HubIntegrationTest;
import io.channelhub.hub.support.TestHub;
import io.channelhub.hub.support.TestHub.Reply;
import io.dropwizard.testing.ConfigOverride;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Billing with the bundled Asaas plugin against a fake Asaas API that checks the documented shapes: subscribe,
 * invoice, PIX charge, the PAYMENT_RECEIVED webhook, an invoice paid; webhooks authenticated by their token and
 * stored once; overdue → suspended → paid → active; reconciliation of a payment whose webhook never came.
 */
abstract class AsaasBillingContract extends HubIntegrationTest {

    static final String API_KEY = "$aact_test_key_of_the_integrator";
    static final String TOKEN = "webhook-token-of-the-integrator";
    static final String ROOT = TestHub.ROOT_KEY;

    static FakeAsaasApi asaas;
    String plan;
    String hook;

    @Override
    protected ConfigOverride[] overrides() {
        try {
            asaas = new FakeAsaasApi(API_KEY);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return new ConfigOverride[] {
            ConfigOverride.config("billing.jobInterval", "1h"),
            ConfigOverride.config("billing.overdueGrace", "1s"),
            ConfigOverride.config("billing.reconcileAfter", "0s")};
    }

    @Override
    protected void morePlugins(Path dir) {
        io.channelhub.hub.support.TestPlugins.copyBundled(dir, "billing-asaas");
    }

    @AfterAll
    void stopAsaas() {
        asaas.close();
    }

    @BeforeAll
    void gateway() {
        JsonNode g = TestHub.check(hub.send(ROOT, "PUT", "/admin/billing/gateway", Map.of("plugin_id", "billing-asaas",
                "settings", Map.of("api_key", API_KEY, "webhook_token", TOKEN, "base_url", asaas.baseUrl(),
                        "default_method", "PIX"))), 200).json();
        hook = g.get("webhook_path").asText();
        plan = "plano-" + Long.toString(System.nanoTime() % 1_000_000, 36);
        TestHub.check(hub.post(ROOT, "/admin/billing/plans", Map.of("code", plan, "name", "Plano Pro",
                "price_minor", 19990)), 201);
    }

    /** A tenant subscribed a month ago, its first period closed into a charged invoice. */
    JsonNode invoicedTenant(String[] tenantOut) {
        String t = hub.createTenant(slug("pay"));
        tenantOut[0] = t;
        TestHub.check(hub.send(ROOT, "PUT", "/admin/tenants/" + t + "/billing/subscription", Map.of("plan_code", plan,
                "billing", Map.of("legal_name", "Padaria Pão Quente Ltda", "tax_id", "11.222.333/0001-81", "email",
                        "contas@padaria.example"), "start_at", BillingContract.monthAgo().toString())), 200);
        TestHub.check(hub.post(ROOT, "/admin/billing/run", null), 200);
        JsonNode invoice = hub.get(ROOT, "/admin/tenants/" + t + "/billing/invoices").json().get("data").get(0);
        // The jobs thread (kicked by the subscription) may be the one charging it, after this run returned.
        String id = invoice.get("id").asText();
        await().atMost(Duration.ofSeconds(10)).until(() -> asaas.payments().stream()
                .anyMatch(p -> id.equals(p.path("externalReference").asText())));
        return hub.get(ROOT, "/admin/tenants/" + t + "/billing/invoices/" + id).json();
    }

    String paymentOf(String invoiceId) {
        return asaas.payments().stream().filter(p -> invoiceId.equals(p.path("externalReference").asText()))
                .findFirst().orElseThrow().path("id").asText();
    }

    Reply webhook(String body, String token) {
        Map<String, String> h = new LinkedHashMap<>();
        h.put("Content-Type", "application/json");
        if (token != null) {
            h.put(FakeAsaasApi.WEBHOOK_TOKEN_HEADER, token);
        }
        return hub.call("POST", hook, h, body);
    }

    String invoiceStatus(String tenantId, String invoiceId) {
        return hub.get(ROOT, "/admin/tenants/" + tenantId + "/billing/invoices/" + invoiceId).json().get("status")
                .asText();
    }

    long events(String externalId) {
        return hub.app().jdbi().withHandle(h -> h.createQuery("SELECT COUNT(*) FROM billing_events WHERE external_id = "
                + ":x").bind("x", externalId).mapTo(Long.class).one());
    }

    @Test
    void theGatewaysSecretsAreNeverShown() {
        JsonNode g = hub.get(ROOT, "/admin/billing/gateway").json();
        assertThat(g.toString()).doesNotContain(API_KEY).doesNotContain(TOKEN);
        assertThat(hub.send(ROOT, "PUT", "/admin/billing/gateway", Map.of("plugin_id", "no-such-gateway"))
                .code()).isEqualTo("unknown_gateway");
    }

    @Test
    void subscribeInvoiceAPixPaymentAndItsWebhookMarkTheInvoicePaid() {
        String[] t = new String[1];
        JsonNode inv = invoicedTenant(t);
        assertThat(inv.get("total_minor").asLong()).isEqualTo(19990);
        assertThat(inv.get("payment_method").asText()).isEqualTo("PIX");
        assertThat(inv.get("payment_data").get("pix_copy_paste").asText()).isNotBlank();
        assertThat(inv.get("payment_data").get("invoice_url").asText()).startsWith("http");
        String payment = paymentOf(inv.get("id").asText());
        JsonNode p = asaas.payment(payment);
        assertThat(p.path("value").decimalValue()).isEqualByComparingTo("199.90");
        assertThat(p.path("billingType").asText()).isEqualTo("PIX");
        assertThat(asaas.customer(p.path("customer").asText()).path("cpfCnpj").asText()).isEqualTo("11222333000181");
        assertThat(asaas.problems()).isEmpty();

        asaas.setPaymentStatus(payment, "RECEIVED");
        String body = asaas.paymentWebhook("evt_rcv_" + payment, "PAYMENT_RECEIVED", payment);
        assertThat(webhook(body, TOKEN).status()).isEqualTo(200);
        assertThat(webhook(body, TOKEN).status()).as("Asaas's retry of the same event").isEqualTo(200);
        await().atMost(Duration.ofSeconds(10)).until(() -> "paid".equals(invoiceStatus(t[0], inv.get("id").asText())));
        assertThat(events("evt_rcv_" + payment)).isEqualTo(1);

        // Running again charges nothing more: one payment for the invoice.
        TestHub.check(hub.post(ROOT, "/admin/billing/run", null), 200);
        assertThat(asaas.paymentCreations().stream().filter(r -> inv.get("id").asText().equals(r.json()
                .path("externalReference").asText())).count()).isEqualTo(1);
    }

    /**
     * Payments that wait for an invoice that will never come (their subscription was deleted at the gateway) are
     * tried again every round, and there may be many of them, all older than a new event: the new event is still
     * applied at once (it used to sit behind the oldest 200 waiting ones for good).
     */
    @Test
    void paymentsWaitingForGoodDoNotHoldBackANewOne() {
        String gateway = hub.app().jdbi().withHandle(h -> h.createQuery("SELECT gateway_id FROM billing_events "
                + "ORDER BY received_at LIMIT 1").mapTo(String.class).findOne()).orElse("gw_seeded");
        hub.app().jdbi().useHandle(h -> {
            var insert = h.prepareBatch("INSERT INTO billing_events (id, tenant_id, gateway_id, external_id, "
                    + "gateway_charge_id, payload, status, event_type, received_at) VALUES (:id, NULL, :g, :id, :c, "
                    + ":p, 'waiting', 'payment', :at)");
            java.time.Instant at = java.time.Instant.now().minus(Duration.ofDays(3));
            for (int i = 0; i < BillingEvents.ROUND + 50; i++) {
                String id = "bev_waiting_" + System.nanoTime() + "_" + i;
                insert.bind("id", id).bind("g", gateway).bind("c", "pay_gone_" + i).bind("p", "{\"externalId\":\""
                        + id + "\",\"gatewayChargeId\":\"pay_gone_" + i + "\",\"status\":\"CONFIRMED\","
                        + "\"amountMinor\":9900,\"gatewaySubscriptionId\":\"sub_deleted\"}")
                        .bind("at", at.plusMillis(i)).add();
            }
            insert.execute();
        });
        String[] t = new String[1];
        JsonNode inv = invoicedTenant(t);
        String payment = paymentOf(inv.get("id").asText());
        asaas.setPaymentStatus(payment, "RECEIVED");
        assertThat(webhook(asaas.paymentWebhook("evt_new_" + payment, "PAYMENT_RECEIVED", payment), TOKEN).status())
                .isEqualTo(200);
        await().atMost(Duration.ofSeconds(10)).until(() -> "paid".equals(invoiceStatus(t[0], inv.get("id").asText())));
        long waiting = hub.app().jdbi().withHandle(h -> h.createQuery("SELECT COUNT(*) FROM billing_events WHERE "
                + "status = 'waiting' AND external_id LIKE 'bev_waiting_%'").mapTo(Long.class).one());
        assertThat(waiting).as("the waiting ones still wait").isGreaterThanOrEqualTo(BillingEvents.ROUND + 50);
    }

    @Test
    void concurrentBillingRunsChargeAnInvoiceOnce() throws Exception {
        // The jobs thread (kicked by the subscription), operators' "run now" and other replicas all charge open
        // invoices; with a slow gateway each would find no charge yet and create its own.
        asaas.answerAfter(Duration.ofMillis(150));
        try {
            String t = hub.createTenant(slug("race"));
            TestHub.check(hub.send(ROOT, "PUT", "/admin/tenants/" + t + "/billing/subscription", Map.of("plan_code",
                    plan, "billing", Map.of("legal_name", "Mercado Dois Irmãos Ltda", "tax_id", "11.222.333/0001-81",
                            "email", "contas@mercado.example"), "start_at", BillingContract.monthAgo().toString())),
                    200);
            var pool = java.util.concurrent.Executors.newFixedThreadPool(4);
            try {
                java.util.List<java.util.concurrent.Future<Reply>> runs = new java.util.ArrayList<>();
                for (int i = 0; i < 4; i++) {
                    runs.add(pool.submit(() -> hub.post(ROOT, "/admin/billing/run", null)));
                }
                for (var r : runs) {
                    TestHub.check(r.get(), 200);
                }
            } finally {
                pool.shutdownNow();
            }
            String invoice = hub.get(ROOT, "/admin/tenants/" + t + "/billing/invoices").json().get("data").get(0)
                    .get("id").asText();
            await().atMost(Duration.ofSeconds(10)).until(() -> hub.get(ROOT, "/admin/tenants/" + t
                    + "/billing/invoices/" + invoice).json().path("payment_data").has("invoice_url"));
            assertThat(asaas.paymentCreations().stream().filter(r -> invoice.equals(r.json()
                    .path("externalReference").asText())).count()).as("charges created for one invoice").isEqualTo(1);
        } finally {
            asaas.answerAfter(Duration.ZERO);
        }
    }

    @Test
    void aWebhookWithoutTheRightTokenIsRefusedAndNothingIsStored() {
        String[] t = new String[1];
        JsonNode inv = invoicedTenant(t);
        String payment = paymentOf(inv.get("id").asText());
        String body = asaas.paymentWebhook("evt_forged_" + payment, "PAYMENT_RECEIVED", payment);
        assertThat(webhook(body, "guess").status()).isEqualTo(401);
        assertThat(webhook(body, null).status()).isEqualTo(401);
        assertThat(events("evt_forged_" + payment)).isZero();
        assertThat(invoiceStatus(t[0], inv.get("id").asText())).isEqualTo("open");
    }

    @Test
    void overdueSuspendsTheTenantAfterTheGraceAndPaymentReactivatesIt() {
        String[] t = new String[1];
        JsonNode inv = invoicedTenant(t);
        String key = hub.createKey(t[0], "admin").get("key").asText();
        String payment = paymentOf(inv.get("id").asText());
        asaas.setPaymentStatus(payment, "OVERDUE");
        TestHub.check(webhook(asaas.paymentWebhook("evt_due_" + payment, "PAYMENT_OVERDUE", payment), TOKEN), 200);
        await().atMost(Duration.ofSeconds(10)).until(() -> "past_due".equals(hub.get(ROOT, "/admin/tenants/" + t[0]
                + "/billing/subscription").json().get("status").asText()));
        assertThat(hub.get(key, "/v1/me").status()).as("within the grace").isEqualTo(200);

        await().atMost(Duration.ofSeconds(15)).pollInterval(Duration.ofMillis(500)).until(() -> {
            hub.post(ROOT, "/admin/billing/run", null);
            return "suspended".equals(hub.get(ROOT, "/admin/tenants/" + t[0] + "/billing/subscription").json()
                    .get("status").asText());
        });
        assertThat(hub.get(key, "/v1/me").code()).isEqualTo("tenant_suspended");

        asaas.setPaymentStatus(payment, "RECEIVED");
        TestHub.check(webhook(asaas.paymentWebhook("evt_paid_" + payment, "PAYMENT_RECEIVED", payment), TOKEN), 200);
        await().atMost(Duration.ofSeconds(10)).until(() -> hub.get(key, "/v1/me").status() == 200);
        assertThat(hub.get(ROOT, "/admin/tenants/" + t[0] + "/billing/subscription").json().get("status").asText())
                .isEqualTo("active");
        String audit = hub.get(ROOT, "/admin/tenants/" + t[0] + "/audit?limit=200").body();
        assertThat(audit).contains("tenant.suspended").contains("tenant.reactivated").contains("invoice.paid");
    }

    @Test
    void aPaidInvoiceIsRefundedAndAnUnpaidOneVoidedAtTheGateway() {
        String[] t = new String[1];
        JsonNode inv = invoicedTenant(t);
        String base = "/admin/tenants/" + t[0] + "/billing/invoices/" + inv.get("id").asText();
        assertThat(hub.post(ROOT, base + "/refund", Map.of()).code()).as("not paid yet").isEqualTo("not_refundable");
        String payment = paymentOf(inv.get("id").asText());
        asaas.setPaymentStatus(payment, "RECEIVED");
        TestHub.check(hub.post(ROOT, "/admin/billing/reconcile", null), 200);
        JsonNode refunded = TestHub.check(hub.post(ROOT, base + "/refund", Map.of()), 200).json();
        assertThat(refunded.get("status").asText()).isEqualTo("refunded");
        assertThat(asaas.payment(payment).path("status").asText()).isEqualTo("REFUNDED");
        assertThat(hub.post(ROOT, base + "/payment-link", null).code()).as("a refunded invoice is not paid again")
                .isEqualTo("not_payable");

        String[] u = new String[1];
        JsonNode open = invoicedTenant(u);
        JsonNode voided = TestHub.check(hub.post(ROOT, "/admin/tenants/" + u[0] + "/billing/invoices/"
                + open.get("id").asText() + "/void", null), 200).json();
        assertThat(voided.get("status").asText()).isEqualTo("void");
        assertThat(asaas.payment(paymentOf(open.get("id").asText())).path("deleted").asBoolean()).isTrue();
        assertThat(asaas.problems()).isEmpty();
    }

    /**
     * An operator voids an invoice while a billing run is still creating its charge at a slow gateway: the invoice
     * ends void and no charge of it stays alive at the gateway, whichever side stored last.
     */
    @Test
    void anInvoiceVoidedWhileItIsBeingChargedKeepsNoChargeAtTheGateway() throws Exception {
        String t = hub.createTenant(slug("voidrace"));
        TestHub.check(hub.send(ROOT, "PUT", "/admin/tenants/" + t + "/billing/subscription", Map.of("plan_code", plan,
                "billing", Map.of("legal_name", "Oficina Boa Vista Ltda", "tax_id", "11.222.333/0001-81", "email",
                        "contas@oficina.example"), "start_at", BillingContract.monthAgo().toString())), 200);
        asaas.answerAfter(Duration.ofMillis(400));
        var pool = java.util.concurrent.Executors.newSingleThreadExecutor();
        try {
            var run = pool.submit(() -> hub.post(ROOT, "/admin/billing/run", null));
            await().atMost(Duration.ofSeconds(10)).until(() -> hub.get(ROOT, "/admin/tenants/" + t
                    + "/billing/invoices").json().path("data").size() > 0);
            String invoice = hub.get(ROOT, "/admin/tenants/" + t + "/billing/invoices").json().get("data").get(0)
                    .get("id").asText();
            JsonNode voided = TestHub.check(hub.post(ROOT, "/admin/tenants/" + t + "/billing/invoices/" + invoice
                    + "/void", null), 200).json();
            assertThat(voided.get("status").asText()).isEqualTo("void");
            TestHub.check(run.get(), 200);
            await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(asaas.payments().stream()
                    .filter(p -> invoice.equals(p.path("externalReference").asText()))
                    .filter(p -> !p.path("deleted").asBoolean()).toList()).as("live charges of the void invoice")
                    .isEmpty());
            assertThat(hub.get(ROOT, "/admin/tenants/" + t + "/billing/invoices/" + invoice).json().get("status")
                    .asText()).isEqualTo("void");
        } finally {
            asaas.answerAfter(Duration.ZERO);
            pool.shutdownNow();
        }
    }

    @Test
    void aPaymentWhoseWebhookNeverCameIsReconciled() {
        String[] t = new String[1];
        JsonNode inv = invoicedTenant(t);
        asaas.setPaymentStatus(paymentOf(inv.get("id").asText()), "CONFIRMED");
        TestHub.check(hub.post(ROOT, "/admin/billing/reconcile", null), 200);
        assertThat(invoiceStatus(t[0], inv.get("id").asText())).isEqualTo("paid");
    }

    @Test
    void aGatewayRecurringPlanIsChargedByTheGatewayAndItsPaymentsPayTheHubsInvoices() {
        String flat = "mensal-" + Long.toString(System.nanoTime() % 1_000_000, 36);
        TestHub.check(hub.post(ROOT, "/admin/billing/plans", Map.of("code", flat, "name", "Mensal fixo",
                "price_minor", 9900, "gateway_recurring", true)), 201);
        assertThat(hub.post(ROOT, "/admin/billing/plans", Map.of("code", flat + "-x", "name", "Bad", "price_minor",
                100, "gateway_recurring", true, "overage", Map.of("messages.in", Map.of("unit_price_minor", 1,
                        "per_units", 1)))).code()).as("usage-based amounts need the hub's own charges")
                .isEqualTo("invalid_plan");
        String t = hub.createTenant(slug("recur"));
        JsonNode sub = TestHub.check(hub.send(ROOT, "PUT", "/admin/tenants/" + t + "/billing/subscription",
                Map.of("plan_code", flat, "payment_method", "CREDIT_CARD", "billing", Map.of("legal_name", "Loja",
                        "tax_id", "529.982.247-25", "email", "loja@example.com"), "start_at",
                        BillingContract.monthAgo().toString())), 200).json();
        // The gateway subscription is created off the request, on the billing jobs thread.
        JsonNode atGateway = await().atMost(Duration.ofSeconds(10)).until(() -> asaas.subscriptions().stream()
                .filter(x -> sub.get("id").asText().equals(x.path("externalReference").asText())).findFirst(),
                java.util.Optional::isPresent).orElseThrow();
        assertThat(atGateway.path("value").decimalValue()).isEqualByComparingTo("99.00");
        assertThat(atGateway.path("cycle").asText()).isEqualTo("MONTHLY");
        assertThat(atGateway.path("billingType").asText()).isEqualTo("CREDIT_CARD");

        TestHub.check(hub.post(ROOT, "/admin/billing/run", null), 200);
        JsonNode inv = hub.get(ROOT, "/admin/tenants/" + t + "/billing/invoices").json().get("data").get(0);
        assertThat(inv.get("status").asText()).isEqualTo("open");
        assertThat(asaas.paymentCreations().stream().noneMatch(r -> inv.get("id").asText().equals(r.json()
                .path("externalReference").asText()))).as("the hub creates no charge of its own").isTrue();

        String payment = asaas.generateSubscriptionPayment(atGateway.path("id").asText());
        asaas.setPaymentStatus(payment, "CONFIRMED");
        TestHub.check(webhook(asaas.paymentWebhook("evt_rec_" + payment, "PAYMENT_CONFIRMED", payment), TOKEN), 200);
        await().atMost(Duration.ofSeconds(10)).until(() -> "paid".equals(invoiceStatus(t, inv.get("id").asText())));

        TestHub.check(webhook(asaas.subscriptionWebhook("evt_del_" + payment, "SUBSCRIPTION_DELETED",
                atGateway.path("id").asText()), TOKEN), 200);
        await().atMost(Duration.ofSeconds(10)).until(() -> "canceled".equals(hub.get(ROOT, "/admin/tenants/" + t
                + "/billing/subscription").json().get("status").asText()));
        assertThat(asaas.problems()).isEmpty();
    }

    @Test
    void anInvalidTaxIdNeverReachesTheGateway() {
        String t = hub.createTenant(slug("badcnpj"));
        int before = asaas.customers().size();
        Reply r = hub.send(ROOT, "PUT", "/admin/tenants/" + t + "/billing/subscription", Map.of("plan_code", plan,
                "billing", Map.of("legal_name", "X", "tax_id", "11.222.333/0001-80", "email", "x@x.example")));
        assertThat(r.code()).isEqualTo("invalid_tax_id");
        assertThat(asaas.customers()).hasSize(before);
    }
}
