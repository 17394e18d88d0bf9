package io.channelhub.hub.web;

import static org.assertj.core.api.Assertions.assertThat;

import io.channelhub.hub.persistence.Deadlocks;
import io.channelhub.hub.support.TestDatabase;
import jakarta.ws.rs.core.Response;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * What MariaDB's driver really throws when two transactions want each other's rows (a deadlock, a lock wait timeout)
 * is a race the client may retry: the API answers {@code 503 database_busy} with {@code Retry-After}, not a 500.
 */
class DatabaseContentionTest {

    @Test
    void aRealDeadlockAndALockWaitTimeoutAreAnsweredAsARetryableBusyDatabase() throws Exception {
        try (TestDatabase db = TestDatabase.create(TestDatabase.Kind.MARIADB);
             Connection a = db.connect(); Connection b = db.connect()) {
            try (Statement s = a.createStatement()) {
                s.execute("CREATE TABLE contention (id INT PRIMARY KEY, v INT) ENGINE=InnoDB");
                s.execute("INSERT INTO contention VALUES (1, 0), (2, 0)");
            }
            a.setAutoCommit(false);
            b.setAutoCommit(false);
            // Opposite orders: each holds one row and wants the other's; InnoDB rolls one back (error 1213).
            CyclicBarrier both = new CyclicBarrier(2);
            CompletableFuture<SQLException> first = CompletableFuture.supplyAsync(() -> cross(a, 1, 2, both));
            CompletableFuture<SQLException> second = CompletableFuture.supplyAsync(() -> cross(b, 2, 1, both));
            SQLException one = first.get(30, TimeUnit.SECONDS);
            SQLException two = second.get(30, TimeUnit.SECONDS);
            SQLException deadlock = one != null ? one : two;
            assertThat((Object) deadlock).as("one of the two was the victim").isNotNull();
            a.rollback();
            b.rollback();
            assertBusy(deadlock);

            // A lock held longer than the other transaction waits (error 1205).
            try (Statement s = a.createStatement(); Statement t = b.createStatement()) {
                s.executeUpdate("UPDATE contention SET v = v + 1 WHERE id = 1");
                t.execute("SET SESSION innodb_lock_wait_timeout = 1");
                SQLException timeout = null;
                try {
                    t.executeUpdate("UPDATE contention SET v = v + 1 WHERE id = 1");
                } catch (SQLException e) {
                    timeout = e;
                }
                assertThat((Object) timeout).isNotNull();
                assertBusy(timeout);
            } finally {
                a.rollback();
                b.rollback();
            }

            // Anything else stays the hub's own error.
            Response other = new ErrorMappers.Unexpected().toResponse(new IllegalStateException("bug",
                    new SQLException("Table 'x' doesn't exist", "42S02", 1146)));
            assertThat(other.getStatus()).isEqualTo(500);
        }
    }

    private static void assertBusy(SQLException cause) {
        // As the hub meets it: wrapped by Jdbi's statement exception.
        RuntimeException wrapped = new IllegalStateException("statement failed", cause);
        assertThat(Deadlocks.isContention(wrapped)).as(cause.toString()).isTrue();
        Response r = new ErrorMappers.Unexpected().toResponse(wrapped);
        assertThat(r.getStatus()).isEqualTo(503);
        assertThat(r.getHeaderString("Retry-After")).isEqualTo("1");
        assertThat(((ErrorResponse) r.getEntity()).error().code()).isEqualTo("database_busy");
    }

    private static SQLException cross(Connection c, int mine, int theirs, CyclicBarrier both) {
        try (Statement s = c.createStatement()) {
            s.executeUpdate("UPDATE contention SET v = v + 1 WHERE id = " + mine);
            both.await(10, TimeUnit.SECONDS);
            s.executeUpdate("UPDATE contention SET v = v + 1 WHERE id = " + theirs);
            return null;
        } catch (SQLException e) {
            return e;
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }
}
