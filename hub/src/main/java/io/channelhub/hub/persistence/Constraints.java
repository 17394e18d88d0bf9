package io.channelhub.hub.persistence;

/** Reading database failures the same way on H2 and MariaDB. */
public final class Constraints {

    private Constraints() {
    }

    /** Whether the failure is a unique-constraint violation: a concurrent insert won, or the row exists. */
    public static boolean isUniqueViolation(RuntimeException e) {
        return e.getCause() instanceof java.sql.SQLIntegrityConstraintViolationException;
    }
}
