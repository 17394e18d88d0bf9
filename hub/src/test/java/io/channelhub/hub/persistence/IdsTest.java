package io.channelhub.hub.persistence;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** Ids and key material: the right length and alphabet, never repeated, every character equally likely. */
class IdsTest {

    @Test
    void idsHaveTheirPrefixAnd22Base62Characters() {
        Set<String> seen = new HashSet<>();
        for (int i = 0; i < 10_000; i++) {
            String id = Ids.newId("ine");
            assertThat(id).matches("ine_[0-9A-Za-z]{22}");
            assertThat(seen.add(id)).isTrue();
        }
        assertThat(Ids.randomBase62(40)).hasSize(40);
        assertThat(Ids.randomBase62(1)).hasSize(1);
    }

    /**
     * Ids made later sort after earlier ones, byte by byte as an ascii_bin (or H2) index compares them, so an index on
     * ids grows at its end instead of touching a random page per insert. Made in the same millisecond, they differ in
     * their 14 random characters.
     */
    @Test
    void laterIdsSortAfterEarlierOnesByTheirBytes() throws InterruptedException {
        String first = Ids.newId("msg");
        Thread.sleep(2);
        String second = Ids.newId("msg");
        assertThat(second).isGreaterThan(first);
        assertThat(Ids.timeBase62(0)).isEqualTo("00000000");
        assertThat(Ids.timeBase62(61)).isEqualTo("0000000z");
        assertThat(Ids.timeBase62(62)).isEqualTo("00000010");
        // A millisecond sorts after the one before it: now, in ten years, in the year 2500, and across a carry.
        long[] times = {1_700_000_000_000L, 1_800_000_000_000L, 16_725_225_600_000L};
        for (long t : times) {
            assertThat(Ids.timeBase62(t + 1)).isGreaterThan(Ids.timeBase62(t));
            assertThat(Ids.timeBase62(t)).hasSize(8);
        }
        long carry = 62L * 62 * 62;
        assertThat(Ids.timeBase62(carry)).isGreaterThan(Ids.timeBase62(carry - 1));
    }

    @Test
    void everyCharacterIsEquallyLikely() {
        // 620,000 characters, 10,000 expected of each of 62: a chi-square over 61 degrees of freedom stays far
        // below 150 unless the draw is biased (a modulo over 256 would give the first 8 characters 25% more).
        int[] counts = new int[128];
        for (int i = 0; i < 31_000; i++) {
            for (char c : Ids.randomBase62(20).toCharArray()) {
                counts[c]++;
            }
        }
        String alphabet = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";
        double chi = 0;
        for (char c : alphabet.toCharArray()) {
            chi += Math.pow(counts[c] - 10_000, 2) / 10_000;
        }
        assertThat(chi).isLessThan(150);
    }
}
