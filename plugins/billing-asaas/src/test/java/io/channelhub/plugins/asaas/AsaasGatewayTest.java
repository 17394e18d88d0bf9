package io.channelhub.plugins.asaas;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.channelhub.plugin.InboundRequest;
import io.channelhub.plugin.InboundResult;
import io.channelhub.plugin.InboundScope;
import io.channelhub.plugin.PluginContext;
import io.channelhub.plugin.SettingDefinition;
import io.channelhub.plugin.billing.Charge;
import io.channelhub.plugin.billing.ChargeRequest;
import io.channelhub.plugin.billing.CustomerRequest;
import io.channelhub.plugin.billing.GatewayCustomer;
import io.channelhub.plugin.billing.GatewayDescriptor;
import io.channelhub.plugin.billing.GatewayException;
import io.channelhub.plugin.billing.GatewaySubscription;
import io.channelhub.plugin.billing.PaymentEvent;
import io.channelhub.plugin.billing.PaymentLink;
import io.channelhub.plugin.billing.PaymentLinkRequest;
import io.channelhub.plugin.billing.PaymentMethod;
import io.channelhub.plugin.billing.SubscriptionEvent;
import io.channelhub.plugin.billing.SubscriptionRequest;
import io.channelhub.plugin.testing.ScriptedHttp;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class AsaasGatewayTest {

    static final String EMPTY_LIST = list("");
    private static final CustomerRequest ACME = new CustomerRequest("tenant_42", "Acme Ltda", "11222333000181",
            "billing@acme.example");

    private final List<Duration> slept = new ArrayList<>();
    private final AsaasGateway gateway = new AsaasGateway(slept::add);
    private final AsaasContext ctx = new AsaasContext();

    // Documented answer shapes ---------------------------------------------------------------------------------

    static String list(String items) {
        int n = items.isEmpty() ? 0 : items.split("\\{\"object\"").length - 1;
        return "{\"object\":\"list\",\"hasMore\":false,\"totalCount\":" + n + ",\"limit\":10,\"offset\":0,\"data\":["
                + items + "]}";
    }

    static String customer(String id, String reference, boolean deleted) {
        return "{\"object\":\"customer\",\"id\":\"" + id + "\",\"dateCreated\":\"2026-11-01\",\"name\":\"Acme Ltda\","
                + "\"email\":\"billing@acme.example\",\"cpfCnpj\":\"11222333000181\",\"personType\":\"JURIDICA\","
                + "\"deleted\":" + deleted + ",\"externalReference\":\"" + reference + "\"}";
    }

    static String payment(String id, String billingType, String status, String value, String reference,
                          boolean deleted) {
        String slip = billingType.equals("BOLETO") || billingType.equals("UNDEFINED")
                ? "\"https://sandbox.asaas.com/b/pdf/" + id.substring(4) + "\"" : "null";
        return "{\"object\":\"payment\",\"id\":\"" + id + "\",\"dateCreated\":\"2026-11-02\","
                + "\"customer\":\"cus_000005219613\",\"dueDate\":\"2026-11-05\",\"value\":" + value
                + ",\"netValue\":" + value + ",\"billingType\":\"" + billingType + "\",\"status\":\"" + status
                + "\",\"description\":\"Plano Pro\",\"externalReference\":\"" + reference + "\","
                + "\"invoiceUrl\":\"https://sandbox.asaas.com/i/" + id.substring(4) + "\",\"bankSlipUrl\":" + slip
                + ",\"deleted\":" + deleted + "}";
    }

    static final String QR = "{\"encodedImage\":\"iVBORw0KGgoAAAANSUhEUgAAAAE=\",\"payload\":\"00020101021226820014br"
            + ".gov.bcb.pix2560qrpix.example/qr/v2/cobv/9d36b84f52040000530398654049.005802BR6304A1B2\","
            + "\"expirationDate\":\"2027-11-05 23:59:59\"}";
    static final String LINE = "{\"identificationField\":\"00190000090275928800021932978170187890000005000\","
            + "\"nossoNumero\":\"6543\",\"barCode\":\"00191878900000050000000002759288002193297817\"}";

    private static ChargeRequest charge(PaymentMethod method) {
        return new ChargeRequest("inv_2026_11", "cus_000005219613", method, 9900, "BRL", LocalDate.of(2026, 11, 5),
                "Plano Pro", null);
    }

    // Descriptor -----------------------------------------------------------------------------------------------

    @Test
    void describesTheGatewayAndItsSettings() {
        GatewayDescriptor d = gateway.descriptor();
        assertThat(d.id()).isEqualTo("asaas");
        assertThat(d.displayName()).isEqualTo("Asaas");
        assertThat(d.methods()).containsExactlyInAnyOrder(PaymentMethod.values());
        assertThat(d.settingsSchema().settings()).extracting(SettingDefinition::name)
                .containsExactly("api_key", "environment", "base_url", "webhook_token", "default_method", "due_days");
        SettingDefinition key = d.settingsSchema().find("api_key").orElseThrow();
        assertThat(key.secret()).isTrue();
        assertThat(key.required()).isTrue();
        assertThat(d.settingsSchema().find("webhook_token").orElseThrow().secret()).isTrue();
        assertThat(d.settingsSchema().find("environment").orElseThrow().options())
                .containsExactly("sandbox", "production");
        assertThat(d.settingsSchema().find("environment").orElseThrow().defaultValue()).isEqualTo("sandbox");
        assertThat(d.settingsSchema().find("default_method").orElseThrow().defaultValue()).isEqualTo("PIX");
        assertThat(d.settingsSchema().find("due_days").orElseThrow().defaultValue()).isEqualTo("3");
        assertThat(d.settingsSchema().find("base_url").orElseThrow().required()).isFalse();
    }

    @Test
    void callsTheEnvironmentsUrlWhenNoBaseUrlIsSet() throws GatewayException {
        AsaasContext production = new AsaasContext(withoutBaseUrl("production"));
        production.answer(200, payment("pay_1", "PIX", "PENDING", "99.00", "inv_1", false));
        gateway.getCharge("pay_1", production);
        assertThat(production.requests().get(0).request().uri().toString())
                .isEqualTo("https://api.asaas.com/v3/payments/pay_1");

        AsaasContext sandbox = new AsaasContext(withoutBaseUrl("sandbox"));
        sandbox.answer(200, payment("pay_1", "PIX", "PENDING", "99.00", "inv_1", false));
        gateway.getCharge("pay_1", sandbox);
        assertThat(sandbox.requests().get(0).request().uri().toString())
                .isEqualTo("https://api-sandbox.asaas.com/v3/payments/pay_1");
    }

    private static Map<String, String> withoutBaseUrl(String environment) {
        Map<String, String> m = new java.util.HashMap<>();
        m.put("base_url", null);
        m.put("environment", environment);
        return m;
    }

    // Customers ------------------------------------------------------------------------------------------------

    @Test
    void refusesAnInvalidTaxIdBeforeAnyCall() {
        CustomerRequest bad = new CustomerRequest("tenant_42", "Acme Ltda", "11222333000182", null);
        assertThatThrownBy(() -> gateway.upsertCustomer(bad, ctx)).isInstanceOfSatisfying(GatewayException.class,
                e -> {
                    assertThat(e.code()).isEqualTo("invalid_tax_id");
                    assertThat(e.retryable()).isFalse();
                });
        assertThat(ctx.requests()).isEmpty();
    }

    @Test
    void returnsTheCustomerThatAlreadyHasTheTenantAsExternalReference() throws GatewayException {
        ctx.answer(200, list(customer("cus_000005219613", "tenant_42", false)));
        GatewayCustomer c = gateway.upsertCustomer(ACME, ctx);
        assertThat(c).isEqualTo(new GatewayCustomer("cus_000005219613", "tenant_42"));
        assertThat(ctx.lines()).containsExactly("GET /v3/customers?externalReference=tenant_42");
    }

    @Test
    void createsTheCustomerWhenNoLiveOneHasTheReference() throws GatewayException {
        ctx.answer(200, list(customer("cus_000000000001", "tenant_42", true)))
                .answer(200, customer("cus_000005219613", "tenant_42", false));
        GatewayCustomer c = gateway.upsertCustomer(new CustomerRequest("tenant_42", "Acme Ltda", "11.222.333/0001-81",
                "billing@acme.example"), ctx);
        assertThat(c.gatewayCustomerId()).isEqualTo("cus_000005219613");
        assertThat(ctx.lines()).containsExactly("GET /v3/customers?externalReference=tenant_42", "POST /v3/customers");
        assertThat(AsaasContext.json(ctx.requests().get(1))).containsEntry("name", "Acme Ltda")
                .containsEntry("cpfCnpj", "11222333000181").containsEntry("email", "billing@acme.example")
                .containsEntry("externalReference", "tenant_42");
    }

    @Test
    void sendsTheAsaasHeadersOnEveryCall() throws GatewayException {
        ctx.answer(200, EMPTY_LIST).answer(200, customer("cus_1", "tenant_42", false));
        gateway.upsertCustomer(ACME, ctx);
        for (ScriptedHttp.Sent s : ctx.requests()) {
            assertThat(s.header("access_token")).isEqualTo(AsaasContext.API_KEY);
            assertThat(s.header("Content-Type")).isEqualTo("application/json");
            assertThat(s.header("User-Agent")).isNotBlank();
        }
        assertThat(ctx.requests().get(0).body()).isEmpty();
    }

    @Test
    void encodesTheReferenceInTheQuery() throws GatewayException {
        ctx.answer(200, list(customer("cus_1", "a b&c", false)));
        gateway.upsertCustomer(new CustomerRequest("a b&c", "Ana", "52998224725", null), ctx);
        assertThat(ctx.lines()).containsExactly("GET /v3/customers?externalReference=a+b%26c");
    }

    // Charges --------------------------------------------------------------------------------------------------

    @Test
    void createsAPixChargeAndReturnsItsQrCode() throws GatewayException {
        ctx.answer(200, EMPTY_LIST).answer(200, payment("pay_080225913252", "PIX", "PENDING", "99.00", "inv_2026_11",
                false)).answer(200, QR);
        Charge c = gateway.createCharge(charge(PaymentMethod.PIX), ctx);
        assertThat(ctx.lines()).containsExactly("GET /v3/payments?externalReference=inv_2026_11", "POST /v3/payments",
                "GET /v3/payments/pay_080225913252/pixQrCode");
        assertThat(ctx.requests().get(1).text()).isEqualTo("{\"customer\":\"cus_000005219613\",\"billingType\":\"PIX\","
                + "\"value\":99.00,\"dueDate\":\"2026-11-05\",\"description\":\"Plano Pro\","
                + "\"externalReference\":\"inv_2026_11\"}");
        assertThat(c.gatewayChargeId()).isEqualTo("pay_080225913252");
        assertThat(c.reference()).isEqualTo("inv_2026_11");
        assertThat(c.status()).isEqualTo(Charge.ChargeStatus.PENDING);
        assertThat(c.amountMinor()).isEqualTo(9900);
        assertThat(c.paymentData()).containsOnlyKeys("pix_qr_code", "pix_copy_paste", "invoice_url")
                .containsEntry("pix_qr_code", "iVBORw0KGgoAAAANSUhEUgAAAAE=")
                .containsEntry("invoice_url", "https://sandbox.asaas.com/i/080225913252");
        assertThat(c.paymentData().get("pix_copy_paste")).startsWith("000201");
    }

    @Test
    void createsABoletoChargeAndReturnsItsDigitableLineAndPdf() throws GatewayException {
        ctx.answer(200, EMPTY_LIST).answer(200, payment("pay_080225913252", "BOLETO", "PENDING", "99.00",
                "inv_2026_11", false)).answer(200, LINE);
        Charge c = gateway.createCharge(charge(PaymentMethod.BOLETO), ctx);
        assertThat(ctx.lines()).last().isEqualTo("GET /v3/payments/pay_080225913252/identificationField");
        assertThat(c.paymentData()).containsOnlyKeys("boleto_url", "boleto_digitable_line", "invoice_url")
                .containsEntry("boleto_digitable_line", "00190000090275928800021932978170187890000005000")
                .containsEntry("boleto_url", "https://sandbox.asaas.com/b/pdf/080225913252");
    }

    @Test
    void anUndefinedChargeOffersBothPixAndBoleto() throws GatewayException {
        ctx.answer(200, EMPTY_LIST).answer(200, payment("pay_1", "UNDEFINED", "PENDING", "99.00", "inv_2026_11",
                false)).answer(200, QR).answer(200, LINE);
        Charge c = gateway.createCharge(charge(PaymentMethod.UNDEFINED), ctx);
        assertThat(c.paymentData()).containsOnlyKeys("pix_qr_code", "pix_copy_paste", "boleto_url",
                "boleto_digitable_line", "invoice_url");
    }

    @Test
    void aCardChargeCarriesTheTokenAndOnlyTheInvoiceUrl() throws GatewayException {
        ctx.answer(200, EMPTY_LIST).answer(200, payment("pay_1", "CREDIT_CARD", "CONFIRMED", "99.00", "inv_2026_11",
                false));
        Charge c = gateway.createCharge(new ChargeRequest("inv_2026_11", "cus_000005219613",
                PaymentMethod.CREDIT_CARD, 9900, "BRL", LocalDate.of(2026, 11, 5), "Plano Pro", "tok-76496"), ctx);
        assertThat(AsaasContext.json(ctx.requests().get(1))).containsEntry("creditCardToken", "tok-76496")
                .containsEntry("billingType", "CREDIT_CARD");
        assertThat(c.status()).isEqualTo(Charge.ChargeStatus.CONFIRMED);
        assertThat(c.paymentData()).containsOnlyKeys("invoice_url");
    }

    @Test
    void returnsTheExistingPaymentOfTheInvoiceInsteadOfCreatingASecond() throws GatewayException {
        ctx.answer(200, list(payment("pay_080225913252", "PIX", "PENDING", "99.00", "inv_2026_11", false)))
                .answer(200, QR);
        Charge c = gateway.createCharge(charge(PaymentMethod.PIX), ctx);
        assertThat(ctx.lines()).containsExactly("GET /v3/payments?externalReference=inv_2026_11",
                "GET /v3/payments/pay_080225913252/pixQrCode");
        assertThat(c.gatewayChargeId()).isEqualTo("pay_080225913252");
        assertThat(c.paymentData()).containsKey("pix_copy_paste");
    }

    @Test
    void createsANewPaymentWhenTheInvoicesEarlierOneWasDeleted() throws GatewayException {
        ctx.answer(200, list(payment("pay_000000000001", "PIX", "PENDING", "99.00", "inv_2026_11", true)))
                .answer(200, payment("pay_000000000002", "PIX", "PENDING", "99.00", "inv_2026_11", false))
                .answer(200, QR);
        assertThat(gateway.createCharge(charge(PaymentMethod.PIX), ctx).gatewayChargeId())
                .isEqualTo("pay_000000000002");
    }

    @Test
    void refusesAReferenceAlreadyUsedForAnotherValue() {
        ctx.answer(200, list(payment("pay_1", "PIX", "PENDING", "50.00", "inv_2026_11", false)));
        assertThatThrownBy(() -> gateway.createCharge(charge(PaymentMethod.PIX), ctx))
                .isInstanceOfSatisfying(GatewayException.class, e -> {
                    assertThat(e.code()).isEqualTo("reference_conflict");
                    assertThat(e.retryable()).isFalse();
                });
        assertThat(ctx.lines()).hasSize(1);
    }

    @Test
    void usesTheDefaultMethodAndDueDaysWhenTheRequestNamesNone() throws GatewayException {
        AsaasContext boleto = new AsaasContext(Map.of("default_method", "BOLETO", "due_days", "5"));
        boleto.answer(200, EMPTY_LIST).answer(200, payment("pay_1", "BOLETO", "PENDING", "99.00", "inv_2026_11",
                false)).answer(200, LINE);
        gateway.createCharge(new ChargeRequest("inv_2026_11", "cus_000005219613", null, 9900, "BRL", null, null,
                null), boleto);
        // 2026-11-02 in Brasília plus five days.
        assertThat(AsaasContext.json(boleto.requests().get(1))).containsEntry("billingType", "BOLETO")
                .containsEntry("dueDate", "2026-11-07").doesNotContainKey("description");
    }

    @Test
    void refusesAnotherCurrencyOrANonPositiveAmountBeforeAnyCall() {
        assertThatThrownBy(() -> gateway.createCharge(new ChargeRequest("inv_1", "cus_1", PaymentMethod.PIX, 9900,
                "USD", LocalDate.of(2026, 11, 5), null, null), ctx))
                .isInstanceOfSatisfying(GatewayException.class, e -> assertThat(e.code())
                        .isEqualTo("unsupported_currency"));
        assertThatThrownBy(() -> gateway.createCharge(new ChargeRequest("inv_1", "cus_1", PaymentMethod.PIX, 0,
                "BRL", LocalDate.of(2026, 11, 5), null, null), ctx))
                .isInstanceOfSatisfying(GatewayException.class, e -> assertThat(e.code()).isEqualTo("invalid_amount"));
        assertThat(ctx.requests()).isEmpty();
    }

    @Test
    void readsAChargesCurrentStatus() throws GatewayException {
        ctx.answer(200, payment("pay_1", "PIX", "RECEIVED", "99.00", "inv_2026_11", false));
        Charge c = gateway.getCharge("pay_1", ctx);
        assertThat(ctx.lines()).containsExactly("GET /v3/payments/pay_1");
        assertThat(c.status()).isEqualTo(Charge.ChargeStatus.RECEIVED);
        assertThat(c.paymentData()).containsOnlyKeys("invoice_url");
    }

    @Test
    void aDeletedPaymentReadsAsCanceled() throws GatewayException {
        ctx.answer(200, payment("pay_1", "PIX", "PENDING", "99.00", "inv_2026_11", true));
        assertThat(gateway.getCharge("pay_1", ctx).status()).isEqualTo(Charge.ChargeStatus.CANCELED);
    }

    @Test
    void refusesAnIdThatIsNoPathSegmentBeforeAnyCall() {
        assertThatThrownBy(() -> gateway.getCharge("../customers", ctx))
                .isInstanceOfSatisfying(GatewayException.class, e -> assertThat(e.code()).isEqualTo("not_found"));
        assertThat(ctx.requests()).isEmpty();
    }

    @Test
    void cancelsWithDelete() throws GatewayException {
        ctx.answer(200, "{\"deleted\":true,\"id\":\"pay_1\"}");
        gateway.cancelCharge("pay_1", ctx);
        assertThat(ctx.lines()).containsExactly("DELETE /v3/payments/pay_1");
    }

    @Test
    void refundsInFullOrInPart() throws GatewayException {
        ctx.answer(200, payment("pay_1", "PIX", "REFUNDED", "99.00", "inv_2026_11", false))
                .answer(200, payment("pay_2", "PIX", "RECEIVED", "99.00", "inv_2026_12", false));
        assertThat(gateway.refundCharge("pay_1", null, ctx).status()).isEqualTo(Charge.ChargeStatus.REFUNDED);
        gateway.refundCharge("pay_2", 1990L, ctx);
        assertThat(ctx.lines()).containsExactly("POST /v3/payments/pay_1/refund", "POST /v3/payments/pay_2/refund");
        assertThat(ctx.requests().get(0).text()).isEqualTo("{}");
        assertThat(ctx.requests().get(1).text()).isEqualTo("{\"value\":19.90}");
    }

    @Test
    void createsAPaymentLink() throws GatewayException {
        ctx.answer(200, "{\"id\":\"725104409743\",\"name\":\"Fatura novembro\",\"value\":99.00,\"active\":true,"
                + "\"chargeType\":\"DETACHED\",\"url\":\"https://www.asaas.com/c/725104409743\","
                + "\"billingType\":\"UNDEFINED\",\"dueDateLimitDays\":10,\"deleted\":false}");
        PaymentLink link = gateway.createPaymentLink(new PaymentLinkRequest("inv_2026_11", "Fatura novembro",
                PaymentMethod.UNDEFINED, 9900, "BRL", 10), ctx);
        assertThat(link).isEqualTo(new PaymentLink("725104409743", "https://www.asaas.com/c/725104409743",
                "inv_2026_11"));
        assertThat(ctx.lines()).containsExactly("POST /v3/paymentLinks");
        assertThat(AsaasContext.json(ctx.requests().get(0))).containsEntry("chargeType", "DETACHED")
                .containsEntry("externalReference", "inv_2026_11");
    }

    // Subscriptions --------------------------------------------------------------------------------------------

    static String subscription(String id, String status, String value, String cycle, String reference,
                               boolean deleted) {
        return "{\"object\":\"subscription\",\"id\":\"" + id + "\",\"dateCreated\":\"2026-11-02\","
                + "\"customer\":\"cus_000005219613\",\"paymentLink\":null,\"value\":" + value
                + ",\"nextDueDate\":\"2026-12-01\",\"cycle\":\"" + cycle + "\",\"description\":\"Plano Pro\","
                + "\"billingType\":\"CREDIT_CARD\",\"deleted\":" + deleted + ",\"status\":\"" + status + "\","
                + "\"externalReference\":\"" + reference + "\",\"sendPaymentByPostalService\":false}";
    }

    private static SubscriptionRequest monthly(long amountMinor) {
        return new SubscriptionRequest("sub_hub1", "cus_000005219613", PaymentMethod.CREDIT_CARD, amountMinor, "BRL",
                SubscriptionRequest.Cycle.MONTHLY, LocalDate.of(2026, 12, 1), "Plano Pro");
    }

    @Test
    void createsASubscriptionWhenNoneHasTheReference() throws GatewayException {
        ctx.answer(200, EMPTY_LIST).answer(200, subscription("sub_VXJBYgP2u0eO", "ACTIVE", "99.00", "MONTHLY",
                "sub_hub1", false));
        GatewaySubscription s = gateway.upsertSubscription(monthly(9900), ctx);
        assertThat(s).isEqualTo(new GatewaySubscription("sub_VXJBYgP2u0eO", "sub_hub1",
                SubscriptionEvent.Status.ACTIVE));
        assertThat(ctx.lines()).containsExactly("GET /v3/subscriptions?externalReference=sub_hub1",
                "POST /v3/subscriptions");
        assertThat(ctx.requests().get(0).body()).isEmpty();
        assertThat(ctx.requests().get(1).text()).isEqualTo("{\"customer\":\"cus_000005219613\","
                + "\"billingType\":\"CREDIT_CARD\",\"value\":99.00,\"nextDueDate\":\"2026-12-01\","
                + "\"cycle\":\"MONTHLY\",\"description\":\"Plano Pro\",\"externalReference\":\"sub_hub1\"}");
    }

    @Test
    void returnsTheSubscriptionThatAlreadyHasTheReferenceInsteadOfCreatingASecond() throws GatewayException {
        ctx.answer(200, list(subscription("sub_VXJBYgP2u0eO", "ACTIVE", "99.00", "MONTHLY", "sub_hub1", false)));
        GatewaySubscription s = gateway.upsertSubscription(monthly(9900), ctx);
        assertThat(s.gatewaySubscriptionId()).isEqualTo("sub_VXJBYgP2u0eO");
        assertThat(ctx.lines()).containsExactly("GET /v3/subscriptions?externalReference=sub_hub1");
    }

    @Test
    void anExistingSubscriptionThatIsInactiveOrExpiredIsReturnedAsInactive() throws GatewayException {
        ctx.answer(200, list(subscription("sub_1", "EXPIRED", "99.00", "MONTHLY", "sub_hub1", false)))
                .answer(200, list(subscription("sub_1", "INACTIVE", "99.00", "MONTHLY", "sub_hub1", false)));
        assertThat(gateway.upsertSubscription(monthly(9900), ctx).status()).isEqualTo(SubscriptionEvent.Status.INACTIVE);
        assertThat(gateway.upsertSubscription(monthly(9900), ctx).status()).isEqualTo(SubscriptionEvent.Status.INACTIVE);
    }

    @Test
    void createsANewSubscriptionWhenTheReferencesEarlierOneWasDeleted() throws GatewayException {
        ctx.answer(200, list(subscription("sub_old", "ACTIVE", "99.00", "MONTHLY", "sub_hub1", true)))
                .answer(200, subscription("sub_new", "ACTIVE", "99.00", "MONTHLY", "sub_hub1", false));
        assertThat(gateway.upsertSubscription(monthly(9900), ctx).gatewaySubscriptionId()).isEqualTo("sub_new");
    }

    @Test
    void refusesAReferenceAlreadyUsedForAnotherValueOrCycle() {
        ctx.answer(200, list(subscription("sub_1", "ACTIVE", "49.00", "MONTHLY", "sub_hub1", false)))
                .answer(200, list(subscription("sub_1", "ACTIVE", "99.00", "YEARLY", "sub_hub1", false)));
        for (int i = 0; i < 2; i++) {
            assertThatThrownBy(() -> gateway.upsertSubscription(monthly(9900), ctx))
                    .isInstanceOfSatisfying(GatewayException.class, e -> {
                        assertThat(e.code()).isEqualTo("reference_conflict");
                        assertThat(e.retryable()).isFalse();
                    });
        }
        assertThat(ctx.lines()).hasSize(2);
    }

    @Test
    void aSubscriptionUsesTheDefaultMethodAndDueDaysWhenTheRequestNamesNone() throws GatewayException {
        AsaasContext pix = new AsaasContext(Map.of("default_method", "PIX", "due_days", "5"));
        pix.answer(200, EMPTY_LIST).answer(200, subscription("sub_1", "ACTIVE", "1200.00", "YEARLY", "sub_hub1",
                false));
        gateway.upsertSubscription(new SubscriptionRequest("sub_hub1", "cus_000005219613", null, 120000, "BRL",
                SubscriptionRequest.Cycle.YEARLY, null, null), pix);
        assertThat(AsaasContext.json(pix.requests().get(1))).containsEntry("billingType", "PIX").containsEntry("cycle", "YEARLY")
                .containsEntry("nextDueDate", "2026-11-07").doesNotContainKey("description");
    }

    @Test
    void refusesAnInvalidSubscriptionRequestBeforeAnyCall() {
        List<SubscriptionRequest> bad = List.of(
                new SubscriptionRequest("sub_hub1", "cus_1", PaymentMethod.PIX, 9900, "USD",
                        SubscriptionRequest.Cycle.MONTHLY, null, null),
                new SubscriptionRequest("sub_hub1", "cus_1", PaymentMethod.PIX, 0, "BRL",
                        SubscriptionRequest.Cycle.MONTHLY, null, null),
                new SubscriptionRequest("sub_hub1", "cus_1", PaymentMethod.PIX, 9900, "BRL", null, null, null),
                new SubscriptionRequest(" ", "cus_1", PaymentMethod.PIX, 9900, "BRL",
                        SubscriptionRequest.Cycle.MONTHLY, null, null),
                new SubscriptionRequest("sub_hub1", "../payments", PaymentMethod.PIX, 9900, "BRL",
                        SubscriptionRequest.Cycle.MONTHLY, null, null),
                new SubscriptionRequest("sub_hub1", "cus_1", PaymentMethod.PIX, 9900, "BRL",
                        SubscriptionRequest.Cycle.MONTHLY, null, "x".repeat(501)));
        List<String> codes = new ArrayList<>();
        for (SubscriptionRequest r : bad) {
            try {
                gateway.upsertSubscription(r, ctx);
            } catch (GatewayException e) {
                assertThat(e.retryable()).isFalse();
                codes.add(e.code());
            }
        }
        assertThat(codes).containsExactly("unsupported_currency", "invalid_amount", "invalid_request",
                "invalid_request", "not_found", "invalid_request");
        assertThat(ctx.requests()).isEmpty();
    }

    @Test
    void mapsAsaasFailuresOfASubscriptionCreateToGatewayExceptions() {
        ctx.answer(200, EMPTY_LIST).answer(400, "{\"errors\":[{\"code\":\"invalid_customer\","
                + "\"description\":\"Customer inválido ou não informado.\"}]}")
                .answer(429, "", Map.of("RateLimit-Remaining", "0", "RateLimit-Reset", "9"));
        assertThatThrownBy(() -> gateway.upsertSubscription(monthly(9900), ctx))
                .isInstanceOfSatisfying(GatewayException.class, e -> {
                    assertThat(e.code()).isEqualTo("invalid_customer");
                    assertThat(e.retryable()).isFalse();
                });
        assertThatThrownBy(() -> gateway.upsertSubscription(monthly(9900), ctx))
                .isInstanceOfSatisfying(GatewayException.class, e -> assertThat(e.retryable()).isTrue());
        assertThat(slept).isEmpty();
    }

    @Test
    void aSubscriptionCallWaitsWhenTheBudgetIsSpent() throws GatewayException {
        ctx.answer(200, EMPTY_LIST, Map.of("RateLimit-Remaining", "0", "RateLimit-Reset", "4"))
                .answer(200, subscription("sub_1", "ACTIVE", "99.00", "MONTHLY", "sub_hub1", false));
        gateway.upsertSubscription(monthly(9900), ctx);
        assertThat(slept).containsExactly(Duration.ofSeconds(4));
    }

    @Test
    void refusesACreatedSubscriptionWithAStatusThePluginDoesNotKnow() {
        ctx.answer(200, EMPTY_LIST).answer(200, subscription("sub_1", "PAUSED", "99.00", "MONTHLY", "sub_hub1",
                false));
        assertThatThrownBy(() -> gateway.upsertSubscription(monthly(9900), ctx))
                .isInstanceOfSatisfying(GatewayException.class, e -> assertThat(e.code())
                        .isEqualTo("unexpected_status"));
    }

    @Test
    void cancelsASubscriptionWithDelete() throws GatewayException {
        ctx.answer(200, "{\"deleted\":true,\"id\":\"sub_VXJBYgP2u0eO\"}");
        gateway.cancelSubscription("sub_VXJBYgP2u0eO", ctx);
        assertThat(ctx.lines()).containsExactly("DELETE /v3/subscriptions/sub_VXJBYgP2u0eO");
        assertThat(ctx.requests().get(0).body()).isEmpty();
    }

    @Test
    void aCancelThatAsaasDoesNotConfirmFails() {
        ctx.answer(200, "{\"deleted\":false,\"id\":\"sub_1\"}").answer(404, "");
        assertThatThrownBy(() -> gateway.cancelSubscription("sub_1", ctx))
                .isInstanceOfSatisfying(GatewayException.class, e -> assertThat(e.code()).isEqualTo("not_deleted"));
        assertThatThrownBy(() -> gateway.cancelSubscription("sub_1", ctx))
                .isInstanceOfSatisfying(GatewayException.class, e -> assertThat(e.code()).isEqualTo("not_found"));
    }

    @Test
    void refusesASubscriptionIdThatIsNoPathSegmentBeforeAnyCall() {
        assertThatThrownBy(() -> gateway.cancelSubscription("sub_1/../../payments/pay_1", ctx))
                .isInstanceOfSatisfying(GatewayException.class, e -> assertThat(e.code()).isEqualTo("not_found"));
        assertThat(ctx.requests()).isEmpty();
    }

    // Errors and rate limits -----------------------------------------------------------------------------------

    @Test
    void mapsAsaasFailuresToGatewayExceptions() {
        ctx.answer(401, "").answer(400, AsaasErrorsTest.TWO_ERRORS).answer(404, "").answer(429, "")
                .answer(502, "Bad Gateway").networkFailure();
        List<GatewayException> failures = new ArrayList<>();
        for (int i = 0; i < 6; i++) {
            try {
                gateway.getCharge("pay_1", ctx);
            } catch (GatewayException e) {
                failures.add(e);
            }
        }
        assertThat(failures).extracting(GatewayException::code).containsExactly("unauthorized", "invalid_value",
                "not_found", "rate_limited", "http_502", "network_error");
        assertThat(failures).extracting(GatewayException::retryable).containsExactly(false, false, false, true, true,
                true);
    }

    @Test
    void aCallAfterTheBudgetIsSpentWaitsForTheReset() throws GatewayException {
        ctx.answer(200, payment("pay_1", "PIX", "PENDING", "99.00", "inv_1", false),
                        Map.of("RateLimit-Limit", "100", "RateLimit-Remaining", "0", "RateLimit-Reset", "7"))
                .answer(200, payment("pay_1", "PIX", "PENDING", "99.00", "inv_1", false),
                        Map.of("RateLimit-Limit", "100", "RateLimit-Remaining", "99", "RateLimit-Reset", "60"))
                .answer(200, payment("pay_1", "PIX", "PENDING", "99.00", "inv_1", false));
        gateway.getCharge("pay_1", ctx);
        assertThat(slept).isEmpty();
        gateway.getCharge("pay_1", ctx);
        assertThat(slept).containsExactly(Duration.ofSeconds(7));
        gateway.getCharge("pay_1", ctx);
        assertThat(slept).containsExactly(Duration.ofSeconds(7));
    }

    @Test
    void aRateLimitedAnswerIsRetryableAndDelaysTheNextCall() {
        ctx.answer(429, "", Map.of("RateLimit-Remaining", "0", "RateLimit-Reset", "12"))
                .answer(200, payment("pay_1", "PIX", "PENDING", "99.00", "inv_1", false));
        assertThatThrownBy(() -> gateway.getCharge("pay_1", ctx)).isInstanceOfSatisfying(GatewayException.class,
                e -> assertThat(e.retryable()).isTrue());
        try {
            gateway.getCharge("pay_1", ctx);
        } catch (GatewayException e) {
            throw new AssertionError(e);
        }
        assertThat(slept).containsExactly(Duration.ofSeconds(12));
    }

    // Webhooks -------------------------------------------------------------------------------------------------

    static InboundRequest post(byte[] body, Map<String, List<String>> headers) {
        return new InboundRequest("POST", "/", headers, Map.of(), body, "203.0.113.7");
    }

    private static InboundScope scopeOf(PluginContext context) {
        return new InboundScope() {
            @Override
            public Optional<PluginContext> instance() {
                return Optional.ofNullable(context);
            }

            @Override
            public Optional<PluginContext> findInstance(String routingKeyValue) {
                return Optional.empty();
            }
        };
    }

    @Test
    void acceptsAWebhookWithTheTokenAndBindsTheEventToTheConfiguration() {
        InboundResult r = gateway.handleWebhook(post(WebhookEventsTest.resource("payment_received"),
                Map.of("asaas-access-token", List.of(AsaasContext.WEBHOOK_TOKEN))), scopeOf(ctx));
        assertThat(r.answer().status()).isEqualTo(200);
        assertThat(new String(r.answer().body(), StandardCharsets.UTF_8)).isEqualTo("{\"received\":true}");
        assertThat(r.events()).hasSize(1);
        assertThat(r.events().get(0).context()).isSameAs(ctx);
        PaymentEvent e = (PaymentEvent) r.events().get(0).event();
        assertThat(e.status()).isEqualTo(Charge.ChargeStatus.RECEIVED);
        assertThat(e.gatewayChargeId()).isEqualTo("pay_080225913252");
    }

    @Test
    void bindsASubscriptionEventToTheConfiguration() {
        InboundResult r = gateway.handleWebhook(post(WebhookEventsTest.resource("subscription_inactivated"),
                Map.of("asaas-access-token", List.of(AsaasContext.WEBHOOK_TOKEN))), scopeOf(ctx));
        assertThat(r.answer().status()).isEqualTo(200);
        assertThat(r.events()).hasSize(1);
        assertThat(r.events().get(0).context()).isSameAs(ctx);
        SubscriptionEvent e = (SubscriptionEvent) r.events().get(0).event();
        assertThat(e.status()).isEqualTo(SubscriptionEvent.Status.INACTIVE);
        assertThat(e.gatewaySubscriptionId()).isEqualTo("sub_m5gdy1upm25fbwgx");
    }

    @Test
    void bindsASubscriptionsPaymentWithItsSubscription() {
        InboundResult r = gateway.handleWebhook(post(WebhookEventsTest.resource("payment_confirmed_subscription"),
                Map.of("asaas-access-token", List.of(AsaasContext.WEBHOOK_TOKEN))), scopeOf(ctx));
        PaymentEvent e = (PaymentEvent) r.events().get(0).event();
        assertThat(e.gatewaySubscriptionId()).isEqualTo("sub_m5gdy1upm25fbwgx");
    }

    @Test
    void refusesASubscriptionWebhookWithoutTheToken() {
        InboundResult r = gateway.handleWebhook(post(WebhookEventsTest.resource("subscription_deleted"),
                Map.of("asaas-access-token", List.of("whk-token-2"))), scopeOf(ctx));
        assertThat(r.answer().status()).isEqualTo(401);
        assertThat(r.events()).isEmpty();
    }

    @Test
    void acknowledgesAnUntrackedSubscriptionEventWithoutStoringAnything() {
        InboundResult r = gateway.handleWebhook(post(WebhookEventsTest.resource("subscription_split_divergence_block"),
                Map.of("asaas-access-token", List.of(AsaasContext.WEBHOOK_TOKEN))), scopeOf(ctx));
        assertThat(r.answer().status()).isEqualTo(200);
        assertThat(r.events()).isEmpty();
    }

    @Test
    void readsTheTokenHeaderWhateverItsCase() {
        InboundResult r = gateway.handleWebhook(post(WebhookEventsTest.resource("payment_received"),
                Map.of("Asaas-Access-Token", List.of(AsaasContext.WEBHOOK_TOKEN))), scopeOf(ctx));
        assertThat(r.events()).hasSize(1);
    }

    @Test
    void refusesAWebhookWithAWrongOrMissingToken() {
        for (Map<String, List<String>> headers : List.of(Map.of("asaas-access-token", List.of("whk-token-2")),
                Map.<String, List<String>>of(), Map.of("asaas-access-token", List.of("")))) {
            InboundResult r = gateway.handleWebhook(post(WebhookEventsTest.resource("payment_received"), headers),
                    scopeOf(ctx));
            assertThat(r.answer().status()).isEqualTo(401);
            assertThat(r.events()).isEmpty();
        }
    }

    @Test
    void refusesEveryWebhookWhileNoTokenIsConfigured() {
        AsaasContext unconfigured = new AsaasContext(java.util.Collections.singletonMap("webhook_token", null));
        InboundResult r = gateway.handleWebhook(post(WebhookEventsTest.resource("payment_received"),
                Map.of("asaas-access-token", List.of(""))), scopeOf(unconfigured));
        assertThat(r.answer().status()).isEqualTo(401);
    }

    @Test
    void acknowledgesIgnoredEventsWithoutStoringAnything() {
        InboundResult r = gateway.handleWebhook(post(WebhookEventsTest.resource("payment_bank_slip_viewed"),
                Map.of("asaas-access-token", List.of(AsaasContext.WEBHOOK_TOKEN))), scopeOf(ctx));
        assertThat(r.answer().status()).isEqualTo(200);
        assertThat(r.events()).isEmpty();
    }

    @Test
    void answers400ToMalformedJsonWithTheRightToken() {
        InboundResult r = gateway.handleWebhook(post("{\"id\":".getBytes(StandardCharsets.UTF_8),
                Map.of("asaas-access-token", List.of(AsaasContext.WEBHOOK_TOKEN))), scopeOf(ctx));
        assertThat(r.answer().status()).isEqualTo(400);
        assertThat(r.events()).isEmpty();
    }

    @Test
    void checksTheTokenBeforeReadingTheBody() {
        InboundResult r = gateway.handleWebhook(post("{\"id\":".getBytes(StandardCharsets.UTF_8), Map.of()),
                scopeOf(ctx));
        assertThat(r.answer().status()).isEqualTo(401);
    }

    @Test
    void answersOnlyPostOnARouteThatNamesAConfiguration() {
        InboundResult get = gateway.handleWebhook(new InboundRequest("GET", "/", Map.of(), Map.of(), null, "x"),
                scopeOf(ctx));
        assertThat(get.answer().status()).isEqualTo(405);
        InboundResult noConfiguration = gateway.handleWebhook(post(WebhookEventsTest.resource("payment_received"),
                Map.of("asaas-access-token", List.of(AsaasContext.WEBHOOK_TOKEN))), scopeOf(null));
        assertThat(noConfiguration.answer().status()).isEqualTo(404);
        assertThat(noConfiguration.events()).isEmpty();
    }
}
