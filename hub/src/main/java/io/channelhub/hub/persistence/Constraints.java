package io.channelhub.hub.persistence;

import java.sql.SQLException;

/** Reading database failures the same way on H2 and MariaDB. */
public final class Constraints {

    /** MariaDB's (and MySQL's) duplicate key; its SQLState, 23000, is shared by every integrity error. */
    private static final int MARIADB_DUPLICATE_KEY = 1062;
    private static final String SQL_UNIQUE_VIOLATION = "23505";

    private Constraints() {
    }

    /**
     * Whether the failure is a unique-constraint violation: a concurrent insert won, or the row exists. Only that:
     * a missing value or a broken reference is not a row that is already there.
     */
    public static boolean isUniqueViolation(RuntimeException e) {
        for (SQLException s : sqlExceptions(e)) {
            if (SQL_UNIQUE_VIOLATION.equals(s.getSQLState()) || s.getErrorCode() == MARIADB_DUPLICATE_KEY) {
                return true;
            }
        }
        return false;
    }

    /**
     * Whether the database refused the statement for what it holds (SQLState class 22, data, or 23, integrity), so
     * that running it again can never succeed. Anything else (a deadlock, a lock wait, a lost connection, a server
     * going read-only) may pass on a later try.
     */
    public static boolean isPermanent(RuntimeException e) {
        for (SQLException s : sqlExceptions(e)) {
            String state = s.getSQLState();
            if (state != null && (state.startsWith("22") || state.startsWith("23"))) {
                return true;
            }
        }
        return false;
    }

    /** The SQL exceptions in a failure's cause chain, with the ones a batch chains as "next". */
    private static java.util.List<SQLException> sqlExceptions(Throwable e) {
        java.util.List<SQLException> out = new java.util.ArrayList<>();
        java.util.Set<Throwable> seen = java.util.Collections.newSetFromMap(new java.util.IdentityHashMap<>());
        for (Throwable t = e; t != null && seen.add(t); t = t.getCause()) {
            if (t instanceof SQLException s) {
                for (SQLException n = s; n != null && out.size() < 16; n = n.getNextException()) {
                    out.add(n);
                    if (n.getNextException() == n) {
                        break;
                    }
                }
            }
        }
        return out;
    }
}
