package io.channelhub.hub.persistence;

import java.sql.Types;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import org.jdbi.v3.core.Jdbi;
import org.jdbi.v3.core.argument.AbstractArgumentFactory;
import org.jdbi.v3.core.argument.Argument;
import org.jdbi.v3.core.config.ConfigRegistry;
import org.jdbi.v3.core.mapper.ColumnMapper;

/**
 * Stores instants as UTC {@code DATETIME(6)} on every database, whatever the JVM or server time zone: the JDBC
 * default conversion through {@link java.sql.Timestamp} uses the JVM zone, which differs between replicas.
 */
public final class UtcInstants {

    private UtcInstants() {
    }

    /** Sets {@code value} (not null) as this class stores instants: the UTC wall time. */
    static void set(java.sql.PreparedStatement statement, int position, Instant value) throws java.sql.SQLException {
        statement.setObject(position, LocalDateTime.ofInstant(value, ZoneOffset.UTC));
    }

    public static void install(Jdbi jdbi) {
        jdbi.registerArgument(new AbstractArgumentFactory<Instant>(Types.TIMESTAMP) {
            @Override
            protected Argument build(Instant value, ConfigRegistry config) {
                return (position, statement, ctx) -> set(statement, position, value);
            }
        });
        jdbi.registerColumnMapper(Instant.class, (ColumnMapper<Instant>) (rs, col, ctx) -> {
            LocalDateTime t = rs.getObject(col, LocalDateTime.class);
            return t == null ? null : t.toInstant(ZoneOffset.UTC);
        });
    }
}
