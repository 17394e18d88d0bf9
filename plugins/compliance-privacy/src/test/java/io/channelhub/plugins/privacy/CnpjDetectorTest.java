package io.channelhub.plugins.privacy;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class CnpjDetectorTest {

    private final CnpjDetector cnpj = new CnpjDetector();

    @Test
    void reportsItsType() {
        assertThat(cnpj.type()).isEqualTo("cnpj");
    }

    @ParameterizedTest
    @ValueSource(strings = {"11.222.333/0001-81", "11222333000181", "12.345.678/0001-95", "11222333/0001-81"})
    void findsValidNumericCnpjs(String number) {
        assertThat(Found.in(cnpj, "Empresa (CNPJ " + number + ") ativa")).containsExactly(number);
    }

    @ParameterizedTest
    @ValueSource(strings = {"12.ABC.345/01DE-35", "12ABC34501DE35", "12.abc.345/01de-35", "ABCDEFGHIJKL80"})
    void findsValidAlphanumericCnpjs(String number) {
        // 12.ABC.345/01DE-35 is the Receita Federal's own example of the alphanumeric CNPJ.
        assertThat(Found.in(cnpj, "CNPJ: " + number + ".")).containsExactly(number);
    }

    @ParameterizedTest
    @ValueSource(strings = {"11.222.333/0001-82", "11222333000191", "12.ABC.345/01DE-36", "12ABC34501DE45"})
    void ignoresCnpjsWithAWrongCheckDigit(String number) {
        assertThat(Found.in(cnpj, "CNPJ " + number)).isEmpty();
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "12abc34501de35",        // lower case without punctuation: an identifier, not a typed CNPJ
        "12.ABC.345/01DE-3A",    // check digits are always digits
        "00.000.000/0000-00",
        "ID12ABC34501DE35",
        "112223330001810",
        "X.12ABC34501DE35",
        "+11222333000181",
        "11222333000181@exemplo.com.br",
        "529.982.247-25"
    })
    void ignoresLookAlikes(String text) {
        assertThat(Found.in(cnpj, text)).isEmpty();
    }

    @Test
    void findsNumericAndAlphanumericCnpjsInTextOrder() {
        assertThat(Found.in(cnpj, "matriz 11.222.333/0001-81, filial 12ABC34501DE35"))
                .containsExactly("11.222.333/0001-81", "12ABC34501DE35");
    }
}
