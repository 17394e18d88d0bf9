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
        return new Text(value);
    }

    public static Argument number(Long value) {
        return new Number(value);
    }

    public static Argument number(long value) {
        return new Number(value);
    }

    public static Argument time(Instant value) {
        return new Time(value);
    }

    public static Argument flag(boolean value) {
        return new Flag(value);
    }

    private record Text(String value) implements Argument {
        @Override
        public void apply(int position, PreparedStatement statement, StatementContext ctx) throws SQLException {
            if (value == null) {
                statement.setNull(position, Types.VARCHAR);
            } else {
                statement.setString(position, value);
            }
        }
    }

    private record Number(Long value) implements Argument {
        @Override
        public void apply(int position, PreparedStatement statement, StatementContext ctx) throws SQLException {
            if (value == null) {
                statement.setNull(position, Types.BIGINT);
            } else {
                statement.setLong(position, value);
            }
        }
    }

    private record Time(Instant value) implements Argument {
        @Override
        public void apply(int position, PreparedStatement statement, StatementContext ctx) throws SQLException {
            if (value == null) {
                statement.setNull(position, Types.TIMESTAMP);
            } else {
                UtcInstants.set(statement, position, value);
            }
        }
    }

    private record Flag(boolean value) implements Argument {
        @Override
        public void apply(int position, PreparedStatement statement, StatementContext ctx) throws SQLException {
            statement.setBoolean(position, value);
        }
    }
}
