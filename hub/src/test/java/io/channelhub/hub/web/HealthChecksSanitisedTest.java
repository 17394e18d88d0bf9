package io.channelhub.hub.web;

import static org.assertj.core.api.Assertions.assertThat;

import com.codahale.metrics.health.HealthCheck;
import com.codahale.metrics.health.HealthCheckRegistry;
import java.sql.SQLException;
import org.junit.jupiter.api.Test;

/** A failing check reports its exception as one line, registered before or after the registry is sanitised. */
class HealthChecksSanitisedTest {

    @Test
    void anExceptionBecomesAMessageWithoutAThrowable() {
        HealthCheckRegistry registry = new HealthCheckRegistry();
        registry.register("before", failing("db.internal:3306"));
        HealthEndpoints.sanitise(registry);
        registry.register("database", failing("db.internal:3306"));
        registry.register("throws", new HealthCheck() {
            @Override
            protected Result check() {
                throw new IllegalStateException("pool closed");
            }
        });
        registry.register("fine", new HealthCheck() {
            @Override
            protected Result check() {
                return Result.healthy("1.2.0");
            }
        });

        for (String name : new String[] {"before", "database"}) {
            HealthCheck.Result r = registry.runHealthCheck(name);
            assertThat(r.isHealthy()).isFalse();
            assertThat(r.getError()).as(name).isNull();
            // The host stays readable: where a connection failed is what the operator needs.
            assertThat(r.getMessage()).isEqualTo("SQLException: Connection refused: db.internal:3306");
        }
        assertThat(registry.runHealthCheck("throws").getError()).isNull();
        assertThat(registry.runHealthCheck("throws").getMessage()).isEqualTo("IllegalStateException: pool closed");
        assertThat(registry.runHealthCheck("fine").getMessage()).isEqualTo("1.2.0");
        assertThat(registry.getNames()).containsExactlyInAnyOrder("before", "database", "throws", "fine");
    }

    private static HealthCheck failing(String host) {
        return new HealthCheck() {
            @Override
            protected Result check() {
                return Result.unhealthy(new SQLException("Connection refused: " + host));
            }
        };
    }
}
