package io.channelhub.hub.persistence;

import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Types;
import java.time.Instant;
import org.jdbi.v3.core.argument.Argument;
import org.jdbi.v3.core.statement.StatementContext;

/**
 * Values bound as the JDBC call that sets them, for the statements every chat turn runs (its messages, usage rows,
 * conversation and history window). Jdbi binds a plain value by searching its argument factories for the value's
 * type, afresh in every statement (a per-statement cache that starts empty); with some ninety values a turn that
 * search was 4.3% of the hub's samples on MariaDB (docs/benchmarks.md, eleventh pass). An {@link Argument} is
 * bound as it is. Each sets what Jdbi's own factory for the type would set (nulls with their SQL type), and instants
 * as {@link UtcInstants} stores them.
 */
public final class Binds {

    private Binds() {
    }

    public static Argument text(String value) {
        return new Bound<>(value, Types.VARCHAR, PreparedStatement::setString);
    }

    public static Argument number(Long value) {
        return new Bound<>(value, Types.BIGINT, PreparedStatement::setLong);
    }

    public static Argument number(long value) {
        return number(Long.valueOf(value));
    }

    public static Argument time(Instant value) {
        return new Bound<>(value, Types.TIMESTAMP, UtcInstants::set);
    }

    public static Argument flag(boolean value) {
        return new Bound<>(value, Types.BOOLEAN, PreparedStatement::setBoolean);
    }

    /** How a value that is not null is set. */
    @FunctionalInterface
    private interface Setter<T> {
        void set(PreparedStatement statement, int position, T value) throws SQLException;
    }

    /** A value, or null set as its SQL type (as Jdbi's factories set a null of a known type). */
    private record Bound<T>(T value, int sqlType, Setter<T> setter) implements Argument {
        @Override
        public void apply(int position, PreparedStatement statement, StatementContext ctx) throws SQLException {
            if (value == null) {
                statement.setNull(position, sqlType);
            } else {
                setter.set(statement, position, value);
            }
        }

        @Override
        public String toString() {
            return String.valueOf(value);
        }
    }
}
