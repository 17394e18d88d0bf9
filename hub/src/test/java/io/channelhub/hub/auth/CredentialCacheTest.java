package io.channelhub.hub.auth;

import io.channelhub.hub.identity.Role;
import static org.assertj.core.api.Assertions.assertThat;

import io.channelhub.hub.persistence.ChangeBus;
import io.channelhub.hub.tenancy.Tenant;
import io.channelhub.hub.tenancy.TenantStatus;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/** The key and tenant cache of authentication: hits, eviction on each kind of change, here and on other replicas. */
class CredentialCacheTest {

    private final AtomicLong nanos = new AtomicLong(1);
    private final AtomicInteger loads = new AtomicInteger();

    private static ApiKey key(String id, String tenant, Instant revokedAt) {
        return new ApiKey(id, tenant, id, "k", Role.ADMIN, "chk_AAAAAAAA", "hash", Instant.EPOCH, null, null, null,
                revokedAt, null);
    }

    private Optional<ApiKey> load(AtomicReference<ApiKey> row) {
        loads.incrementAndGet();
        return Optional.ofNullable(row.get());
    }

    @Test
    void servesACachedKeyUntilItsTimeToLive() {
        CredentialCache cache = new CredentialCache(Duration.ofSeconds(30), nanos::get);
        AtomicReference<ApiKey> row = new AtomicReference<>(key("key_1", "ten_1", null));
        cache.key("chk_AAAAAAAA", p -> load(row));
        cache.key("chk_AAAAAAAA", p -> load(row));
        assertThat(loads).hasValue(1);
        nanos.addAndGet(Duration.ofSeconds(31).toNanos());
        cache.key("chk_AAAAAAAA", p -> load(row));
        assertThat(loads).hasValue(2);
    }

    @Test
    void aRevokedOrRotatedKeyIsReadAgainAtOnce() {
        CredentialCache cache = new CredentialCache(Duration.ofMinutes(10), nanos::get);
        AtomicReference<ApiKey> row = new AtomicReference<>(key("key_1", "ten_1", null));
        cache.key("chk_AAAAAAAA", p -> load(row));
        row.set(key("key_1", "ten_1", Instant.EPOCH));
        cache.keyChanged("key_1");
        assertThat(cache.key("chk_AAAAAAAA", p -> load(row)).orElseThrow().isRevoked()).isTrue();
    }

    @Test
    void aTenantChangeEvictsTheTenantAndItsKeys() {
        CredentialCache cache = new CredentialCache(Duration.ofMinutes(10), nanos::get);
        AtomicReference<ApiKey> row = new AtomicReference<>(key("key_1", "ten_1", null));
        AtomicReference<Tenant> tenant = new AtomicReference<>(new Tenant("ten_1", "acme", "Acme",
                TenantStatus.ACTIVE, Instant.EPOCH, Instant.EPOCH));
        cache.key("chk_AAAAAAAA", p -> load(row));
        cache.tenant("ten_1", id -> Optional.of(tenant.get()));
        tenant.set(new Tenant("ten_1", "acme", "Acme", TenantStatus.SUSPENDED, Instant.EPOCH, Instant.EPOCH));
        cache.tenantChanged("ten_1");
        assertThat(cache.tenant("ten_1", id -> Optional.of(tenant.get())).orElseThrow().status())
                .isEqualTo(TenantStatus.SUSPENDED);
        cache.key("chk_AAAAAAAA", p -> load(row));
        assertThat(loads).hasValue(2);
    }

    @Test
    void aLoadThatRacedAChangeIsNotKept() {
        CredentialCache cache = new CredentialCache(Duration.ofMinutes(10), nanos::get);
        AtomicReference<ApiKey> row = new AtomicReference<>(key("key_1", "ten_1", null));
        // The revocation commits while this lookup still holds the row it read before.
        cache.key("chk_AAAAAAAA", p -> {
            Optional<ApiKey> old = load(row);
            row.set(key("key_1", "ten_1", Instant.EPOCH));
            cache.keyChanged("key_1");
            return old;
        });
        assertThat(cache.key("chk_AAAAAAAA", p -> load(row)).orElseThrow().isRevoked()).isTrue();
    }

    @Test
    void unknownPrefixesAreNotCached() {
        CredentialCache cache = new CredentialCache(Duration.ofMinutes(10), nanos::get);
        AtomicReference<ApiKey> row = new AtomicReference<>();
        cache.key("chk_AAAAAAAA", p -> load(row));
        cache.key("chk_AAAAAAAA", p -> load(row));
        assertThat(loads).hasValue(2);
    }

    @Test
    void aChangeOnOneReplicaEvictsOnTheOther() {
        ChangeBus busA = new ChangeBus();
        ChangeBus busB = new ChangeBus();
        // The transport (Redis pub/sub in production) delivers each message to every replica.
        busA.publishTo(m -> {
            busA.receive(m);
            busB.receive(m);
        });
        CredentialCache a = new CredentialCache(Duration.ofMinutes(10), nanos::get, busA);
        CredentialCache b = new CredentialCache(Duration.ofMinutes(10), nanos::get, busB);
        AtomicReference<ApiKey> row = new AtomicReference<>(key("key_1", "ten_1", null));
        b.key("chk_AAAAAAAA", p -> load(row));
        row.set(key("key_1", "ten_1", Instant.EPOCH));
        a.keyChanged("key_1");
        assertThat(b.key("chk_AAAAAAAA", p -> load(row)).orElseThrow().isRevoked()).isTrue();
    }

    @Test
    void missedMessagesClearEverything() {
        ChangeBus bus = new ChangeBus();
        CredentialCache cache = new CredentialCache(Duration.ofMinutes(10), nanos::get, bus);
        AtomicReference<ApiKey> row = new AtomicReference<>(key("key_1", "ten_1", null));
        cache.key("chk_AAAAAAAA", p -> load(row));
        bus.missed();
        cache.key("chk_AAAAAAAA", p -> load(row));
        assertThat(loads).hasValue(2);
    }

    @Test
    void aZeroTimeToLiveReadsEveryTime() {
        CredentialCache cache = new CredentialCache(Duration.ZERO, nanos::get);
        AtomicReference<ApiKey> row = new AtomicReference<>(key("key_1", "ten_1", null));
        cache.key("chk_AAAAAAAA", p -> load(row));
        cache.key("chk_AAAAAAAA", p -> load(row));
        assertThat(loads).hasValue(2);
    }
}
