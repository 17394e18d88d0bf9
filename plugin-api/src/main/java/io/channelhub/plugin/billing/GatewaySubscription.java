package io.channelhub.plugin.billing;

/**
 * A recurring charge at the gateway.
 *
 * <pre>{@code
 * new GatewaySubscription("sub_VXJBYgP2u0eO", "sub_1", SubscriptionEvent.Status.ACTIVE)
 * }</pre>
 *
 * @param gatewaySubscriptionId the gateway's id
 * @param reference             the hub's subscription id
 * @param status                its state at the gateway
 * @since 1.1.0
 */
public record GatewaySubscription(String gatewaySubscriptionId, String reference, SubscriptionEvent.Status status) {
}
