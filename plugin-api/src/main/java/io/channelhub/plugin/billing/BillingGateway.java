package io.channelhub.plugin.billing;

import io.channelhub.plugin.InboundRequest;
import io.channelhub.plugin.InboundResult;
import io.channelhub.plugin.InboundScope;
import io.channelhub.plugin.PluginContext;
import org.pf4j.ExtensionPoint;

/**
 * A payment gateway. The hub keeps plans, subscriptions and invoices; a gateway mirrors them as the provider's
 * customers, subscriptions and charges, and turns the provider's webhooks into {@link PaymentEvent}s. Calls must be
 * safe to repeat: the hub passes an idempotency key and retries.
 *
 * <pre>{@code
 * @Extension
 * public class AsaasGateway implements BillingGateway { ... }
 * }</pre>
 */
public interface BillingGateway extends ExtensionPoint {

    /** What this gateway is and needs. */
    GatewayDescriptor descriptor();

    /** Creates (or finds, for the same {@code request.reference()}) the customer at the provider. */
    GatewayCustomer upsertCustomer(CustomerRequest request, PluginContext context) throws GatewayException;

    /** Creates a charge for an invoice. */
    Charge createCharge(ChargeRequest request, PluginContext context) throws GatewayException;

    /** Reads a charge's current state from the provider (reconciliation when a webhook never came). */
    Charge getCharge(String gatewayChargeId, PluginContext context) throws GatewayException;

    /** Cancels an unpaid charge. */
    void cancelCharge(String gatewayChargeId, PluginContext context) throws GatewayException;

    /** Refunds a paid charge, in full when {@code amountMinor} is null. */
    Charge refundCharge(String gatewayChargeId, Long amountMinor, PluginContext context) throws GatewayException;

    /**
     * Creates a payment page for an amount.
     *
     * @since 1.1.0
     */
    default PaymentLink createPaymentLink(PaymentLinkRequest request, PluginContext context) throws GatewayException {
        throw new GatewayException("not_supported", "this gateway has no payment links", false);
    }

    /**
     * Creates (or finds, for the same {@code request.reference()}) a recurring charge the gateway runs each cycle;
     * its charges arrive as {@link PaymentEvent}s naming it.
     *
     * @since 1.1.0
     */
    default GatewaySubscription upsertSubscription(SubscriptionRequest request, PluginContext context)
            throws GatewayException {
        throw new GatewayException("not_supported", "this gateway has no recurring charges", false);
    }

    /**
     * Stops a recurring charge.
     *
     * @since 1.1.0
     */
    default void cancelSubscription(String gatewaySubscriptionId, PluginContext context) throws GatewayException {
        throw new GatewayException("not_supported", "this gateway has no recurring charges", false);
    }

    /**
     * Authenticates and parses a provider webhook; events ({@link PaymentEvent}, {@link SubscriptionEvent}) are
     * stored before the answer is written.
     */
    InboundResult handleWebhook(InboundRequest request, InboundScope scope);
}
