package io.channelhub.plugin.testing;

import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.channelhub.plugin.HttpAnswer;
import io.channelhub.plugin.InboundRequest;
import io.channelhub.plugin.InboundResult;
import io.channelhub.plugin.InboundScope;
import io.channelhub.plugin.PluginContext;
import io.channelhub.plugin.SettingsSchema;
import io.channelhub.plugin.billing.BillingGateway;
import io.channelhub.plugin.billing.Charge;
import io.channelhub.plugin.billing.ChargeRequest;
import io.channelhub.plugin.billing.CustomerRequest;
import io.channelhub.plugin.billing.GatewayCustomer;
import io.channelhub.plugin.billing.GatewayDescriptor;
import io.channelhub.plugin.billing.GatewayException;
import io.channelhub.plugin.billing.PaymentEvent;
import io.channelhub.plugin.billing.PaymentMethod;
import java.net.URI;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.opentest4j.AssertionFailedError;

/** The billing contract passes a gateway that keeps it and fails one that does not. */
class BillingGatewayContractTest {

    /** A tiny gateway: a token header on webhooks ("chargeId|reference|amount"), POST /charges answering an id. */
    static class Pay implements BillingGateway {
        boolean serverErrorsFinal;
        boolean throwOnGarbage;

        @Override
        public GatewayDescriptor descriptor() {
            return new GatewayDescriptor("pay", "Pay", Set.of(PaymentMethod.PIX), SettingsSchema.empty());
        }

        @Override
        public GatewayCustomer upsertCustomer(CustomerRequest request, PluginContext context) {
            throw new UnsupportedOperationException();
        }

        @Override
        public Charge createCharge(ChargeRequest request, PluginContext context) throws GatewayException {
            try {
                var r = context.http().send(HttpRequest.newBuilder(URI.create("https://pay.test/charges"))
                        .POST(HttpRequest.BodyPublishers.ofString(request.reference())).build());
                if (r.statusCode() >= 500) {
                    throw new GatewayException("server", "server error", !serverErrorsFinal);
                }
                if (r.statusCode() >= 400) {
                    throw new GatewayException("refused", "refused", false);
                }
                return new Charge(new String(r.body(), StandardCharsets.UTF_8), request.reference(),
                        Charge.ChargeStatus.PENDING, request.amountMinor(), Map.of());
            } catch (java.io.IOException e) {
                throw new GatewayException("io", e.getMessage(), true);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new GatewayException("interrupted", "interrupted", true);
            }
        }

        @Override
        public Charge getCharge(String gatewayChargeId, PluginContext context) {
            throw new UnsupportedOperationException();
        }

        @Override
        public void cancelCharge(String gatewayChargeId, PluginContext context) {
            throw new UnsupportedOperationException();
        }

        @Override
        public Charge refundCharge(String gatewayChargeId, Long amountMinor, PluginContext context) {
            throw new UnsupportedOperationException();
        }

        @Override
        public InboundResult handleWebhook(InboundRequest request, InboundScope scope) {
            PluginContext ctx = scope.instance().orElse(null);
            if (ctx == null || !ctx.settings().get("token").orElse("").equals(request.header("X-Token").orElse(""))) {
                return InboundResult.answerOnly(HttpAnswer.status(401));
            }
            String[] p = request.bodyAsString().split("\\|");
            if (p.length != 3) {
                if (throwOnGarbage) {
                    throw new IllegalArgumentException("bad webhook");
                }
                return InboundResult.answerOnly(HttpAnswer.status(400));
            }
            return InboundResult.accepted(HttpAnswer.status(200), List.of(new InboundResult.BoundEvent(ctx,
                    new PaymentEvent("evt_" + p[0], p[0], p[1], Charge.ChargeStatus.RECEIVED, Long.parseLong(p[2]),
                            Instant.EPOCH, null))));
        }
    }

    static class PayContract extends BillingGatewayContract {
        final Pay pay = new Pay();

        @Override
        protected BillingGateway gateway() {
            return pay;
        }

        @Override
        protected FakePluginContext context() {
            return FakePluginContext.forInstance("platform", "billing-pay", "gw_1", Map.of("token", "t0k"));
        }

        private static InboundRequest post(String token) {
            return new InboundRequest("POST", "/webhook", Map.of("X-Token", List.of(token)), Map.of(),
                    "ch_1|inv_1|9900".getBytes(StandardCharsets.UTF_8), "198.51.100.7");
        }

        @Override
        protected InboundRequest genuineWebhook(FakePluginContext context) {
            return post("t0k");
        }

        @Override
        protected InboundRequest forgedWebhook(FakePluginContext context) {
            return post("nope");
        }

        @Override
        protected ChargeRequest chargeRequest() {
            return new ChargeRequest("inv_1", "cus_1", PaymentMethod.PIX, 9900, "BRL", null, "Plan", null);
        }

        @Override
        protected List<ProviderAnswer> chargeCreated() {
            return List.of(new ProviderAnswer(201, "ch_1"));
        }

        @Override
        protected List<ProviderAnswer> chargeRefused() {
            return List.of(new ProviderAnswer(422, "{\"error\":\"amount\"}"));
        }
    }

    @Test
    void aGatewayThatKeepsTheContractPassesIt() {
        PayContract c = new PayContract();
        assertThatCode(() -> {
            c.theDescriptorIsCompleteAndStable();
            c.aGenuineWebhookIsAcceptedWithItsEventsBoundToTheConfiguration();
            c.aForgedWebhookOrGarbageIsRefusedWithA4xxAndNoEvents();
            c.aCreatedChargeCarriesItsIdReferenceAndAmount();
            c.aRefusedChargeFailsForGood();
            c.aNetworkFailureOrAServerErrorIsRetryable();
        }).doesNotThrowAnyException();
    }

    @Test
    void aServerErrorThatIsNotRetryableFails() {
        PayContract c = new PayContract();
        c.pay.serverErrorsFinal = true;
        assertThatThrownBy(c::aNetworkFailureOrAServerErrorIsRetryable).isInstanceOf(AssertionFailedError.class);
    }

    @Test
    void throwingOnAGarbageWebhookFails() {
        PayContract c = new PayContract();
        c.pay.throwOnGarbage = true;
        assertThatThrownBy(c::aForgedWebhookOrGarbageIsRefusedWithA4xxAndNoEvents)
                .isInstanceOf(AssertionFailedError.class);
    }
}
