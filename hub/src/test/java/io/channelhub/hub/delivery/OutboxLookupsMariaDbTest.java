package io.channelhub.hub.delivery;

import static org.assertj.core.api.Assertions.assertThat;

import io.channelhub.hub.support.MariaDbStatus;
import io.channelhub.hub.support.TestDatabase;
import java.sql.Connection;
import java.time.Instant;
import java.util.List;
import org.jdbi.v3.core.Jdbi;
import org.junit.jupiter.api.Test;

/**
 * The outbox's lookups of held and dead rows read what they find, not a channel number's whole history of sends: a
 * long reply releases its next part on every part sent, and the console pages dead letters. The state index
 * ({@code ix_outbox_due}, status first) serves them, since held and dead rows are few beside delivered ones; an index
 * by event or by tenant and state would cost every send's insert and state changes for nothing this does not have.
 */
class OutboxLookupsMariaDbTest {

    private static final int HISTORY = 20_000;

    @Test
    void releasingAPartAndListingDeadLettersReadTheirRowsNotTheHistory() throws Exception {
        try (TestDatabase db = TestDatabase.create(TestDatabase.Kind.MARIADB)) {
            Jdbi jdbi = db.migratedJdbi();
            Outbox outbox = new Outbox(jdbi);
            Instant now = Instant.now();
            // A number that sent twenty thousand messages, all delivered; then a reply in three parts, the first sent.
            jdbi.useHandle(h -> h.createUpdate("INSERT INTO outbox (tenant_id, kind, target_id, event_id, event_type, "
                    + "payload, status, attempts, next_attempt_at, created_at) SELECT 'ten_a', 'channel', 'chi_1', "
                    + "CONCAT('part_old_', seq), 'message.text', '{}', 'delivered', 1, NOW(6), NOW(6) FROM seq_1_to_"
                    + HISTORY).execute());
            jdbi.useHandle(h -> {
                for (String part : List.of("part_2", "part_3")) {
                    outbox.insertHeld(h, "ten_a", "channel", "chi_1", part, "message.text", "{}", now);
                }
            });
            try (Connection c = db.connect()) {
                long before = MariaDbStatus.rowsRead(c);
                assertThat(outbox.release("ten_a", "channel", "chi_1", "part_2", now)).isPresent();
                long release = MariaDbStatus.rowsRead(c) - before;

                before = MariaDbStatus.rowsRead(c);
                outbox.cancelHeld("ten_a", "channel", "chi_1", List.of("part_3"), now);
                long cancel = MariaDbStatus.rowsRead(c) - before;

                before = MariaDbStatus.rowsRead(c);
                List<OutboxItem> dead = outbox.dead("ten_a", null, 50);
                long deadLetters = MariaDbStatus.rowsRead(c) - before;
                assertThat(dead).extracting(OutboxItem::eventId).containsExactly("part_3");

                assertThat(release).as("rows read to release a part, %d sent before", HISTORY).isLessThan(100);
                assertThat(cancel).as("rows read to cancel the held parts").isLessThan(100);
                assertThat(deadLetters).as("rows read for a page of dead letters").isLessThan(100);
            }
        }
    }
}
