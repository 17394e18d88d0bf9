package io.channelhub.plugin.billing;

/**
 * A customer at the gateway.
 *
 * <pre>{@code
 * new GatewayCustomer("cus_000005219613", "tenant_42")
 * }</pre>
 *
 * @param gatewayCustomerId the gateway's id
 * @param reference         the hub's reference
 */
public record GatewayCustomer(String gatewayCustomerId, String reference) {
}
