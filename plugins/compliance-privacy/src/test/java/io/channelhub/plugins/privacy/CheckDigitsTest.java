package io.channelhub.plugins.privacy;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class CheckDigitsTest {

    @ParameterizedTest
    @ValueSource(strings = {"52998224725", "12345678909", "11144477735", "93541134780", "98765432100"})
    void acceptsCpfsWithBothCheckDigitsRight(String cpf) {
        assertThat(CheckDigits.isCpf(cpf)).isTrue();
    }

    @ParameterizedTest
    @ValueSource(strings = {"52998224724", "52998224715", "12345678900", "11144477736"})
    void refusesCpfsWithOneCheckDigitWrong(String cpf) {
        assertThat(CheckDigits.isCpf(cpf)).isFalse();
    }

    @ParameterizedTest
    @ValueSource(strings = {"00000000000", "11111111111", "99999999999"})
    void refusesCpfsOfOneRepeatedDigitThoughTheArithmeticPasses(String cpf) {
        assertThat(CheckDigits.isCpf(cpf)).isFalse();
    }

    @Test
    void refusesCpfsOfTheWrongLengthOrAlphabet() {
        assertThat(CheckDigits.isCpf("5299822472")).isFalse();
        assertThat(CheckDigits.isCpf("529982247250")).isFalse();
        assertThat(CheckDigits.isCpf("5299822472A")).isFalse();
    }

    @ParameterizedTest
    @ValueSource(strings = {"11222333000181", "12345678000195", "12ABC34501DE35", "ABCDEFGHIJKL80"})
    void acceptsNumericAndAlphanumericCnpjs(String cnpj) {
        assertThat(CheckDigits.isCnpj(cnpj)).isTrue();
    }

    @ParameterizedTest
    @ValueSource(strings = {"11222333000182", "11222333000191", "12ABC34501DE36", "12ABC34501DE45"})
    void refusesCnpjsWithOneCheckDigitWrong(String cnpj) {
        assertThat(CheckDigits.isCnpj(cnpj)).isFalse();
    }

    @Test
    void refusesCnpjsWithLettersWhereOnlyDigitsGoOrInLowerCase() {
        assertThat(CheckDigits.isCnpj("12ABC34501DEA5")).isFalse();
        assertThat(CheckDigits.isCnpj("12abc34501de35")).isFalse();
        assertThat(CheckDigits.isCnpj("00000000000000")).isFalse();
    }

    @ParameterizedTest
    @ValueSource(strings = {"4111111111111111", "5555555555554444", "378282246310005", "6011111111111117", "0"})
    void acceptsLuhnValidNumbers(String digits) {
        assertThat(CheckDigits.passesLuhn(digits)).isTrue();
    }

    @ParameterizedTest
    @ValueSource(strings = {"4111111111111112", "5555555555554445", "378282246310006", "", "41111111111111a1"})
    void refusesLuhnInvalidNumbers(String digits) {
        assertThat(CheckDigits.passesLuhn(digits)).isFalse();
    }
}
