package io.channelhub.plugin.billing;

/**
 * A payment page at the gateway that a payer opens to pay an amount.
 *
 * <pre>{@code
 * new PaymentLink("725104409743", "https://www.asaas.com/c/725104409743", "inv_2026_11")
 * }</pre>
 *
 * @param gatewayLinkId the gateway's id
 * @param url           the page to send the payer to
 * @param reference     the hub's reference it was created for
 * @since 1.1.0
 */
public record PaymentLink(String gatewayLinkId, String url, String reference) {
}
