package io.channelhub.plugin.billing;

/**
 * The customer to mirror at the gateway.
 *
 * <pre>{@code
 * new CustomerRequest("tenant_42", "Acme Ltda", "11222333000181", "billing@acme.example")
 * }</pre>
 *
 * @param reference the hub's id of the payer, stable (the gateway's external reference)
 * @param name      legal name
 * @param taxId     CPF or CNPJ, digits only
 * @param email     billing e-mail
 */
public record CustomerRequest(String reference, String name, String taxId, String email) {
}
