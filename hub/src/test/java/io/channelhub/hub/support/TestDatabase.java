package io.channelhub.hub.support;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Locale;
import java.util.UUID;

/**
 * A fresh, empty database for one test class: an H2 in-memory database in MariaDB mode (the embedded default), or a
 * new schema on the machine's MariaDB. MariaDB being unreachable fails the test: CI must not pass by skipping.
 */
public final class TestDatabase implements AutoCloseable {

    /** Which engine. */
    public enum Kind { H2, MARIADB }

    public static final String MARIADB_HOST = System.getProperty("channelhub.test.mariadb",
            System.getenv().getOrDefault("CHANNELHUB_TEST_MARIADB", "127.0.0.1:3306"));
    public static final String MARIADB_USER = System.getenv().getOrDefault("CHANNELHUB_TEST_MARIADB_USER", "root");
    public static final String MARIADB_PASSWORD = System.getenv().getOrDefault("CHANNELHUB_TEST_MARIADB_PASSWORD", "");

    private final Kind kind;
    private final String name;
    private final String url;

    private TestDatabase(Kind kind, String name) {
        this(kind, name, null);
    }

    private TestDatabase(Kind kind, String name, String url) {
        this.kind = kind;
        this.name = name;
        this.url = url;
    }

    /**
     * The same database reached at {@code hostPort} (a {@link TcpProxy}): MariaDB's protocol, or H2's TCP server
     * (which serves this JVM's in-memory database).
     */
    public TestDatabase reachedAt(String hostPort) {
        return new TestDatabase(kind, name, kind == Kind.H2
                ? "jdbc:h2:tcp://" + hostPort + "/mem:" + name + ";MODE=MariaDB;DB_CLOSE_DELAY=-1"
                : "jdbc:mariadb://" + hostPort + "/" + name);
    }

    public static TestDatabase create(Kind kind) {
        String name = "chub_" + UUID.randomUUID().toString().replace("-", "").substring(0, 16)
                .toLowerCase(Locale.ROOT);
        if (kind == Kind.MARIADB) {
            try (Connection c = DriverManager.getConnection("jdbc:mariadb://" + MARIADB_HOST + "/", MARIADB_USER,
                    MARIADB_PASSWORD); Statement s = c.createStatement()) {
                s.execute("CREATE DATABASE " + name + " CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci");
            } catch (SQLException e) {
                throw new IllegalStateException("MariaDB at " + MARIADB_HOST + " is required for this test "
                        + "(start it as README says): " + e.getMessage(), e);
            }
        }
        return new TestDatabase(kind, name);
    }

    public Kind kind() {
        return kind;
    }

    public String driver() {
        return kind == Kind.H2 ? "org.h2.Driver" : "org.mariadb.jdbc.Driver";
    }

    public String url() {
        if (url != null) {
            return url;
        }
        return kind == Kind.H2
                ? "jdbc:h2:mem:" + name + ";MODE=MariaDB;"
                        + "DB_CLOSE_DELAY=-1"
                : "jdbc:mariadb://" + MARIADB_HOST + "/" + name;
    }

    public String user() {
        return kind == Kind.H2 ? "sa" : MARIADB_USER;
    }

    public String password() {
        return kind == Kind.H2 ? "" : MARIADB_PASSWORD;
    }

    /** A data source on this database (no pool: tests open few connections). */
    public javax.sql.DataSource dataSource() throws SQLException {
        if (kind == Kind.H2) {
            org.h2.jdbcx.JdbcDataSource h2 = new org.h2.jdbcx.JdbcDataSource();
            h2.setURL(url());
            h2.setUser(user());
            return h2;
        }
        org.mariadb.jdbc.MariaDbDataSource m = new org.mariadb.jdbc.MariaDbDataSource(url());
        m.setUser(user());
        m.setPassword(password());
        return m;
    }

    /** Jdbi on this database with the hub's schema migrated and its instant mapping, as the hub sets it up. */
    public org.jdbi.v3.core.Jdbi migratedJdbi() throws Exception {
        javax.sql.DataSource ds = dataSource();
        io.channelhub.hub.persistence.StartupMigrations.apply(ds);
        org.jdbi.v3.core.Jdbi jdbi = org.jdbi.v3.core.Jdbi.create(ds);
        io.channelhub.hub.persistence.UtcInstants.install(jdbi);
        io.channelhub.hub.persistence.Transactions.install(jdbi, driver());
        return jdbi;
    }

    public Connection connect() throws SQLException {
        return DriverManager.getConnection(url(), user(), password());
    }

    @Override
    public void close() {
        try (Connection c = kind == Kind.H2 ? connect()
                : DriverManager.getConnection("jdbc:mariadb://" + MARIADB_HOST + "/", MARIADB_USER, MARIADB_PASSWORD);
             Statement s = c.createStatement()) {
            s.execute(kind == Kind.H2 ? "SHUTDOWN" : "DROP DATABASE IF EXISTS " + name);
        } catch (SQLException e) {
            // best effort: the database is a throwaway
        }
    }
}
