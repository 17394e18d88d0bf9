package io.channelhub.hub.billing;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.channelhub.hub.support.HubIntegrationTest;
import io.channelhub.hub.support.TestHub;
import io.channelhub.hub.support.TestHub.Reply;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The core's billing records without a gateway: plans, subscriptions with a validated CPF/CNPJ, invoices built
 * from the plan and the period's metered usage (overage, trial, pro-rated plan changes, credit notes), one invoice
 * per period however often the run repeats, and each tenant seeing only its own.
 */
abstract class BillingContract extends HubIntegrationTest {

    static final String CNPJ = "11.222.333/0001-81";
    static final String ROOT = TestHub.ROOT_KEY;

    String plan;

    @BeforeAll
    void plans() {
        plan = "pro-" + Long.toString(System.nanoTime() % 1_000_000, 36);
        TestHub.check(hub.post(ROOT, "/admin/billing/plans", Map.of("code", plan, "name", "Pro", "price_minor", 19900,
                "billing_cycle", "monthly", "included", Map.of("messages.in", 100),
                "overage", Map.of("messages.in", Map.of("unit_price_minor", 5, "per_units", 1)),
                "quotas", List.of(Map.of("usage_type", "messages.in", "period", "monthly", "limit", 10000,
                        "mode", "soft")))), 201);
    }

    String tenant() {
        return hub.createTenant(slug("bill"));
    }

    Reply subscribe(String tenantId, String planCode, String taxId, Instant startAt) {
        Map<String, Object> body = new java.util.LinkedHashMap<>(Map.of("plan_code", planCode, "billing", Map.of(
                "legal_name", "Acme Ltda", "tax_id", taxId, "email", "financeiro@acme.example")));
        if (startAt != null) {
            body.put("start_at", startAt.toString());
        }
        return hub.send(ROOT, "PUT", "/admin/tenants/" + tenantId + "/billing/subscription", body);
    }

    void usage(String tenantId, String type, long quantity, Instant at) {
        hub.app().jdbi().useHandle(h -> h.createUpdate("INSERT INTO usage_events (tenant_id, usage_type, quantity, unit, "
                        + "idempotency_key, occurred_at) VALUES (:t, :u, :q, 'message', :k, :at)")
                .bind("t", tenantId).bind("u", type).bind("q", quantity).bind("k", "test:" + System.nanoTime())
                .bind("at", at).execute());
    }

    static Instant monthAgo() {
        return Instant.now().atOffset(ZoneOffset.UTC).minusMonths(1).minusHours(2).toInstant();
    }

    @Test
    void aPlanIsValidated() {
        Reply bad = hub.post(ROOT, "/admin/billing/plans", Map.of("code", "X", "name", "", "price_minor", -1,
                "billing_cycle", "weekly"));
        assertThat(bad.status()).isEqualTo(422);
        assertThat(bad.code()).isEqualTo("invalid_plan");
        assertThat(bad.body()).contains("price_minor").contains("billing_cycle").contains("code");
        // A plan quota the quota service would refuse is refused with the plan, not dropped at subscription.
        Reply badQuota = hub.post(ROOT, "/admin/billing/plans", Map.of("code", "weekly-quota", "name", "W",
                "price_minor", 1, "quotas", List.of(Map.of("usage_type", "messages.in", "period", "weekly",
                        "limit", 10, "mode", "hard"))));
        assertThat(badQuota.code()).isEqualTo("invalid_plan");
        assertThat(badQuota.body()).contains("quotas");
        assertThat(hub.post(ROOT, "/admin/billing/plans", Map.of("code", plan, "name", "Again", "price_minor", 1))
                .code()).isEqualTo("plan_exists");
        String t = tenant();
        String key = hub.createKey(t, "admin").get("key").asText();
        assertThat(hub.post(key, "/admin/billing/plans", Map.of("code", "mine", "name", "M", "price_minor", 0))
                .status()).isEqualTo(403);
    }

    @Test
    void aSubscriptionNeedsAValidCpfOrCnpj() {
        String t = tenant();
        Reply bad = subscribe(t, plan, "11.222.333/0001-82", null);
        assertThat(bad.status()).isEqualTo(422);
        assertThat(bad.code()).isEqualTo("invalid_tax_id");
        Reply cpf = subscribe(t, plan, "529.982.247-25", null);
        assertThat(cpf.status()).as(cpf.body()).isEqualTo(200);
        assertThat(cpf.json().get("status").asText()).isEqualTo("active");
        assertThat(cpf.json().get("billing").get("tax_id").asText()).isEqualTo("52998224725");
        assertThat(subscribe(tenant(), "no-such-plan", CNPJ, null).code()).isEqualTo("unknown_plan");
        // The plan's default quota was given to the tenant.
        assertThat(hub.get(ROOT, "/admin/tenants/" + t + "/quotas").body()).contains("messages.in")
                .contains("10000");
    }

