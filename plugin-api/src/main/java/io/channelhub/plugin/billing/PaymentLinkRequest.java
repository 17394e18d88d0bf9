package io.channelhub.plugin.billing;

/**
 * A payment link to create.
 *
 * <pre>{@code
 * new PaymentLinkRequest("inv_2026_11", "Fatura novembro", PaymentMethod.UNDEFINED, 9900, "BRL", 10)
 * }</pre>
 *
 * @param reference       the hub's reference (an invoice id)
 * @param name            shown on the page
 * @param method          the accepted method; UNDEFINED lets the payer choose
 * @param amountMinor     amount in minor units
 * @param currency        ISO 4217
 * @param dueDateLimitDays how many days the payer has after opening it
 * @since 1.1.0
 */
public record PaymentLinkRequest(String reference, String name, PaymentMethod method, long amountMinor,
                                 String currency, int dueDateLimitDays) {
}
