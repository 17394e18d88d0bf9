package io.channelhub.plugins.privacy;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class PhoneDetectorTest {

    private final PhoneDetector phone = new PhoneDetector();

    @Test
    void reportsItsType() {
        assertThat(phone.type()).isEqualTo("phone");
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "+55 11 91234-5678", "+5511912345678", "+55 (11) 91234-5678", "+55-11-91234-5678",
        "(11) 91234-5678", "(11)91234-5678", "11 91234-5678", "11 9 1234-5678", "(11) 9 1234 5678",
        "11912345678", "011 91234-5678", "(011) 91234-5678", "011912345678",
        "55 11 91234-5678", "5511912345678"
    })
    void findsBrazilianMobileNumbersInTheUsualForms(String number) {
        assertThat(Found.in(phone, "Me liga no " + number + " amanhã")).containsExactly(number);
    }

    @ParameterizedTest
    @ValueSource(strings = {"(11) 3456-7890", "11 3456-7890", "(21) 2345 6789", "021 2345-6789", "11 34567890",
        "+55 11 3456-7890", "+551134567890"})
    void findsBrazilianLandlinesWithTheirAreaCode(String number) {
        assertThat(Found.in(phone, "Tel.: " + number + ".")).containsExactly(number);
    }

    @ParameterizedTest
    @ValueSource(strings = {"+1 (415) 555-2671", "+44 20 7946 0958", "+4915112345678", "+351 912 345 678",
        "+33 1 23 45 67 89", "+81-3-1234-5678"})
    void findsInternationalNumbersOf8To15Digits(String number) {
        assertThat(Found.in(phone, "call " + number + ", please")).containsExactly(number);
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "2026-12-01", "01/12/2026", "2026-12-01T10:30:00+03:00", "UTC+03:00", "R$ 1.234,56", "R$ 12.345.678,90",
        "CEP 01310-100", "às 14:30", "14:30:59",
        "Pedido 4521-7788",         // no area code
        "pedido nº 123456789",
        "1134567890",               // a bare ten-digit run: a landline is not written like this
        "1735689600",               // epoch seconds
        "(20) 91234-5678",          // 20 is no area code
        "11 81234-5678",            // a mobile number begins with 9
        "+1234567",                 // fewer than 8 digits
        "+1234567890123456",        // more than 15
        "+10 pontos", "+5511912345678abc", "+12345678.90",
        "4111 1111 1111 1111",      // a card's groups
        "529.982.247-25", "11.222.333/0001-81", "192.168.10.100",
        "11912345678@s.whatsapp.net"
    })
    void ignoresLookAlikes(String text) {
        assertThat(Found.in(phone, text)).isEmpty();
    }

    @Test
    void leavesAMobileShapedValidCpfToTheCpfDetector() {
        assertThat(CheckDigits.isCpf("11912345684")).isTrue();
        assertThat(Found.in(phone, "11912345684")).isEmpty();
        assertThat(Found.in(phone, "(11) 91234-5684")).containsExactly("(11) 91234-5684");
    }

    @Test
    void keepsTheNumberWhenMoreDigitsFollowIt() {
        assertThat(Found.in(phone, "+55 11 91234-5678 2026")).containsExactly("+55 11 91234-5678");
        assertThat(Found.in(phone, "+44 20 7946 0958 2026")).containsExactly("+44 20 7946 0958");
        // 15 digits would still be a valid E.164 length, but a Brazilian number has 10 or 11 after the 55.
        assertThat(Found.in(phone, "+55 11 91234-5678 20")).containsExactly("+55 11 91234-5678");
    }

    @Test
    void findsEveryNumberInTextOrder() {
        assertThat(Found.in(phone, "fixo (11) 3456-7890, celular 11 91234-5678, exterior +1 415 555 2671"))
                .containsExactly("(11) 3456-7890", "11 91234-5678", "+1 415 555 2671");
    }
}
