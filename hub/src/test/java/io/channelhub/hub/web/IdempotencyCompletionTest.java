package io.channelhub.hub.web;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.channelhub.hub.errors.ApiException;
import io.channelhub.hub.support.TestDatabase;
import java.sql.SQLException;
import java.sql.SQLTransientConnectionException;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.atomic.AtomicBoolean;
import org.jdbi.v3.core.Jdbi;
import org.jdbi.v3.core.statement.StatementContext;
import org.jdbi.v3.core.statement.StatementCustomizer;
import org.junit.jupiter.api.Test;

/**
 * A request that ran, but whose answer could not be stored (the database blinked at that moment), keeps its key: a
 * repeat waits, and the answer is stored in the background, so the request never runs a second time.
 */
class IdempotencyCompletionTest {

    @Test
    void anAnswerThatCouldNotBeStoredKeepsTheKeyHeldAndIsStoredLater() throws Exception {
        try (TestDatabase db = TestDatabase.create(TestDatabase.Kind.H2)) {
            Jdbi jdbi = db.migratedJdbi();
            AtomicBoolean blink = new AtomicBoolean();
            jdbi.addCustomizer(new StatementCustomizer() {
                @Override
                public void beforeExecution(java.sql.PreparedStatement stmt, StatementContext ctx)
                        throws SQLException {
                    if (ctx.getRawSql().startsWith("UPDATE idempotency_records SET status") && blink.get()) {
                        throw new SQLTransientConnectionException("connection lost", "08006");
                    }
                }
            });
            // Past the lease the key would be free, were it not renewed.
            var clock = new io.channelhub.hub.support.SettableClock(Instant.parse("2026-12-06T10:00:00Z"));
            Idempotency idempotency = new Idempotency(jdbi, clock, Duration.ofSeconds(2));
            String hash = Idempotency.hash("POST", "/v1/x", "{}");
            var claim = (Idempotency.Claim) idempotency.begin("ten_a", "key_a", "k", hash);

            blink.set(true);
            claim.complete(201, "{\"id\":\"msg_1\"}");
            clock.advance(Duration.ofSeconds(10));
            // The renewal still runs for it; the store is tried again and fails again.
            idempotency.renew();
            assertThatThrownBy(idempotency::storeUnstored).isNotNull();
            assertThatThrownBy(() -> idempotency.begin("ten_a", "key_a", "k", hash))
                    .as("a repeat waits for the answer")
                    .isInstanceOfSatisfying(ApiException.class, e -> assertThat(e.status()).isEqualTo(409));

            blink.set(false);
            idempotency.storeUnstored();
            clock.advance(Duration.ofSeconds(60));
            var replay = idempotency.begin("ten_a", "key_a", "k", hash);
            assertThat(replay).isEqualTo(new Idempotency.Stored(201, "{\"id\":\"msg_1\"}"));
        }
    }
}
