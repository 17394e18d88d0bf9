package io.channelhub.plugin.billing;

import io.channelhub.plugin.SettingsSchema;
import java.util.Set;

/**
 * What a gateway is and needs.
 *
 * <pre>{@code
 * new GatewayDescriptor("asaas", "Asaas", Set.of(PaymentMethod.PIX, PaymentMethod.BOLETO), schema)
 * }</pre>
 *
 * @param id             a stable id
 * @param displayName    its human name
 * @param methods        payment methods it supports
 * @param settingsSchema what a tenant must configure (API key as a secret, environment, ...)
 */
public record GatewayDescriptor(String id, String displayName, Set<PaymentMethod> methods,
                                SettingsSchema settingsSchema) {

    /** Copies the set. */
    public GatewayDescriptor {
        methods = Set.copyOf(methods);
    }
}
