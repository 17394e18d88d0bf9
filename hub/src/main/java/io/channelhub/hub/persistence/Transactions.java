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
import org.mariadb.jdbc.util.constants.ServerStatus;

/**
 * How the hub's transactions begin and end on its database.
 *
 * <p>Jdbi's default handler opens a transaction by turning the connection's auto-commit off and, after the commit,
 * turns it on again. On MariaDB each of those is a statement of its own ({@code set autocommit=0}, then {@code
 * set autocommit=1}): three round trips around every transaction besides its statements. With them a chat turn (two
 * transactions) took 14.6 round trips, without them 12.8 (RoundTripsPerTurnMariaDbTest; docs/benchmarks.md, eighth
 * pass). Here a transaction is {@code START TRANSACTION} ... {@code COMMIT} (or {@code ROLLBACK}) on a connection that
 * stays in auto-commit: two round trips, and the pool's connections are never left with auto-commit off. H2 keeps
 * Jdbi's handler: its auto-commit switch is a field, not a round trip. MySQL's driver would pay the same switches but
 * is neither shipped nor tested, so it keeps Jdbi's handler too.
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

    /**
     * MariaDB's driver: where switching auto-commit costs a round trip each way, and where the connection tells
     * whether the server holds a transaction open (the handler below reads it).
     */
    static boolean explicitBegin(String driverClass) {
        return driverClass != null && driverClass.toLowerCase(Locale.ROOT).contains("mariadb");
    }

    /**
     * {@code START TRANSACTION} and {@code COMMIT}/{@code ROLLBACK} as statements. Whether a transaction is open is
     * asked of the server's own status, which MariaDB returns with every answer (no round trip): a transaction ended
     * by an implicit commit (DDL), a failed {@code COMMIT} that left it open, or work begun by another handle on the
     * pooled connection are all seen as they are. So the handler keeps no state and one instance serves every handle
     * (also when Jdbi or a test wraps it).
     */
    static final class ExplicitBegin implements TransactionHandler {

        /** The server holds a transaction open on the connection, or auto-commit was turned off by hand. */
        static boolean open(Connection c) throws SQLException {
            if (!c.getAutoCommit()) {
                return true;
            }
            org.mariadb.jdbc.Connection m = c.unwrap(org.mariadb.jdbc.Connection.class);
            return (m.getContext().getServerStatus() & ServerStatus.IN_TRANSACTION) != 0;
        }

        @Override
        public void begin(Handle handle) {
            try {
                Connection c = handle.getConnection();
                // Open already: a second START TRANSACTION would commit the first part silently.
                if (!open(c)) {
                    execute(c, "START TRANSACTION");
                }
            } catch (SQLException e) {
                throw new TransactionException("Failed to start transaction", e);
            }
        }

        @Override
        public void commit(Handle handle) {
            end(handle, "COMMIT", "Failed to commit transaction");
        }

        @Override
        public void rollback(Handle handle) {
            end(handle, "ROLLBACK", "Failed to rollback transaction");
        }

        private static void end(Handle handle, String sql, String failure) {
            try {
                execute(handle.getConnection(), sql);
            } catch (SQLException e) {
                throw new TransactionException(failure, e);
            }
        }

        @Override
        public boolean isInTransaction(Handle handle) {
            try {
                return open(handle.getConnection());
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
                rollbackIfOpen(handle, t);
                throw t;
            }
            if (isInTransaction(handle)) {
                // The callback may have ended the transaction itself.
                try {
                    handle.commit();
                } catch (RuntimeException e) {
                    // A COMMIT the server refused may leave the transaction open: never hand the connection back so.
                    rollbackIfOpen(handle, e);
                    throw e;
                }
            }
            return result;
        }

        private void rollbackIfOpen(Handle handle, Throwable cause) {
            try {
                if (isInTransaction(handle)) {
                    handle.rollback();
                }
            } catch (RuntimeException e) {
                cause.addSuppressed(e);
            }
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
