package io.channelhub.plugins.asaas;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

// Valid numbers below had their check digits computed by hand from the mod-11 rule; each invalid one differs from a
// valid one in a single check digit, so a validator that skipped either digit would accept it.
class TaxIdsTest {

    @ParameterizedTest
    @ValueSource(strings = {"52998224725", "11144477735", "24971563792", "00000000191"})
    void acceptsCpfsWithCorrectCheckDigits(String cpf) {
        assertThat(TaxIds.isValid(cpf)).isTrue();
    }

    @ParameterizedTest
    @ValueSource(strings = {"52998224726", "52998224735", "11144477736", "11144477745"})
    void rejectsCpfsWithAWrongCheckDigit(String cpf) {
        assertThat(TaxIds.isValid(cpf)).isFalse();
    }

    @ParameterizedTest
    @ValueSource(strings = {"11222333000181", "19540550000121", "00000000000191"})
    void acceptsCnpjsWithCorrectCheckDigits(String cnpj) {
        assertThat(TaxIds.isValid(cnpj)).isTrue();
    }

    @ParameterizedTest
    @ValueSource(strings = {"11222333000182", "11222333000191", "19540550000122", "19540550000131"})
    void rejectsCnpjsWithAWrongCheckDigit(String cnpj) {
        assertThat(TaxIds.isValid(cnpj)).isFalse();
    }

    @Test
    void acceptsTheAlphanumericCnpjOfTheReceitaFederalExample() {
        assertThat(TaxIds.normalised("12.ABC.345/01DE-35")).contains("12ABC34501DE35");
        assertThat(TaxIds.normalised("12abc34501de35")).contains("12ABC34501DE35");
        assertThat(TaxIds.isValid("12ABC34501DE36")).isFalse();
        assertThat(TaxIds.isValid("12ABC34501DE3A")).isFalse();
    }

    @Test
    void acceptsTheUsualPunctuationAndReturnsDigitsOnly() {
        assertThat(TaxIds.normalised("529.982.247-25")).contains("52998224725");
        assertThat(TaxIds.normalised(" 11.222.333/0001-81 ")).contains("11222333000181");
    }

    @ParameterizedTest
    @ValueSource(strings = {"00000000000", "11111111111", "99999999999", "00000000000000", "11111111111111"})
    void rejectsRepeatedDigitsThatPassTheArithmetic(String id) {
        assertThat(TaxIds.isValid(id)).isFalse();
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "5299822472", "529982247251", "5299822472a", "1122233300018", "529_982_247_25",
            "ABCDEFGHIJK"})
    void rejectsWrongLengthsAndCharacters(String id) {
        assertThat(TaxIds.isValid(id)).isFalse();
    }

    @Test
    void rejectsNull() {
        assertThat(TaxIds.isValid(null)).isFalse();
    }
}