    @Test
    void runningTheBillingTwiceYieldsOneInvoicePerPeriodWithOverage() {
        String t = tenant();
        Instant start = monthAgo();
        TestHub.check(subscribe(t, plan, CNPJ, start), 200);
        usage(t, "messages.in", 130, start.plus(Duration.ofDays(3)));
        usage(t, "messages.in", 20, start.minus(Duration.ofDays(3)));
        TestHub.check(hub.post(ROOT, "/admin/billing/run", null), 200);
        TestHub.check(hub.post(ROOT, "/admin/billing/run", null), 200);
        JsonNode list = hub.get(ROOT, "/admin/tenants/" + t + "/billing/invoices").json().get("data");
        assertThat(list).hasSize(1);
        JsonNode inv = list.get(0);
        // 199.00 for the plan, 30 messages beyond the 100 included at 0.05 each (the 20 before the period are not in).
        assertThat(inv.get("subtotal_minor").asLong()).isEqualTo(19900 + 150);
        assertThat(inv.get("total_minor").asLong()).isEqualTo(20050);
        assertThat(inv.get("status").asText()).isEqualTo("open");
        assertThat(inv.get("lines").toString()).contains("overage").contains("\"quantity\":30");
        JsonNode sub = hub.get(ROOT, "/admin/tenants/" + t + "/billing/subscription").json();
        assertThat(Instant.parse(sub.get("current_period_start").asText())).isAfter(start);
    }

    @Test
    void aTrialPeriodCostsNothingAndThenTheSubscriptionIsActive() {
        String trial = "trial-" + Long.toString(System.nanoTime() % 1_000_000, 36);
        TestHub.check(hub.post(ROOT, "/admin/billing/plans", Map.of("code", trial, "name", "Trial", "price_minor",
                4900, "trial_days", 40)), 201);
        String t = tenant();
        TestHub.check(subscribe(t, trial, CNPJ, monthAgo()), 200);
        assertThat(hub.get(ROOT, "/admin/tenants/" + t + "/billing/subscription").json().get("status").asText())
                .isEqualTo("trialing");
        TestHub.check(hub.post(ROOT, "/admin/billing/run", null), 200);
        JsonNode inv = hub.get(ROOT, "/admin/tenants/" + t + "/billing/invoices").json().get("data").get(0);
        assertThat(inv.get("total_minor").asLong()).isZero();
        assertThat(inv.get("status").asText()).isEqualTo("paid");
    }

    @Test
    void changingPlansClosesThePeriodProRatedAndCreditNotesReduceTheNextInvoice() {
        String basic = "basic-" + Long.toString(System.nanoTime() % 1_000_000, 36);
        TestHub.check(hub.post(ROOT, "/admin/billing/plans", Map.of("code", basic, "name", "Basic", "price_minor",
                10000)), 201);
        String t = tenant();
        Instant start = Instant.now().minus(Duration.ofDays(15));
        TestHub.check(subscribe(t, basic, CNPJ, start), 200);
        TestHub.check(hub.post(ROOT, "/admin/tenants/" + t + "/billing/credit-notes", Map.of("amount_minor", 1000,
                "reason", "goodwill")), 201);
        JsonNode changed = TestHub.check(subscribe(t, plan, CNPJ, null), 200).json();
        assertThat(changed.get("plan").get("code").asText()).isEqualTo(plan);
        JsonNode inv = hub.get(ROOT, "/admin/tenants/" + t + "/billing/invoices").json().get("data").get(0);
        long fee = inv.get("lines").get(0).get("amount_minor").asLong();
        // About half of a month of 100.00 (15 days of 28 to 31).
        assertThat(fee).isBetween(4800L, 5400L);
        assertThat(inv.get("lines").get(0).get("description").asText()).contains("pro-rated");
        assertThat(inv.get("credit_minor").asLong()).isEqualTo(1000);
        assertThat(inv.get("total_minor").asLong()).isEqualTo(fee - 1000);
        assertThat(hub.get(ROOT, "/admin/tenants/" + t + "/billing/credit-notes").body()).contains(inv.get("id")
                .asText());
    }

    @Test
    void aTenantSeesOnlyItsOwnBillingAndOnlyItsAdminsDo() {
        String a = tenant();
        String b = tenant();
        TestHub.check(subscribe(a, plan, CNPJ, monthAgo()), 200);
        TestHub.check(hub.post(ROOT, "/admin/billing/run", null), 200);
        String invoice = hub.get(ROOT, "/admin/tenants/" + a + "/billing/invoices").json().get("data").get(0)
                .get("id").asText();
        String adminA = hub.createKey(a, "admin").get("key").asText();
        String adminB = hub.createKey(b, "admin").get("key").asText();
        String viewerA = hub.createKey(a, "viewer").get("key").asText();
        assertThat(hub.get(adminA, "/v1/billing/invoices/" + invoice).status()).isEqualTo(200);
        assertThat(hub.get(adminA, "/v1/billing/subscription").json().get("status").asText()).isEqualTo("active");
        assertThat(hub.get(adminB, "/v1/billing/invoices/" + invoice).status()).isEqualTo(404);
        assertThat(hub.get(adminB, "/v1/billing/invoices").body()).doesNotContain(invoice);
        assertThat(hub.get(adminB, "/v1/billing/subscription").json().get("status").asText()).isEqualTo("none");
        assertThat(hub.get(viewerA, "/v1/billing/invoices").status()).isEqualTo(403);
        assertThat(hub.get(adminA, "/admin/tenants/" + a + "/billing/invoices").status()).isEqualTo(403);
    }

    @Test
    void aDeletedTenantsInvoicesAreKept() {
        String t = tenant();
        TestHub.check(subscribe(t, plan, CNPJ, monthAgo()), 200);
        TestHub.check(hub.post(ROOT, "/admin/billing/run", null), 200);
        TestHub.check(hub.delete(ROOT, "/admin/tenants/" + t), 204);
        long kept = hub.app().jdbi().withHandle(h -> h.createQuery("SELECT COUNT(*) FROM invoices WHERE tenant_id = :t")
                .bind("t", t).mapTo(Long.class).one());
        assertThat(kept).isEqualTo(1);
    }
}
