package io.channelhub.hub.persistence;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.sql.SQLException;
import java.sql.SQLTransactionRollbackException;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class DeadlocksTest {

    private static RuntimeException victim() {
        return new IllegalStateException("statement failed",
                new SQLTransactionRollbackException("Deadlock found when trying to get lock", "40001", 1213));
    }

    @Test
    void aDeadlockVictimIsRunAgainUntilItCommits() {
        AtomicInteger tries = new AtomicInteger();
        String out = Deadlocks.retry(() -> {
            if (tries.incrementAndGet() < 3) {
                throw victim();
            }
            return "committed";
        });
        assertThat(out).isEqualTo("committed");
        assertThat(tries).hasValue(3);
    }

    @Test
    void itGivesUpAfterThreeTriesAndOtherFailuresAreNotRetried() {
        AtomicInteger tries = new AtomicInteger();
        assertThatThrownBy(() -> Deadlocks.retry(() -> {
            tries.incrementAndGet();
            throw victim();
        })).hasRootCauseInstanceOf(SQLTransactionRollbackException.class);
        assertThat(tries).hasValue(3);

        AtomicInteger once = new AtomicInteger();
        assertThatThrownBy(() -> Deadlocks.retry(() -> {
            once.incrementAndGet();
            throw new IllegalStateException("constraint", new SQLException("duplicate", "23000"));
        })).hasMessage("constraint");
        assertThat(once).hasValue(1);
    }
}
