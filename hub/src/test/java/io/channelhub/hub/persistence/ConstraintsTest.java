package io.channelhub.hub.persistence;

import static org.assertj.core.api.Assertions.assertThat;

import java.sql.BatchUpdateException;
import java.sql.SQLException;
import java.sql.SQLIntegrityConstraintViolationException;
import java.sql.SQLTransactionRollbackException;
import org.jdbi.v3.core.statement.UnableToExecuteStatementException;
import org.junit.jupiter.api.Test;

/** Failures read alike on H2 and MariaDB, by the states and codes their drivers report. */
class ConstraintsTest {

    private static RuntimeException jdbi(SQLException e) {
        return new UnableToExecuteStatementException(e, null);
    }

    @Test
    void aDuplicateKeyIsAUniqueViolationOnBothDatabases() {
        // MariaDB: SQLState 23000 for every integrity error, 1062 for a duplicate key.
        assertThat(Constraints.isUniqueViolation(jdbi(new SQLIntegrityConstraintViolationException(
                "Duplicate entry 'k' for key 'uq'", "23000", 1062)))).isTrue();
        // H2: its own state for a unique index.
        assertThat(Constraints.isUniqueViolation(jdbi(new SQLIntegrityConstraintViolationException(
                "Unique index or primary key violation", "23505", 23505)))).isTrue();
        // In a batch, MariaDB's driver chains the statement's failure behind the batch's.
        BatchUpdateException batch = new BatchUpdateException("batch failed", "HY000", 0, new int[0]);
        batch.setNextException(new SQLIntegrityConstraintViolationException("Duplicate entry", "23000", 1062));
        assertThat(Constraints.isUniqueViolation(jdbi(batch))).isTrue();
    }

    @Test
    void aMissingValueOrABrokenReferenceIsNotARowThatIsAlreadyThere() {
        RuntimeException notNull = jdbi(new SQLIntegrityConstraintViolationException(
                "Column 'tenant_id' cannot be null", "23000", 1048));
        RuntimeException foreignKey = jdbi(new SQLIntegrityConstraintViolationException(
                "Referential integrity constraint violation", "23506", 23506));
        assertThat(Constraints.isUniqueViolation(notNull)).isFalse();
        assertThat(Constraints.isUniqueViolation(foreignKey)).isFalse();
        assertThat(Constraints.isPermanent(notNull)).isTrue();
        assertThat(Constraints.isPermanent(foreignKey)).isTrue();
        assertThat(Constraints.isPermanent(jdbi(new SQLException("Data too long for column 'model'", "22001", 1406))))
                .isTrue();
    }

    @Test
    void aDeadlockALockWaitOrALostConnectionMayPassOnALaterTry() {
        assertThat(Constraints.isPermanent(jdbi(new SQLTransactionRollbackException(
                "Deadlock found when trying to get lock", "40001", 1213)))).isFalse();
        assertThat(Constraints.isPermanent(jdbi(new SQLException("Lock wait timeout exceeded", "HY000", 1205))))
                .isFalse();
        assertThat(Constraints.isPermanent(jdbi(new SQLException("Connection reset", "08000", 0)))).isFalse();
        assertThat(Constraints.isPermanent(new IllegalStateException("no SQL at all"))).isFalse();
        assertThat(Constraints.isUniqueViolation(new IllegalStateException("no SQL at all"))).isFalse();
    }
}
