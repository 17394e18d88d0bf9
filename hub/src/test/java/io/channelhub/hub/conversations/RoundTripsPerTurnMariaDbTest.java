package io.channelhub.hub.conversations;

import static org.assertj.core.api.Assertions.assertThat;

import io.channelhub.hub.support.HubIntegrationTest;
import io.channelhub.hub.support.TestDatabase;
import io.channelhub.hub.support.TestHub;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/**
 * A chat turn's round trips as MariaDB counts them, transaction control included: what {@link StatementsPerTurnTest}
 * cannot see from Jdbi (its transaction handler's statements). Read from the server's global counters around turns
 * sent one after another, so the hub's background work in the same seconds (pollers, the usage writer's batch of the
 * turns' request rows) counts too: a bound, not an exact figure.
 */
class RoundTripsPerTurnMariaDbTest extends HubIntegrationTest {

    /**
     * Seven statements (StatementsPerTurnTest), two transactions of two control statements each, and about one more
     * for the request's usage row written by the background writer in batches: 12.5 measured, one more for the
     * background work of the same seconds. Jdbi's own handler sent two more per transaction ({@code set autocommit=0}
     * and {@code =1}): 14.6 a turn.
     */
    static final int MAX_ROUND_TRIPS_PER_TURN = 14;
    static final int TURNS = 20;

    @Override
    protected TestDatabase.Kind database() {
        return TestDatabase.Kind.MARIADB;
    }

    /** The server's counters, read on {@code c}: one connection for both readings, so its own set-up is not counted. */
    private static Map<String, Long> counters(Connection c) {
        Map<String, Long> out = new TreeMap<>();
        try (Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SHOW GLOBAL STATUS WHERE Variable_name IN ('Questions', 'Com_begin', "
                     + "'Com_commit', 'Com_rollback', 'Com_set_option', 'Com_select', 'Com_insert', 'Com_update', "
                     + "'Connections')")) {
            while (rs.next()) {
                out.put(rs.getString(1), rs.getLong(2));
            }
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
        return out;
    }

    @Test
    void aChatTurnOnMariaDbTakesFewRoundTripsAndNoAutoCommitSwitches() throws SQLException {
        TestHub.Chat chat = hub.newChat(slug("rtt"));
        String key = chat.key();
        String path = chat.messages();
        for (int i = 0; i < 5; i++) {
            TestHub.check(hub.post(key, path, Map.of("content", "warm " + i)), 201);
        }
        Map<String, Long> before;
        Map<String, Long> after;
        try (Connection c = hub.database().connect()) {
            before = counters(c);
            for (int i = 0; i < TURNS; i++) {
                TestHub.check(hub.post(key, path, Map.of("content", "count " + i)), 201);
            }
            after = counters(c);
        }
        Map<String, Long> delta = new TreeMap<>();
        before.forEach((k, v) -> delta.put(k, after.get(k) - v));
        // The first reading's own SHOW is counted in the second.
        long questions = delta.get("Questions") - 1;
        String report = "over " + TURNS + " turns: " + delta;
        System.out.println(report);
        // A connection the pool opens meanwhile sends its own session set-up (one SET): not the turns' doing.
        assertThat(delta.get("Com_set_option") - delta.get("Connections")).as(report).isLessThanOrEqualTo(0L);
        assertThat(delta.get("Com_begin")).as(report).isGreaterThanOrEqualTo(2L * TURNS);
        assertThat(delta.get("Com_rollback")).as(report).isZero();
        assertThat(questions).as(report).isLessThanOrEqualTo((long) MAX_ROUND_TRIPS_PER_TURN * TURNS);
    }
}
