package io.channelhub.hub.billing;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class TaxIdsTest {

    @Test
    void acceptsCpfsWhoseCheckDigitsMatch() {
        assertThat(TaxIds.normalise("529.982.247-25")).isEqualTo("52998224725");
        assertThat(TaxIds.isValid("11144477735")).isTrue();
    }

    @Test
    void refusesCpfsWithAWrongCheckDigitOrOneRepeatedDigit() {
        assertThat(TaxIds.isValid("529.982.247-24")).isFalse();
        assertThat(TaxIds.isValid("52998224715")).isFalse();
        assertThat(TaxIds.isValid("111.111.111-11")).isFalse();
        assertThat(TaxIds.isValid("1234567890")).isFalse();
    }

    @Test
    void acceptsCnpjsWhoseCheckDigitsMatch() {
        assertThat(TaxIds.normalise("11.222.333/0001-81")).isEqualTo("11222333000181");
        assertThat(TaxIds.isValid("11444777000161")).isTrue();
    }

    @Test
    void acceptsTheAlphanumericCnpjsIssuedSinceJuly2026() {
        assertThat(TaxIds.normalise("12.ABC.345/01DE-35")).isEqualTo("12ABC34501DE35");
        assertThat(TaxIds.isValid("12.abc.345/01de-35")).isTrue();
        assertThat(TaxIds.isValid("12.ABC.345/01DE-36")).isFalse();
        assertThat(TaxIds.isValid("12.ABC.345/01DE-3X")).as("check digits are numeric").isFalse();
    }

    @Test
    void refusesCnpjsWithAWrongCheckDigitAndAnythingElse() {
        assertThat(TaxIds.isValid("11.222.333/0001-82")).isFalse();
        assertThat(TaxIds.isValid("11444777000171")).isFalse();
        assertThat(TaxIds.isValid("00000000000000")).isFalse();
        assertThat(TaxIds.isValid("11.222.333/0001-8a")).isFalse();
        assertThat(TaxIds.isValid("5299822472A")).as("a CPF is digits only").isFalse();
        assertThat(TaxIds.isValid(null)).isFalse();
    }
}
