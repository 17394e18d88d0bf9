package io.channelhub.plugins.privacy;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class IpDetectorTest {

    private final IpDetector ip = new IpDetector();

    @Test
    void reportsItsType() {
        assertThat(ip.type()).isEqualTo("ip");
    }

    @ParameterizedTest
    @ValueSource(strings = {"192.168.0.1", "10.0.0.1", "255.255.255.255", "0.0.0.0", "8.8.8.8", "100.64.1.250"})
    void findsIpv4Addresses(String address) {
        assertThat(Found.in(ip, "client " + address + " connected.")).containsExactly(address);
    }

    @Test
    void findsIpv4BeforeAPortOrAPrefixLength() {
        assertThat(Found.in(ip, "10.0.0.1:8080 e 10.0.0.0/8")).containsExactly("10.0.0.1", "10.0.0.0");
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "2001:0db8:0000:0000:0000:ff00:0042:8329", "2001:db8::1", "2001:DB8::FF00:42:8329", "::1", "2001:db8::",
        "fe80::1ff:fe23:4567:890a", "1:2:3:4:5:6:7::", "::ffff:192.0.2.1", "64:ff9b::192.0.2.33"
    })
    void findsIpv6AddressesIncludingCompressedForms(String address) {
        assertThat(Found.in(ip, "from " + address + ", ok")).containsExactly(address);
    }

    @Test
    void findsIpv6InsideBracketsAndBeforeASentenceColon() {
        assertThat(Found.in(ip, "[2001:db8::1]:443")).containsExactly("2001:db8::1");
        assertThat(Found.in(ip, "blocked fe80::1: too many requests")).containsExactly("fe80::1");
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "1.2.3", "v1.2.3.4", "1.2.3.4.5", "1.2.3.4a", "256.1.1.1", "192.168.1.300", "010.0.0.1", "192.168.01.1",
        "R$ 1.234.567,89", "01.12.2026",
        "10:30:45", "00:1A:2B:3C:4D:5E", "::", "Cafe::bad", "std::vector", "1:2:3:4:5:6:7:8:9", "1:2:3:4:5:6:7",
        "2001:db8::1::2", "2001:db8:::1", "2001:db8::12345", "::ffff:192.0.2.256", "fe80::1g"
    })
    void ignoresLookAlikes(String text) {
        assertThat(Found.in(ip, text)).isEmpty();
    }

    @Test
    void reportsAnEmbeddedIpv4OnceAsPartOfTheIpv6Address() {
        assertThat(ip.find("::ffff:192.0.2.1")).hasSize(1);
    }

    @Test
    void leavesAnAddressInAnEmailDomainToTheEmailDetector() {
        assertThat(Found.in(ip, "joao@10.0.0.1.nip.io vs root@10.0.0.1")).containsExactly("10.0.0.1");
        assertThat(ip.find("joao@10.0.0.1.nip.io vs root@10.0.0.1").get(0).start()).isEqualTo(29);
    }

    @Test
    void findsBothFamiliesInTextOrder() {
        assertThat(Found.in(ip, "a 2001:db8::1 b 192.168.0.1 c ::1"))
                .containsExactly("2001:db8::1", "192.168.0.1", "::1");
    }
}
