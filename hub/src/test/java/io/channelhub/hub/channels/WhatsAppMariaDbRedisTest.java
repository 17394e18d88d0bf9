package io.channelhub.hub.channels;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.channelhub.hub.support.MariaDbStatus;
import io.channelhub.hub.support.TestDatabase;
import io.channelhub.hub.support.TestHub;
import io.dropwizard.testing.ConfigOverride;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** As in production: MariaDB, and the per-number pace kept in Redis (shared by every replica). */
class WhatsAppMariaDbRedisTest extends WhatsAppContract {
    @Override
    protected TestDatabase.Kind database() {
        return TestDatabase.Kind.MARIADB;
    }

    @Override
    protected ConfigOverride[] overrides() {
        List<ConfigOverride> o = new ArrayList<>(List.of(super.overrides()));
        o.add(ConfigOverride.config("redis.uri", System.getenv().getOrDefault("CHANNELHUB_TEST_REDIS_URI",
                "redis://127.0.0.1:6379")));
        o.add(ConfigOverride.config("rateLimits.keyPrefix", "chub-test:" + System.nanoTime() + ":rl:"));
        return o.toArray(ConfigOverride[]::new);
    }

    /**
     * Processing a message reads what its turn needs, not the number's history: it used to look the message up by its
     * channel id across every message of the number's conversations (no index covers that), once per inbound
     * message, so each message of a busy number cost more than the one before.
     */
    @Test
    void processingAMessageDoesNotReadTheNumbersHistory() throws SQLException {
        int history = 20_000;
        String phone = number(Map.of());
        // A contact with a long history on this number.
        String regular = waId();
        assertThat(inbound(phone, regular, "wamid.regular-" + phone, "Bom dia").status()).isEqualTo(200);
        await().atMost(Duration.ofSeconds(20)).until(() -> sendsTo(regular).size() == 1);
        String conv = hub.get(admin, "/v1/conversations?end_user_id=" + regular).json().get("data").get(0).get("id")
                .asText();
        try (Connection c = hub.database().connect();
             var insert = c.prepareStatement("INSERT INTO messages (id, tenant_id, conversation_id, role, status, "
                     + "content, created_at) SELECT CONCAT('msg_hist_', ?, '_', seq), ?, ?, 'user', 'received', "
                     + "'old news', NOW(6) FROM seq_1_to_" + history)) {
            insert.setString(1, phone);
            insert.setString(2, tenantId);
            insert.setString(3, conv);
            assertThat(insert.executeUpdate()).isEqualTo(history);
            String from = waId();
            long before = MariaDbStatus.rowsRead(c);
            assertThat(inbound(phone, from, "wamid.hist-" + phone, "Oi de novo").status()).isEqualTo(200);
            await().atMost(Duration.ofSeconds(20)).until(() -> sendsTo(from).size() == 1);
            await().atMost(Duration.ofSeconds(10)).until(() -> count("SELECT COUNT(*) FROM inbound_events WHERE "
                    + "external_id = ? AND status = 'processed'", "wamid.hist-" + phone) == 1);
            long read = MariaDbStatus.rowsRead(c) - before;
            assertThat(read).as("rows read to store and answer one message, with %d on the number", history)
                    .isLessThan(history / 4);
        }
    }
}
