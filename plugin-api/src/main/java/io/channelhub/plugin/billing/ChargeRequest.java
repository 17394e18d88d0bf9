package io.channelhub.plugin.billing;

import java.time.LocalDate;

/**
 * A charge for one invoice.
 *
 * <pre>{@code
 * new ChargeRequest("inv_2026_11", "cus_1", PaymentMethod.PIX, 9900, "BRL", LocalDate.now(), "Plano Pro", null)
 * }</pre>
 *
 * @param reference         the hub's invoice id (idempotency and external reference)
 * @param gatewayCustomerId who pays
 * @param method            how
 * @param amountMinor       amount in minor units (centavos)
 * @param currency          ISO 4217
 * @param dueDate           due date
 * @param description       shown to the payer
 * @param cardToken         a gateway card token for CREDIT_CARD, never card data; null otherwise
 */
public record ChargeRequest(String reference, String gatewayCustomerId, PaymentMethod method, long amountMinor,
                            String currency, LocalDate dueDate, String description, String cardToken) {
}
