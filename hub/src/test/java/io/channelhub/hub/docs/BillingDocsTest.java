package io.channelhub.hub.docs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.channelhub.hub.support.FakeAsaasApi;
import io.channelhub.hub.support.HubIntegrationTest;
import io.channelhub.hub.support.TestDatabase;
import io.channelhub.hub.support.TestHub;
import io.dropwizard.testing.ConfigOverride;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * What docs/billing.md says about the overdue grace and about invoicing at once, against a hub with the Asaas
 * gateway (a fake Asaas API): the grace starts when the overdue webhook arrives, however old the event it reports,
 * and a billing run closes only periods that have ended.
 */
class BillingDocsTest extends HubIntegrationTest {

    private static final String ROOT = TestHub.ROOT_KEY;
    private static final String API_KEY = "$aact_test_key_of_the_integrator";
    private static final String TOKEN = "webhook-token-of-the-integrator";

    private FakeAsaasApi asaas;
    private String hook;
    private String plan;

    @Override
    protected TestDatabase.Kind database() {
        return TestDatabase.Kind.H2;
    }

    @Override
    protected ConfigOverride[] overrides() {
        try {
            asaas = new FakeAsaasApi(API_KEY);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        // The jobs run only when the test asks (POST /admin/billing/run); the grace is the default's.
        return new ConfigOverride[] {
            ConfigOverride.config("billing.jobInterval", "1h"),
            ConfigOverride.config("billing.overdueGrace", "7d")};
    }

    @Override
    protected void morePlugins(Path dir) {
        Path dist = Path.of(System.getProperty("channelhub.dist", "../target/channelhub")).resolve("plugins");
        try (var files = Files.list(dist)) {
            Path jar = files.filter(p -> p.getFileName().toString().startsWith("billing-asaas-")).findFirst()
                    .orElseThrow(() -> new AssertionError("no billing-asaas jar in " + dist + "; run mvn package"));
            Files.copy(jar, dir.resolve(jar.getFileName()), StandardCopyOption.REPLACE_EXISTING);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @AfterAll
    void stopAsaas() {
        asaas.close();
    }

    @BeforeAll
    void gateway() {
        hook = TestHub.check(hub.send(ROOT, "PUT", "/admin/billing/gateway", Map.of("plugin_id", "billing-asaas",
                "settings", Map.of("api_key", API_KEY, "webhook_token", TOKEN, "base_url", asaas.baseUrl(),
                        "default_method", "PIX"))), 200).json().get("webhook_path").asText();
        plan = "plano-" + Long.toString(System.nanoTime() % 1_000_000, 36);
        TestHub.check(hub.post(ROOT, "/admin/billing/plans", Map.of("code", plan, "name", "Plano Pro",
                "price_minor", 19990)), 201);
    }

    private String subscribedAMonthAgo() {
        String t = hub.createTenant(slug("grace"));
        TestHub.check(hub.send(ROOT, "PUT", "/admin/tenants/" + t + "/billing/subscription", Map.of("plan_code", plan,
                "billing", Map.of("legal_name", "Padaria Pão Quente Ltda", "tax_id", "11.222.333/0001-81", "email",
                        "contas@padaria.example"), "start_at", Instant.now().atOffset(ZoneOffset.UTC).minusMonths(1)
                        .minusHours(2).toInstant().toString())), 200);
        return t;
    }

    private static String billingMd() throws Exception {
        return DocsMatchCodeTest.read("docs/billing.md").replaceAll("\\s+", " ");
    }

    private JsonNode invoices(String tenantId) {
        return hub.get(ROOT, "/admin/tenants/" + tenantId + "/billing/invoices").json().get("data");
    }

    private JsonNode subscription(String tenantId) {
        return hub.get(ROOT, "/admin/tenants/" + tenantId + "/billing/subscription").json();
    }

    @Test
    void theGraceRunsFromTheOverdueWebhooksArrivalNotFromTheEventsTime() throws Exception {
        assertThat(billingMd()).contains("The overdue grace runs from the moment the hub applies the gateway's "
                + "overdue status, which is when its webhook arrives");
        String t = subscribedAMonthAgo();
        TestHub.check(hub.post(ROOT, "/admin/billing/run", null), 200);
        String invoice = invoices(t).get(0).get("id").asText();
        // The jobs thread (kicked by the subscription) may be the one charging it, after this run returned.
        String payment = await().atMost(Duration.ofSeconds(10)).until(() -> asaas.payments().stream()
                .filter(p -> invoice.equals(p.path("externalReference").asText())).findFirst()
                .map(p -> p.path("id").asText()).orElse(null), java.util.Objects::nonNull);
        String key = hub.createKey(t, "admin").get("key").asText();

        // Asaas delivers, late, an overdue event it created ten days ago: longer ago than the grace.
        asaas.setPaymentStatus(payment, "OVERDUE");
        String late = asaas.paymentWebhook("evt_late_" + payment, "PAYMENT_OVERDUE", payment,
                LocalDateTime.now(ZoneId.of("America/Sao_Paulo")).minusDays(10));
        Instant sent = Instant.now();
        TestHub.check(hub.call("POST", hook, Map.of("Content-Type", "application/json",
                FakeAsaasApi.WEBHOOK_TOKEN_HEADER, TOKEN), late), 200);
        await().atMost(Duration.ofSeconds(10)).until(() -> "past_due".equals(subscription(t).get("status").asText()));

        Instant since = Instant.parse(subscription(t).get("past_due_since").asText());
        assertThat(since).isBetween(sent.minusSeconds(1), Instant.now());
        TestHub.check(hub.post(ROOT, "/admin/billing/run", null), 200);
        assertThat(subscription(t).get("status").asText()).as("within the grace, counted from the arrival")
                .isEqualTo("past_due");
        assertThat(hub.get(key, "/v1/me").status()).isEqualTo(200);
    }

    @Test
    void aBillingRunClosesOnlyEndedPeriodsAndTheSamePlanAgainClosesNothing() throws Exception {
        assertThat(billingMd()).contains("There is no route that invoices the current period now and keeps the "
                + "subscription on its plan");
        String t = subscribedAMonthAgo();
        JsonNode run = TestHub.check(hub.post(ROOT, "/admin/billing/run", null), 200).json();
        assertThat(run.get("invoices").toString()).contains(t);
        assertThat(invoices(t)).hasSize(1);

        TestHub.check(hub.post(ROOT, "/admin/billing/run", null), 200);
        TestHub.check(hub.send(ROOT, "PUT", "/admin/tenants/" + t + "/billing/subscription", Map.of("plan_code", plan,
                "billing", Map.of("legal_name", "Padaria Pão Quente Ltda", "tax_id", "11.222.333/0001-81", "email",
                        "contas@padaria.example"))), 200);
        assertThat(invoices(t)).as("the running period stays open").hasSize(1);

        TestHub.check(hub.post(ROOT, "/admin/tenants/" + t + "/billing/subscription/cancel", null), 200);
        assertThat(invoices(t)).as("canceling closes the running period into an invoice").hasSize(2);
    }
}
