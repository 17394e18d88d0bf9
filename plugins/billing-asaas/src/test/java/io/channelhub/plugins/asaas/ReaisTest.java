package io.channelhub.plugins.asaas;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.math.BigDecimal;
import org.junit.jupiter.api.Test;

class ReaisTest {

    @Test
    void writesCentavosAsReaisWithTwoDecimals() {
        assertThat(Reais.fromMinor(9900)).hasToString("99.00");
        assertThat(Reais.fromMinor(1)).hasToString("0.01");
        assertThat(Reais.fromMinor(123456789)).hasToString("1234567.89");
        assertThat(Json.write(java.util.Map.of("value", Reais.fromMinor(10090)))).isEqualTo("{\"value\":100.90}");
    }

    @Test
    void readsReaisAsCentavosWhateverTheScale() {
        assertThat(Reais.toMinor(new BigDecimal("100"))).isEqualTo(10000);
        assertThat(Reais.toMinor(new BigDecimal("99.9"))).isEqualTo(9990);
        assertThat(Reais.toMinor(new BigDecimal("94.51"))).isEqualTo(9451);
        assertThat(Reais.toMinor(new BigDecimal("0.30"))).isEqualTo(30);
    }

    @Test
    void readsJsonDecimalsWithoutBinaryRounding() {
        // 0.29 has no exact double; 0.29 * 100 as a double is 28.999999999999996.
        assertThat(Reais.toMinor(Json.decimal(Json.object("{\"value\":0.29}"), "value").orElseThrow()))
                .isEqualTo(29);
        assertThat(Reais.toMinor(Json.decimal(Json.object("{\"value\":100}"), "value").orElseThrow()))
                .isEqualTo(10000);
    }

    @Test
    void refusesFractionsOfACentavo() {
        assertThatThrownBy(() -> Reais.toMinor(new BigDecimal("94.515"))).isInstanceOf(ArithmeticException.class);
    }
}
