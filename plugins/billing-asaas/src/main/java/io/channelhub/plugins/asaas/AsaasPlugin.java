package io.channelhub.plugins.asaas;

import org.pf4j.Plugin;

/** The billing-asaas plugin: Asaas billing gateway (PIX, boleto, card). Its extensions are discovered by pf4j from their {@code @Extension} annotation. */
public class AsaasPlugin extends Plugin {
}
