package io.channelhub.hub.persistence;

import java.sql.SQLException;
import java.sql.SQLTransactionRollbackException;
import java.util.function.Supplier;

/**
 * Runs a transaction again when the database chose it as a deadlock's victim. MariaDB (InnoDB) rolls one of two
 * transactions back when they lock rows in opposite orders (a file deleted while ingestion writes its chunks) and asks
 * the client to retry: a caller would otherwise get a 500 for a race it did not cause.
 */
public final class Deadlocks {

    static final int ATTEMPTS = 3;

    private Deadlocks() {
    }

    /** {@code work} (one whole transaction), tried up to three times while it is rolled back as a deadlock victim. */
    public static <T> T retry(Supplier<T> work) {
        for (int attempt = 1; ; attempt++) {
            try {
                return work.get();
            } catch (RuntimeException e) {
                if (attempt >= ATTEMPTS || !isDeadlock(e)) {
                    throw e;
                }
                try {
                    // A few milliseconds, growing: the other transaction finishes in the meantime.
                    Thread.sleep(5L * attempt * attempt);
                } catch (InterruptedException interrupted) {
                    Thread.currentThread().interrupt();
                    throw e;
                }
            }
        }
    }

    /**
     * Whether {@code e} was caused by the database refusing a transaction for another one's locks: a deadlock
     * rollback, or MariaDB's lock wait timeout (error 1205). Trying the request again later can succeed.
     */
    public static boolean isContention(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof SQLException s && s.getErrorCode() == MARIADB_LOCK_WAIT_TIMEOUT) {
                return true;
            }
        }
        return isDeadlock(e);
    }

    static final int MARIADB_LOCK_WAIT_TIMEOUT = 1205;

    /** Whether {@code e} was caused by a deadlock rollback (SQLSTATE 40001). */
    static boolean isDeadlock(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof SQLTransactionRollbackException
                    || (t instanceof SQLException s && "40001".equals(s.getSQLState()))) {
                return true;
            }
        }
        return false;
    }
}
