package io.channelhub.plugins.asaas;

import io.channelhub.plugin.billing.Charge;
import io.channelhub.plugin.billing.GatewayException;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * The fields of an Asaas payment object ({@code "object":"payment"}) that the hub needs.
 *
 * @param id                {@code pay_...}
 * @param customer          {@code cus_...}
 * @param valueMinor        {@code value} in centavos
 * @param billingType       PIX, BOLETO, CREDIT_CARD or UNDEFINED
 * @param status            Asaas's status
 * @param deleted           whether it was removed
 * @param externalReference the hub's invoice id (a subscription's payment copies the subscription's), or null
 * @param invoiceUrl        the payer's page, or null
 * @param bankSlipUrl       the boleto PDF, or null
 * @param subscription      the subscription ({@code sub_...}) that generated it, or null for a one-off charge
 */
record AsaasPayment(String id, String customer, long valueMinor, String billingType, String status,
                    boolean deleted, String externalReference, String invoiceUrl, String bankSlipUrl,
                    String subscription) {

    /** Reads a payment object; a missing id or an unreadable value is an {@link IllegalArgumentException}. */
    static AsaasPayment parse(Map<String, Object> p) {
        String id = Json.text(p, "id").orElseThrow(() -> new IllegalArgumentException("payment without id"));
        long value;
        try {
            value = Reais.toMinor(Json.decimal(p, "value")
                    .orElseThrow(() -> new IllegalArgumentException("payment without value")));
        } catch (ArithmeticException e) {
            throw new IllegalArgumentException("payment value is not whole centavos", e);
        }
        return new AsaasPayment(id, Json.text(p, "customer").orElse(null), value,
                Json.text(p, "billingType").orElse(null), Json.text(p, "status").orElse(null),
                Json.isTrue(p, "deleted"), Json.text(p, "externalReference").orElse(null),
                Json.text(p, "invoiceUrl").orElse(null), Json.text(p, "bankSlipUrl").orElse(null),
                Json.text(p, "subscription").orElse(null));
    }

    /** Reads the payment object of an API answer. */
    static AsaasPayment fromAnswer(Map<String, Object> answer) throws GatewayException {
        try {
            return parse(answer);
        } catch (IllegalArgumentException e) {
            throw new GatewayException("malformed_response", "Asaas answered a payment the plugin cannot read: "
                    + e.getMessage(), true);
        }
    }

    /** The charge, with what the payer needs that the payment object itself holds, plus {@code extra}. */
    Charge toCharge(Map<String, String> extra) throws GatewayException {
        Charge.ChargeStatus s = AsaasStatuses.charge(status, deleted).orElseThrow(() -> new GatewayException(
                "unexpected_status", "Asaas payment " + id + " has a status this plugin does not know: " + status,
                false));
        Map<String, String> data = new LinkedHashMap<>();
        Optional.ofNullable(invoiceUrl).ifPresent(u -> data.put("invoice_url", u));
        Optional.ofNullable(bankSlipUrl).ifPresent(u -> data.put("boleto_url", u));
        data.putAll(extra);
        return new Charge(id, externalReference, s, valueMinor, data);
    }
}
