package io.channelhub.hub.audit;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** A key refused a hundred times in a minute leaves twenty rows, and the next minute's first row counts the rest. */
class DenialWindowsTest {

    @Test
    void twentyRowsAMinuteAndTheRestCounted() {
        AuditLog.DenialWindows w = new AuditLog.DenialWindows();
        long t = 1_000_000;
        int written = 0;
        for (int i = 0; i < 100; i++) {
            long r = w.admit("key:k1", t + i * 100);
            if (r >= 0) {
                assertThat(r).isZero();
                written++;
            }
        }
        assertThat(written).isEqualTo(AuditLog.DENIALS_PER_MINUTE);
        // Another key is not held back by the first.
        assertThat(w.admit("key:k2", t + 1000)).isZero();
        // The next window: written again, with the 80 left out on record.
        assertThat(w.admit("key:k1", t + 60_000)).isEqualTo(80);
        assertThat(w.admit("key:k1", t + 60_100)).isZero();
    }
}
