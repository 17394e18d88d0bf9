package io.channelhub.hub.persistence;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.channelhub.hub.delivery.Outbox;
import io.channelhub.hub.delivery.OutboxItem;
import io.channelhub.hub.errors.ApiException;
import io.channelhub.hub.support.TestDatabase;
import io.channelhub.hub.web.Idempotency;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import org.jdbi.v3.core.Jdbi;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Migrations run while nodes of the previous version still serve (the chart's pre-upgrade Job, then a rolling
 * update): what those nodes write with their own statements must still be accepted and read correctly by the new
 * version. Each statement here is the one the previous version runs.
 */
class RollingUpgradeTest {

    private static final Instant NOW = Instant.parse("2026-12-06T10:00:00Z");

    /** The outbox insert of the version before delivery ids (migration 015). */
    private static long previousVersionOutboxInsert(Jdbi jdbi, String tenantId, String kind) {
        return jdbi.withHandle(h -> h.createUpdate("INSERT INTO outbox (tenant_id, kind, target_id, event_id, "
                        + "event_type, payload, status, attempts, next_attempt_at, created_at, trace_parent) VALUES "
                        + "(:t, :k, 'wh_1', 'evt_1', 'message.created', '{}', 'pending', 0, :now, :now, NULL)")
                .bind("t", tenantId).bind("k", kind).bind("now", NOW)
                .executeAndReturnGeneratedKeys("id").mapTo(Long.class).one());
    }

    @ParameterizedTest
    @EnumSource(TestDatabase.Kind.class)
    void theOutboxTakesRowsWithoutADeliveryIdAndNamesThemByTheirNumber(TestDatabase.Kind kind) throws Exception {
        try (TestDatabase db = TestDatabase.create(kind)) {
            Jdbi jdbi = db.migratedJdbi();
            long webhook = previousVersionOutboxInsert(jdbi, "ten_a", "webhook");
            long send = previousVersionOutboxInsert(jdbi, "ten_a", "channel_send");
            Outbox outbox = new Outbox(jdbi);
            OutboxItem w = outbox.find("ten_a", "whd_" + webhook).orElseThrow();
            assertThat(w.deliveryId()).isEqualTo("whd_" + webhook);
            assertThat(outbox.find("ten_a", "obx_" + send).orElseThrow().deliveryId()).isEqualTo("obx_" + send);
            assertThat(outbox.forTarget("ten_a", "wh_1", null, 10)).extracting(OutboxItem::deliveryId)
                    .containsExactlyInAnyOrder("whd_" + webhook, "obx_" + send);
            // Only the tenant's own row, of the kind its prefix names.
            assertThat(outbox.find("ten_b", "whd_" + webhook)).isEmpty();
            assertThat(outbox.find("ten_a", "obx_" + webhook)).isEmpty();
            // Claimed and delivered like any other row.
            assertThat(outbox.claim(webhook, NOW, NOW.plusSeconds(30))).isPresent();
        }
    }

    @ParameterizedTest
    @EnumSource(TestDatabase.Kind.class)
    void aDatabaseMigratedByTheFirst015IsRepairedAndStillValidates(TestDatabase.Kind kind) throws Exception {
        try (TestDatabase db = TestDatabase.create(kind)) {
            Jdbi jdbi = db.migratedJdbi();
            // What the first release of 015 left: its checksum recorded, delivery_id NOT NULL, 017 not yet run.
            jdbi.useHandle(h -> {
                h.execute("UPDATE DATABASECHANGELOG SET MD5SUM = '9:2a8ed141f14c202a671ecc3ddb2427ed' WHERE ID = "
                        + "'015-outbox-delivery-id'");
                h.execute("DELETE FROM DATABASECHANGELOG WHERE ID = '017-outbox-delivery-id-nullable'");
                h.execute(kind == TestDatabase.Kind.H2
                        ? "ALTER TABLE outbox ALTER COLUMN delivery_id SET NOT NULL"
                        : "ALTER TABLE outbox MODIFY delivery_id VARCHAR(40) CHARACTER SET ascii COLLATE ascii_bin "
                        + "NOT NULL");
            });
            assertThatThrownBy(() -> previousVersionOutboxInsert(jdbi, "ten_a", "webhook"))
                    .as("the defect: the previous version's insert fails").isNotNull();
            StartupMigrations.apply(db.dataSource());
            long id = previousVersionOutboxInsert(jdbi, "ten_a", "webhook");
            assertThat(new Outbox(jdbi).find("ten_a", "whd_" + id)).isPresent();
        }
    }

    @ParameterizedTest
    @EnumSource(TestDatabase.Kind.class)
    void aKeyClaimedWithoutALeaseIsHeldForAWhileThenTakenOver(TestDatabase.Kind kind) throws Exception {
        try (TestDatabase db = TestDatabase.create(kind)) {
            Jdbi jdbi = db.migratedJdbi();
            String hash = Idempotency.hash("POST", "/v1/conversations/c/messages", "{}");
            // The previous version's claim: no claim id, no lease, and it does not renew.
            for (String key : new String[] {"young", "old"}) {
                Instant created = key.equals("young") ? NOW.minusSeconds(60) : NOW.minus(Duration.ofMinutes(11));
                jdbi.useHandle(h -> h.createUpdate("INSERT INTO idempotency_records (tenant_id, principal_id, "
                                + "idem_key, request_hash, created_at) VALUES ('ten_a', 'key_a', :k, :h, :at)")
                        .bind("k", key).bind("h", hash).bind("at", created).execute());
            }
            Idempotency idempotency = new Idempotency(jdbi, Clock.fixed(NOW, java.time.ZoneOffset.UTC),
                    Duration.ofSeconds(30));
            // Its node may still be running it: a repeat waits rather than running it a second time.
            assertThatThrownBy(() -> idempotency.begin("ten_a", "key_a", "young", hash))
                    .isInstanceOfSatisfying(ApiException.class, e -> {
                        assertThat(e.status()).isEqualTo(409);
                        assertThat(e.code()).isEqualTo("idempotency_in_progress");
                    });
            // Long past any request's running time: its node is gone, a retry takes the key over.
            assertThat(idempotency.begin("ten_a", "key_a", "old", hash)).isInstanceOf(Idempotency.Claim.class);
        }
    }
}
