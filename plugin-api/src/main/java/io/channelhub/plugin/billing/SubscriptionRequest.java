package io.channelhub.plugin.billing;

import java.time.LocalDate;

/**
 * A recurring charge the gateway runs on its own each cycle (a flat plan paid by card or PIX automatically).
 *
 * <pre>{@code
 * new SubscriptionRequest("sub_1", "cus_1", PaymentMethod.CREDIT_CARD, 9900, "BRL", Cycle.MONTHLY,
 *         LocalDate.now().plusMonths(1), "Plano Pro")
 * }</pre>
 *
 * @param reference         the hub's subscription id (the gateway's external reference, echoed on its payments)
 * @param gatewayCustomerId who pays
 * @param method            how
 * @param amountMinor       the amount of each cycle, in minor units
 * @param currency          ISO 4217
 * @param cycle             how often
 * @param nextDueDate       the due date of the first charge
 * @param description       shown to the payer
 * @since 1.1.0
 */
public record SubscriptionRequest(String reference, String gatewayCustomerId, PaymentMethod method, long amountMinor,
                                  String currency, Cycle cycle, LocalDate nextDueDate, String description) {

    /** Billing cycles. */
    public enum Cycle { MONTHLY, YEARLY }
}
