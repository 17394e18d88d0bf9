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
