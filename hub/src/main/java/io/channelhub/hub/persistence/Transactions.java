package io.channelhub.hub.persistence;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Locale;
import java.util.regex.Pattern;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.HandleCallback;
import org.jdbi.v3.core.Jdbi;
import org.jdbi.v3.core.transaction.TransactionException;
import org.jdbi.v3.core.transaction.TransactionHandler;
import org.jdbi.v3.core.transaction.TransactionIsolationLevel;

/**
 * How the hub's transactions begin and end on its database.
 *
 * <p>Jdbi's default handler opens a transaction by turning the connection's auto-commit off and, after the commit,
 * turns it on again. On MariaDB each of those is a statement of its own ({@code set autocommit=0}, then {@code
 * set autocommit=1}): three round trips around every transaction besides its statements. With them a chat turn (two
 * transactions) took 14.6 round trips, without them 12.8 (RoundTripsPerTurnMariaDbTest; docs/benchmarks.md, eighth
 * pass). Here a transaction is {@code START TRANSACTION} ... {@code COMMIT} (or {@code ROLLBACK}) on a connection that
 * stays in auto-commit: two round trips, and the pool's connections are never left with auto-commit off. H2 keeps
 * Jdbi's handler: its auto-commit switch is a field, not a round trip.
 */
public final class Transactions {

    private static final Pattern SAVEPOINT_NAME = Pattern.compile("[A-Za-z_][A-Za-z0-9_]{0,63}");

    private Transactions() {
    }

    /** Sets the transaction handler for the database the driver class names. */
    public static void install(Jdbi jdbi, String driverClass) {
        if (explicitBegin(driverClass)) {
            jdbi.setTransactionHandler(new ExplicitBegin());
        }
    }

    /** MariaDB and MySQL: where switching auto-commit costs a round trip each way. */
    static boolean explicitBegin(String driverClass) {
        String d = driverClass == null ? "" : driverClass.toLowerCase(Locale.ROOT);
        return d.contains("mariadb") || d.contains("mysql");
    }

    /**
     * {@code START TRANSACTION} and {@code COMMIT}/{@code ROLLBACK} as statements. Jdbi gives each handle its own
     * instance ({@link #specialize}), which knows whether it began a transaction (the connection's auto-commit flag
     * does not change, so it cannot tell).
     */
    static final class ExplicitBegin implements TransactionHandler {
        private final boolean bound;
        /** This handle began a transaction that has not ended. */
        private boolean open;

        ExplicitBegin() {
            this(false);
        }

        private ExplicitBegin(boolean bound) {
            this.bound = bound;
        }

        @Override
        public TransactionHandler specialize(Handle handle) {
            return new ExplicitBegin(true);
        }

        private void requireBound() {
            if (!bound) {
                // Jdbi always asks for a handle's own instance; the shared one keeps no state to answer with.
                throw new IllegalStateException("the transaction handler is used through a handle's own instance");
            }
        }

        @Override
        public void begin(Handle handle) {
            requireBound();
            if (open) {
                // A second START TRANSACTION would commit the first one silently.
                return;
            }
            try {
                Connection c = handle.getConnection();
                if (!c.getAutoCommit()) {
                    // Someone turned auto-commit off by hand: the connection is in a transaction already.
                    open = true;
                    return;
                }
                execute(c, "START TRANSACTION");
                open = true;
            } catch (SQLException e) {
                throw new TransactionException("Failed to start transaction", e);
            }
        }

        @Override
        public void commit(Handle handle) {
            requireBound();
            end(handle, "COMMIT", "Failed to commit transaction");
        }

        @Override
        public void rollback(Handle handle) {
            requireBound();
            end(handle, "ROLLBACK", "Failed to rollback transaction");
        }

        private void end(Handle handle, String sql, String failure) {
            try {
                Connection c = handle.getConnection();
                if (c.getAutoCommit()) {
                    execute(c, sql);
                } else if ("COMMIT".equals(sql)) {
                    c.commit();
                } else {
                    c.rollback();
                }
            } catch (SQLException e) {
                throw new TransactionException(failure, e);
            } finally {
                // Whether or not the server took it: after a failed COMMIT MariaDB has ended the transaction, and a
                // handle that believed itself still inside one would refuse every later transaction.
                open = false;
            }
        }

        @Override
        public boolean isInTransaction(Handle handle) {
            requireBound();
            try {
                return open || !handle.getConnection().getAutoCommit();
            } catch (SQLException e) {
                throw new TransactionException("Failed to test for transaction status", e);
            }
        }

        @Override
        public void savepoint(Handle handle, String name) {
            savepointStatement(handle, "SAVEPOINT ", name);
        }

        @Override
        public void rollbackToSavepoint(Handle handle, String name) {
            savepointStatement(handle, "ROLLBACK TO SAVEPOINT ", name);
        }

        @Override
        public void releaseSavepoint(Handle handle, String name) {
            savepointStatement(handle, "RELEASE SAVEPOINT ", name);
        }

        private void savepointStatement(Handle handle, String sql, String name) {
            if (!isInTransaction(handle)) {
                throw new TransactionException("A savepoint needs a transaction: " + name);
            }
            if (name == null || !SAVEPOINT_NAME.matcher(name).matches()) {
                throw new TransactionException("Not a savepoint name: " + name);
            }
            try {
                execute(handle.getConnection(), sql + "`" + name + "`");
            } catch (SQLException e) {
                throw new TransactionException("Unable to use savepoint " + name, e);
            }
        }

        @Override
        public <R, X extends Exception> R inTransaction(Handle handle, HandleCallback<R, X> callback) throws X {
            if (isInTransaction(handle)) {
                throw new IllegalStateException("Already in transaction");
            }
            handle.begin();
            R result;
            try {
                result = callback.withHandle(handle);
            } catch (Throwable t) {
                try {
                    if (open) {
                        handle.rollback();
                    }
                } catch (RuntimeException e) {
                    t.addSuppressed(e);
                }
                throw t;
            }
            if (open) {
                // The callback may have ended the transaction itself.
                handle.commit();
            }
            return result;
        }

        @Override
        public <R, X extends Exception> R inTransaction(Handle handle, TransactionIsolationLevel level,
                                                        HandleCallback<R, X> callback) throws X {
            TransactionIsolationLevel initial = handle.getTransactionIsolationLevel();
            try {
                handle.setTransactionIsolationLevel(level);
                return inTransaction(handle, callback);
            } finally {
                handle.setTransactionIsolationLevel(initial);
            }
        }

        private static void execute(Connection c, String sql) throws SQLException {
            try (Statement s = c.createStatement()) {
                s.execute(sql);
            }
        }
    }
}
