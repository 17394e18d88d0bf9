package io.channelhub.plugins.asaas;

import io.channelhub.plugin.InboundRequest;
import io.channelhub.plugin.billing.BillingGateway;
import io.channelhub.plugin.billing.ChargeRequest;
import io.channelhub.plugin.billing.PaymentMethod;
import io.channelhub.plugin.testing.BillingGatewayContract;
import io.channelhub.plugin.testing.FakePluginContext;
import io.channelhub.plugin.testing.ProviderAnswer;
import java.time.LocalDate;
import java.util.List;
import java.util.Map;

/** The test kit's billing contract, on the Asaas gateway with Asaas v3's documented payloads. */
class AsaasGatewayContractTest extends BillingGatewayContract {

    @Override
    protected BillingGateway gateway() {
        return new AsaasGateway();
    }

    @Override
    protected FakePluginContext context() {
        return new AsaasContext();
    }

    @Override
    protected InboundRequest genuineWebhook(FakePluginContext context) {
        return AsaasGatewayTest.post(WebhookEventsTest.resource("payment_received"),
                Map.of("asaas-access-token", List.of(AsaasContext.WEBHOOK_TOKEN)));
    }

    @Override
    protected InboundRequest forgedWebhook(FakePluginContext context) {
        return AsaasGatewayTest.post(WebhookEventsTest.resource("payment_received"),
                Map.of("asaas-access-token", List.of("whk-guessed")));
    }

    @Override
    protected ChargeRequest chargeRequest() {
        return new ChargeRequest("inv_2026_11", "cus_000005219613", PaymentMethod.PIX, 9900, "BRL",
                LocalDate.of(2026, 11, 5), "Plano Pro", null);
    }

    @Override
    protected List<ProviderAnswer> chargeCreated() {
        // Asaas: no payment with this reference yet, the payment, then its PIX QR code.
        return List.of(new ProviderAnswer(200, AsaasGatewayTest.EMPTY_LIST), new ProviderAnswer(200, AsaasGatewayTest.payment(
                "pay_080225913252", "PIX", "PENDING", "99.00", "inv_2026_11", false)),
                new ProviderAnswer(200, AsaasGatewayTest.QR));
    }

    @Override
    protected List<ProviderAnswer> chargeRefused() {
        return List.of(new ProviderAnswer(200, AsaasGatewayTest.EMPTY_LIST), new ProviderAnswer(400, AsaasErrorsTest.TWO_ERRORS));
    }
}
