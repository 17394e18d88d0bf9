package io.channelhub.hub.persistence;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.codahale.metrics.MetricRegistry;
import io.dropwizard.db.DataSourceFactory;
import io.dropwizard.db.ManagedDataSource;
import java.lang.reflect.Proxy;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import org.junit.jupiter.api.Test;

/** The hub's pool: statements and result sets straight from the driver, connections still the pool's. */
class PoolsTest {

    private static ManagedDataSource pool(boolean lean) {
        DataSourceFactory f = new DataSourceFactory();
        f.setDriverClass("org.h2.Driver");
        f.setUrl("jdbc:h2:mem:pools-" + System.nanoTime());
        f.setUser("sa");
        f.setPassword("");
        f.setInitialSize(1);
        f.setMinSize(1);
        f.setMaxSize(1);
        return lean ? Pools.build(f, new MetricRegistry(), "db") : f.build(new MetricRegistry(), "db");
    }

    @Test
    void statementsAndResultSetsAreTheDriversOwn() throws Exception {
        ManagedDataSource ds = pool(true);
        try (Connection c = ds.getConnection(); PreparedStatement s = c.prepareStatement("SELECT 1");
             ResultSet rs = s.executeQuery()) {
            assertThat(Proxy.isProxyClass(c.getClass())).as("the pool's connection").isTrue();
            assertThat(s).isInstanceOf(org.h2.jdbc.JdbcPreparedStatement.class);
            assertThat(rs).isInstanceOf(org.h2.jdbc.JdbcResultSet.class);
            assertThat(rs.next()).isTrue();
            assertThat(rs.getInt(1)).isEqualTo(1);
        } finally {
            ds.stop();
        }
    }

    /** What the setting removes: Dropwizard's default wraps both. */
    @Test
    void dropwizardsDefaultWrapsThem() throws Exception {
        ManagedDataSource ds = pool(false);
        try (Connection c = ds.getConnection(); PreparedStatement s = c.prepareStatement("SELECT 1")) {
            assertThat(Proxy.isProxyClass(s.getClass())).isTrue();
        } finally {
            ds.stop();
        }
    }

    @Test
    void aClosedConnectionGoesBackToThePoolAndRefusesUse() throws Exception {
        ManagedDataSource ds = pool(true);
        try {
            Connection first = ds.getConnection();
            PreparedStatement s = first.prepareStatement("SELECT 1");
            first.close();
            assertThatThrownBy(() -> first.prepareStatement("SELECT 1")).isInstanceOf(SQLException.class);
            // The pool holds one connection: a second borrow only works because the first came back.
            try (Connection second = ds.getConnection(); PreparedStatement t = second.prepareStatement("SELECT 2");
                 ResultSet rs = t.executeQuery()) {
                assertThat(rs.next()).isTrue();
                assertThat(rs.getInt(1)).isEqualTo(2);
            }
            s.close();
        } finally {
            ds.stop();
        }
    }
}
