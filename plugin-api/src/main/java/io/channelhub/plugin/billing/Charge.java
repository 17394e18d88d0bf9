package io.channelhub.plugin.billing;

import java.util.Map;

/**
 * A charge as the gateway reports it.
 *
 * <pre>{@code
 * charge.paymentData().get("pix_copy_paste")
 * }</pre>
 *
 * @param gatewayChargeId the gateway's id
 * @param reference       the hub's invoice id
 * @param status          normalized status
 * @param amountMinor     amount in minor units
 * @param paymentData     what the payer needs: {@code pix_qr_code}, {@code pix_copy_paste}, {@code boleto_url},
 *                        {@code boleto_digitable_line}, {@code invoice_url}
 */
public record Charge(String gatewayChargeId, String reference, ChargeStatus status, long amountMinor,
                     Map<String, String> paymentData) {

    /** Copies the map. */
    public Charge {
        paymentData = paymentData == null ? Map.of() : Map.copyOf(paymentData);
    }

    /** Normalized charge states. */
    public enum ChargeStatus { PENDING, CONFIRMED, RECEIVED, OVERDUE, REFUNDED, CANCELED }
}
