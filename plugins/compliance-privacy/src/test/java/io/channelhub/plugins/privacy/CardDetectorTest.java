package io.channelhub.plugins.privacy;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class CardDetectorTest {

    private final CardDetector card = new CardDetector();

    @Test
    void reportsItsType() {
        assertThat(card.type()).isEqualTo("card");
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "4111 1111 1111 1111", "4111111111111111", "4111-1111-1111-1111",
        "5555 5555 5555 4444", "5555555555554444",
        "3782 822463 10005", "378282246310005",
        "4222222222222",       // 13-digit Visa
        "6011 1111 1111 1117", // Discover
        "6062825624254001"     // Hipercard: no length rule for its prefix
    })
    void findsLuhnValidCardNumbersPlainOrGrouped(String number) {
        assertThat(Found.in(card, "cartão " + number + ", validade 12/27")).containsExactly(number);
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "4111 1111 1111 1112", "4111111111111112", "5555-5555-5555-4445", "3782 822463 10006"
    })
    void ignoresLuhnInvalidLookAlikes(String number) {
        assertThat(Found.in(card, "cartão " + number)).isEmpty();
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "1767225600009",    // epoch milliseconds, Luhn-valid, begins with 1
        "1767225600000008", // epoch microseconds, Luhn-valid
        "9111111111111003", // Luhn-valid, first digit 9 is no card issuer
        "5511912345007",    // a WhatsApp id, Luhn-valid, but Mastercard numbers have 16 digits
        "411111111110001",  // Luhn-valid, but Visa numbers have 13, 16 or 19 digits
        "3456789012003"     // Luhn-valid, but American Express numbers have 15
    })
    void ignoresLuhnValidRunsNoIssuerWouldPrint(String digits) {
        assertThat(Found.in(card, "id " + digits)).isEmpty();
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "x4111111111111111", "4111111111111111x", "41111111111111110", "+4111111111111111",
        "4111111111111111.50", "4111 1111-1111 1111", "4111111111111111@exemplo.com"
    })
    void ignoresCardDigitsInsideSomethingElse(String text) {
        assertThat(Found.in(card, text)).isEmpty();
    }

    @Test
    void leavesALuhnValidCnpjToTheCnpjDetector() {
        assertThat(CheckDigits.passesLuhn("36222349000115")).isTrue();
        assertThat(Found.in(card, "CNPJ 36222349000115")).isEmpty();
    }

    @Test
    void keepsTheCardWhenAnExpiryOrSecurityCodeFollowsItsGroups() {
        assertThat(Found.in(card, "4111 1111 1111 1111 1227")).containsExactly("4111 1111 1111 1111");
        assertThat(Found.in(card, "4111 1111 1111 1111 123")).containsExactly("4111 1111 1111 1111");
    }

    @Test
    void findsTheCardAfterAnUnrelatedLeadingGroup() {
        assertThat(Found.in(card, "pedido 1234 4111 1111 1111 1111")).containsExactly("4111 1111 1111 1111");
    }

    @Test
    void findsEveryCardInTextOrder() {
        assertThat(Found.in(card, "3782 822463 10005 e 5555555555554444"))
                .containsExactly("3782 822463 10005", "5555555555554444");
    }
}
