package io.channelhub.plugins.asaas;

import static org.assertj.core.api.Assertions.assertThat;

import io.channelhub.plugin.billing.PaymentLinkRequest;
import io.channelhub.plugin.billing.PaymentMethod;
import io.channelhub.plugin.billing.SubscriptionRequest;
import java.time.LocalDate;
import org.junit.jupiter.api.Test;

class AsaasRequestsTest {

    @Test
    void customerBodyHasTheDocumentedFields() {
        assertThat(AsaasRequests.customer("Acme Ltda", "11222333000181", "billing@acme.example", "tenant_42"))
                .isEqualTo("{\"name\":\"Acme Ltda\",\"cpfCnpj\":\"11222333000181\","
                        + "\"email\":\"billing@acme.example\",\"externalReference\":\"tenant_42\"}");
    }

    @Test
    void customerBodyLeavesOutAMissingEmail() {
        assertThat(AsaasRequests.customer("Ana", "52998224725", null, "tenant_1"))
                .isEqualTo("{\"name\":\"Ana\",\"cpfCnpj\":\"52998224725\",\"externalReference\":\"tenant_1\"}");
    }

    @Test
    void paymentBodyWritesValueInReaisAndTheDueDateAsIsoDate() {
        assertThat(AsaasRequests.payment("cus_000005219613", PaymentMethod.PIX, 10090, LocalDate.of(2026, 11, 5),
                "Plano Pro", "inv_2026_11", null))
                .isEqualTo("{\"customer\":\"cus_000005219613\",\"billingType\":\"PIX\",\"value\":100.90,"
                        + "\"dueDate\":\"2026-11-05\",\"description\":\"Plano Pro\","
                        + "\"externalReference\":\"inv_2026_11\"}");
    }

    @Test
    void paymentBodySendsTheCardTokenOnlyForCreditCard() {
        assertThat(AsaasRequests.payment("cus_1", PaymentMethod.CREDIT_CARD, 500, LocalDate.of(2026, 11, 5), null,
                "inv_1", "tok-1")).contains("\"billingType\":\"CREDIT_CARD\"").contains("\"creditCardToken\":\"tok-1\"")
                .doesNotContain("description");
        assertThat(AsaasRequests.payment("cus_1", PaymentMethod.BOLETO, 500, LocalDate.of(2026, 11, 5), null,
                "inv_1", "tok-1")).doesNotContain("creditCardToken");
    }

    @Test
    void refundBodyIsEmptyForAFullRefundAndCarriesAPartialValue() {
        assertThat(AsaasRequests.refund(null)).isEqualTo("{}");
        assertThat(AsaasRequests.refund(250L)).isEqualTo("{\"value\":2.50}");
    }

    @Test
    void paymentLinkBodyIsADetachedChargeOfAFixedValue() {
        assertThat(AsaasRequests.paymentLink(new PaymentLinkRequest("inv_2026_11", "Fatura novembro",
                PaymentMethod.UNDEFINED, 9900, "BRL", 10)))
                .isEqualTo("{\"name\":\"Fatura novembro\",\"billingType\":\"UNDEFINED\",\"chargeType\":\"DETACHED\","
                        + "\"value\":99.00,\"dueDateLimitDays\":10,\"externalReference\":\"inv_2026_11\"}");
    }

    @Test
    void subscriptionBodyHasTheDocumentedFieldsWithValueInReaisAndAnIsoNextDueDate() {
        assertThat(AsaasRequests.subscription("cus_000005219613", PaymentMethod.CREDIT_CARD, 9990,
                LocalDate.of(2026, 12, 1), SubscriptionRequest.Cycle.MONTHLY, "Plano Pro", "sub_hub1"))
                .isEqualTo("{\"customer\":\"cus_000005219613\",\"billingType\":\"CREDIT_CARD\",\"value\":99.90,"
                        + "\"nextDueDate\":\"2026-12-01\",\"cycle\":\"MONTHLY\",\"description\":\"Plano Pro\","
                        + "\"externalReference\":\"sub_hub1\"}");
    }

    @Test
    void subscriptionBodyLeavesOutAMissingDescriptionAndWritesAYearlyCycle() {
        assertThat(AsaasRequests.subscription("cus_1", PaymentMethod.PIX, 120000, LocalDate.of(2027, 1, 31),
                SubscriptionRequest.Cycle.YEARLY, null, "sub_hub1"))
                .isEqualTo("{\"customer\":\"cus_1\",\"billingType\":\"PIX\",\"value\":1200.00,"
                        + "\"nextDueDate\":\"2027-01-31\",\"cycle\":\"YEARLY\",\"externalReference\":\"sub_hub1\"}");
    }
}
