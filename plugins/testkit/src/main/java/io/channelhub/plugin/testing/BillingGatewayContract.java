package io.channelhub.plugin.testing;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.channelhub.plugin.InboundRequest;
import io.channelhub.plugin.InboundResult;
import io.channelhub.plugin.billing.BillingGateway;
import io.channelhub.plugin.billing.Charge;
import io.channelhub.plugin.billing.ChargeRequest;
import io.channelhub.plugin.billing.GatewayDescriptor;
import io.channelhub.plugin.billing.GatewayException;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * What the hub relies on from every billing gateway, as tests a gateway plugin inherits: a complete descriptor,
 * payment webhooks accepted only when genuine (and never thrown on), and charges whose failures say whether the
 * hub should try again. The hub retries a retryable {@link GatewayException} with backoff and marks the charge failed
 * on any other; an unchecked exception or a wrong flag means a charge created twice or never.
 */
public abstract class BillingGatewayContract {

    /** A new gateway, as the hub makes it. */
    protected abstract BillingGateway gateway();

    /** A context of the operator's gateway configuration, with complete settings. */
    protected abstract FakePluginContext context();

    /** A webhook the gateway would send about a payment (authenticated as it documents). */
    protected abstract InboundRequest genuineWebhook(FakePluginContext context);

    /** The same webhook with a wrong or missing credential. */
    protected abstract InboundRequest forgedWebhook(FakePluginContext context);

    /** A charge to create. */
    protected abstract ChargeRequest chargeRequest();

    /** The API's answers, in order, for {@link #chargeRequest()} created. */
    protected abstract List<ProviderAnswer> chargeCreated();

    /** The API's answers, in order, for {@link #chargeRequest()} refused for good (a validation error, say). */
    protected abstract List<ProviderAnswer> chargeRefused();

    private static FakePluginContext answered(FakePluginContext ctx, List<ProviderAnswer> answers) {
        answers.forEach(a -> ctx.answer(a.status(), a.body()));
        return ctx;
    }

    @Test
    void theDescriptorIsCompleteAndStable() {
        BillingGateway g = gateway();
        GatewayDescriptor d = g.descriptor();
        assertNotNull(d, "descriptor()");
        assertTrue(d.id() != null && !d.id().isBlank(), "an id");
        assertTrue(d.displayName() != null && !d.displayName().isBlank(), "a display name");
        assertFalse(d.methods().isEmpty(), "the payment methods it takes");
        assertEquals(d, g.descriptor(), "descriptor() answers the same every time");
    }

    @Test
    void aGenuineWebhookIsAcceptedWithItsEventsBoundToTheConfiguration() {
        FakePluginContext ctx = context();
        FakeInboundScope scope = FakeInboundScope.instanceRoute(ctx);
        InboundResult r = gateway().handleWebhook(genuineWebhook(ctx), scope);
        assertNotNull(r, "handleWebhook never answers null");
        assertTrue(r.answer().status() >= 200 && r.answer().status() < 300, "a 2xx, got " + r.answer().status());
        assertFalse(r.events().isEmpty(), "the payment event it carried");
        for (InboundResult.BoundEvent e : r.events()) {
            assertTrue(scope.wasIssued(e.context()), "events are bound only to contexts the scope handed out");
            assertNotNull(e.event().externalId(), "every event has the gateway's id (the hub de-duplicates by it)");
        }
    }

    @Test
    void aForgedWebhookOrGarbageIsRefusedWithA4xxAndNoEvents() {
        FakePluginContext ctx = context();
        InboundRequest genuine = genuineWebhook(ctx);
        List<InboundRequest> bad = new java.util.ArrayList<>(List.of(forgedWebhook(ctx)));
        for (String body : List.of("", "not json", "{\"event\":null}")) {
            bad.add(ProviderAnswer.withBody(genuine, body));
        }
        for (InboundRequest request : bad) {
            InboundResult r = assertDoesNotThrow(() -> gateway().handleWebhook(request,
                    FakeInboundScope.instanceRoute(ctx)));
            assertNotNull(r, "handleWebhook never answers null");
            int status = r.answer().status();
            assertTrue(status >= 400 && status < 500, "a 4xx for " + request.bodyAsString() + ", got " + status);
            assertTrue(r.events().isEmpty(), "no events from a refused webhook");
        }
    }

    @Test
    void aCreatedChargeCarriesItsIdReferenceAndAmount() throws GatewayException {
        FakePluginContext ctx = answered(context(), chargeCreated());
        ChargeRequest request = chargeRequest();
        Charge c = gateway().createCharge(request, ctx);
        assertTrue(c.gatewayChargeId() != null && !c.gatewayChargeId().isBlank(), "the gateway's charge id");
        assertEquals(request.reference(), c.reference(), "the hub's reference, to match webhooks by");
        assertEquals(request.amountMinor(), c.amountMinor(), "the amount asked for");
    }

    @Test
    void aRefusedChargeFailsForGood() {
        FakePluginContext ctx = answered(context(), chargeRefused());
        GatewayException e = assertThrows(GatewayException.class, () -> gateway().createCharge(chargeRequest(), ctx));
        assertFalse(e.retryable(), "a refusal is not tried again");
    }

    @Test
    void aNetworkFailureOrAServerErrorIsRetryable() {
        FakePluginContext down = context().networkFailure();
        assertTrue(assertThrows(GatewayException.class, () -> gateway().createCharge(chargeRequest(), down))
                .retryable(), "a network failure is tried again");
        FakePluginContext failing = context().answer(503, "Service Unavailable");
        assertTrue(assertThrows(GatewayException.class, () -> gateway().createCharge(chargeRequest(), failing))
                .retryable(), "a 503 is tried again");
    }
}
