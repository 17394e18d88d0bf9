package io.channelhub.plugins.asaas;

import java.math.BigDecimal;
import java.math.RoundingMode;

/**
 * The hub's integer centavos and Asaas's {@code value}, a decimal number of reais with at most two places. Never a
 * double: 0.1 + 0.2 reais must stay 30 centavos.
 */
final class Reais {

    private Reais() {
    }

    /** 9900 centavos as the decimal 99.00, which JSON writes as {@code 99.00}. */
    static BigDecimal fromMinor(long minor) {
        return BigDecimal.valueOf(minor, 2);
    }

    /**
     * A decimal of reais in centavos: 99.9 is 9990, 100 is 10000.
     *
     * @throws ArithmeticException when it has a fraction of a centavo or does not fit a long
     */
    static long toMinor(BigDecimal reais) {
        return reais.movePointRight(2).setScale(0, RoundingMode.UNNECESSARY).longValueExact();
    }
}
