package io.channelhub.plugins.privacy;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class EmailDetectorTest {

    private final EmailDetector email = new EmailDetector();

    @Test
    void reportsItsType() {
        assertThat(email.type()).isEqualTo("email");
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "joao.silva@exemplo.com.br", "Maria_Souza+news@mail.example.org", "JOAO@EXEMPLO.COM", "joão@exemplo.com.br",
        "a@b.co", "o-brien%x@sub-domain.example.io", "user@example.xn--p1ai", "11912345678@s.whatsapp.net"
    })
    void findsAddressesWithExactBounds(String address) {
        assertThat(Found.in(email, "Escreva para <" + address + ">, por favor.")).containsExactly(address);
    }

    @Test
    void endsTheAddressBeforeTheSentencePunctuation() {
        assertThat(Found.in(email, "mailto:joao@exemplo.com.")).containsExactly("joao@exemplo.com");
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "user@localhost", "postgres@db", "@joao", "joao@", "joao @exemplo.com", "pkg@1.2.3", "lodash@4.17.21",
        "icon@2x.png", "joao.@exemplo.com", "a@b.c", "a@-b.com", "joao@exemplo..com"
    })
    void ignoresLookAlikes(String text) {
        assertThat(Found.in(email, text)).isEmpty();
    }

    @Test
    void startsAfterADoubledDotThatNoAddressCanHold() {
        assertThat(Found.in(email, "joao..silva@exemplo.com")).containsExactly("silva@exemplo.com");
    }

    @Test
    void ignoresALocalPartLongerThan64Characters() {
        assertThat(Found.in(email, "a".repeat(65) + "@exemplo.com")).isEmpty();
        assertThat(Found.in(email, "a".repeat(64) + "@exemplo.com")).containsExactly("a".repeat(64) + "@exemplo.com");
    }

    @Test
    void findsEveryAddressInTextOrder() {
        assertThat(Found.in(email, "de a@x.com para b@y.org, cc c@z.net"))
                .containsExactly("a@x.com", "b@y.org", "c@z.net");
    }

    @Test
    void tellsWhetherASpanLiesInsideAnAddress() {
        String text = "wa 11912345678@s.whatsapp.net e x@10.0.0.1.nip.io e root@10.0.0.1";
        int local = text.indexOf("11912345678");
        assertThat(EmailDetector.withinAddress(text, local, local + 11)).isTrue();
        int inDomain = text.indexOf("10.0.0.1");
        assertThat(EmailDetector.withinAddress(text, inDomain, inDomain + 8)).isTrue();
        int host = text.lastIndexOf("10.0.0.1");
        assertThat(EmailDetector.withinAddress(text, host, host + 8)).isFalse();
        assertThat(EmailDetector.withinAddress(text, 0, 2)).isFalse();
    }
}
