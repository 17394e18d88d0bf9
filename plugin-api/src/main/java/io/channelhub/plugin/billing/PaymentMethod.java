package io.channelhub.plugin.billing;

/**
 * Ways to pay.
 *
 * <pre>{@code
 * PaymentMethod.PIX
 * }</pre>
 */
public enum PaymentMethod { PIX, BOLETO, CREDIT_CARD, UNDEFINED }
