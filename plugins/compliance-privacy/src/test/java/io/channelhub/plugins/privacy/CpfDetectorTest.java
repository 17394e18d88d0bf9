package io.channelhub.plugins.privacy;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class CpfDetectorTest {

    private final CpfDetector cpf = new CpfDetector();

    @Test
    void reportsItsType() {
        assertThat(cpf.type()).isEqualTo("cpf");
    }

    @ParameterizedTest
    @ValueSource(strings = {"529.982.247-25", "52998224725", "529982247-25", "111.444.777-35", "12345678909"})
    void findsValidCpfsFormattedOrPlainWithExactBounds(String number) {
        assertThat(Found.in(cpf, "Meu CPF é " + number + ", obrigado.")).containsExactly(number);
    }

    @Test
    void findsEveryCpfInTextOrder() {
        assertThat(Found.in(cpf, "titular 111.444.777-35; dependente 52998224725; outro 935.411.347-80"))
                .containsExactly("111.444.777-35", "52998224725", "935.411.347-80");
    }

    @ParameterizedTest
    @ValueSource(strings = {"529.982.247-24", "529.982.247-15", "52998224726", "111.444.777-36"})
    void ignoresCpfsWithAWrongCheckDigit(String number) {
        assertThat(Found.in(cpf, "CPF " + number)).isEmpty();
    }

    @ParameterizedTest
    @ValueSource(strings = {"000.000.000-00", "111.111.111-11", "99999999999"})
    void ignoresOneRepeatedDigit(String number) {
        assertThat(Found.in(cpf, "CPF " + number)).isEmpty();
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "1529982247250",      // inside a longer number
        "ID52998224725",      // inside a word
        "52998224725X",
        "9-52998224725",      // after a digit and a dash
        "52998224725.3",      // a decimal part
        "+52998224725",       // an international phone number
        "52998224725@exemplo.com.br",
        "11.222.333/0001-81", // a CNPJ
        "1.234.567,89",
        "2026-12-01"
    })
    void ignoresLookAlikes(String text) {
        assertThat(Found.in(cpf, text)).isEmpty();
    }
}
