package io.channelhub.plugins.asaas;

import io.channelhub.plugin.billing.GatewayException;
import io.channelhub.plugin.billing.GatewaySubscription;
import io.channelhub.plugin.billing.SubscriptionEvent;
import java.util.Map;
import java.util.Optional;

/**
 * The fields of an Asaas subscription object ({@code "object":"subscription"}) that the hub needs. Its dates are left
 * unread: the API writes them {@code yyyy-MM-dd} but the webhook's copy {@code dd/MM/yyyy}.
 *
 * @param id                {@code sub_...}
 * @param customer          {@code cus_...}, or null
 * @param valueMinor        {@code value} in centavos, or null when absent
 * @param cycle             MONTHLY, YEARLY, ... or null
 * @param status            ACTIVE, INACTIVE or EXPIRED
 * @param deleted           whether it was removed
 * @param externalReference the hub's subscription id, or null
 */
record AsaasSubscription(String id, String customer, Long valueMinor, String cycle, String status, boolean deleted,
                         String externalReference) {

    /** Reads a subscription object; a missing id or a value of a fraction of a centavo is an IAE. */
    static AsaasSubscription parse(Map<String, Object> s) {
        String id = Json.text(s, "id").orElseThrow(() -> new IllegalArgumentException("subscription without id"));
        Long value;
        try {
            value = Json.decimal(s, "value").map(Reais::toMinor).orElse(null);
        } catch (ArithmeticException e) {
            throw new IllegalArgumentException("subscription value is not whole centavos", e);
        }
        return new AsaasSubscription(id, Json.text(s, "customer").orElse(null), value,
                Json.text(s, "cycle").orElse(null), Json.text(s, "status").orElse(null), Json.isTrue(s, "deleted"),
                Json.text(s, "externalReference").orElse(null));
    }

    /** Reads the subscription object of an API answer. */
    static AsaasSubscription fromAnswer(Map<String, Object> answer) throws GatewayException {
        try {
            return parse(answer);
        } catch (IllegalArgumentException e) {
            throw new GatewayException("malformed_response", "Asaas answered a subscription the plugin cannot read: "
                    + e.getMessage(), true);
        }
    }

    GatewaySubscription toGatewaySubscription(String reference) throws GatewayException {
        Optional<SubscriptionEvent.Status> s = AsaasStatuses.subscription(status, deleted);
        if (s.isEmpty()) {
            throw new GatewayException("unexpected_status", "Asaas subscription " + id + " has a status this plugin "
                    + "does not know: " + status, false);
        }
        return new GatewaySubscription(id, externalReference != null ? externalReference : reference, s.get());
    }
}
