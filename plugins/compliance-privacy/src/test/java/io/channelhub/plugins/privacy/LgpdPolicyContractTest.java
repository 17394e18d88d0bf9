package io.channelhub.plugins.privacy;

import io.channelhub.plugin.privacy.PrivacyPolicy;
import io.channelhub.plugin.testing.PrivacyPolicyContract;
import java.util.Map;

/** The test kit's privacy contract on the LGPD policy. */
class LgpdPolicyContractTest extends PrivacyPolicyContract {

    /** One of each kind, valid where a check digit applies (test numbers, not anyone's). */
    static final Map<String, String> SAMPLES = Map.of(
            "email", "escreva para ana.souza@example.com.br hoje",
            "cpf", "meu CPF é 529.982.247-25",
            "cnpj", "CNPJ 11.222.333/0001-81 da loja",
            "card", "cartão 4111 1111 1111 1111 validade 12/30",
            "phone", "ligue +55 11 98765-4321 depois",
            "ip", "acesso de 203.0.113.77 bloqueado");

    @Override
    protected PrivacyPolicy policy() {
        return new LgpdPolicy();
    }

    @Override
    protected Map<String, String> oneOfEachType() {
        return SAMPLES;
    }
}
