package io.channelhub.hub.web;

import io.channelhub.hub.errors.ApiException;
import io.channelhub.hub.persistence.Constraints;
import io.channelhub.hub.persistence.Ids;
import io.dropwizard.lifecycle.Managed;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.jdbi.v3.core.Jdbi;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code Idempotency-Key} on POST: the first request with a key runs and its response is stored; a repeat with the
 * same key and body gets the stored response; the same key with another body is refused. Keys are scoped to the
 * tenant and the key's principal, and expire after a day.
 *
 * <p>A running request holds its key under a short lease that this node renews while the request runs. A repeat
 * during the lease gets 409 {@code idempotency_in_progress} with {@code Retry-After}. When the node dies mid-request
 * nobody renews the lease, and the first retry after it ends takes the key over (a compare-and-set on the claim id,
 * so exactly one of several racing retries runs the request again).
 */
public class Idempotency implements Managed {

    public static final String HEADER = "Idempotency-Key";
    public static final Duration TTL = Duration.ofHours(24);
    private static final Logger LOG = LoggerFactory.getLogger(Idempotency.class);
    private static final int RENEW_CHUNK = 500;

    private final Jdbi jdbi;
    private final Clock clock;
    private final Duration lease;
    /** Claim ids of the requests running on this node: their leases are renewed. */
    private final Set<String> running = ConcurrentHashMap.newKeySet();
    /** Answers of finished requests whose store failed, by claim id: retried before each renewal. */
    private final Map<String, Runnable> unstored = new ConcurrentHashMap<>();
    private ScheduledExecutorService renewer;

    /** What {@link #begin} decided: replay a stored response, or run the request under a {@link Claim}. */
    public sealed interface Outcome permits Stored, Claim {
    }

    /** A stored response to replay. */
    public record Stored(int status, String body) implements Outcome {
    }

    /** This request holds the key: it ends with {@link #complete} or {@link #abandon}. */
    public final class Claim implements Outcome {
        private final String tenantId;
        private final String principalId;
        private final String key;
        private final String id;
        private final boolean tookOver;

        private Claim(String tenantId, String principalId, String key, String id, boolean tookOver) {
            this.tenantId = tenantId;
            this.principalId = principalId;
            this.key = key;
            this.id = id;
            this.tookOver = tookOver;
            running.add(id);
        }

        /** The key as stored with the work it did (a message), so a retry that takes it over can find that work. */
        public String requestKey() {
            return Idempotency.hash("KEY", principalId, key);
        }

        /** Whether this claim took the key over from a node that stopped: its work may be half done. */
        public boolean tookOver() {
            return tookOver;
        }

        /**
         * Stores the response for repeats. A claim taken over by a retry (this node looked dead) stores nothing. When
         * the store fails (a database blip), the key stays held (its lease renewed) and the store is retried in the
         * background, so a repeat waits for the answer instead of running the request a second time.
         */
        public void complete(int status, String body) {
            Runnable store = () -> jdbi.useHandle(h -> h.createUpdate("UPDATE idempotency_records SET status = :s, "
                            + "response = :r, lease_until = NULL WHERE tenant_id = :t AND principal_id = :p AND "
                            + "idem_key = :k AND claim_id = :c AND status IS NULL")
                    .bind("s", status).bind("r", body).bind("t", tenantId).bind("p", principalId).bind("k", key)
                    .bind("c", id).execute());
            try {
                store.run();
            } catch (RuntimeException e) {
                LOG.warn("Could not store the answer of an idempotent request; the key stays held and the answer is "
                        + "stored again in the background", e);
                unstored.put(id, store);
                return;
            }
            running.remove(id);
        }

        /** The request failed in a way worth retrying with the same key: forget it. */
        public void abandon() {
            running.remove(id);
            jdbi.useHandle(h -> h.createUpdate("DELETE FROM idempotency_records WHERE tenant_id = :t AND "
                            + "principal_id = :p AND idem_key = :k AND claim_id = :c AND status IS NULL")
                    .bind("t", tenantId).bind("p", principalId).bind("k", key).bind("c", id).execute());
        }
    }

    public Idempotency(Jdbi jdbi, Clock clock, Duration lease) {
        if (lease.compareTo(Duration.ofSeconds(1)) < 0) {
            throw new IllegalArgumentException("the idempotency lease must be at least one second");
        }
        this.jdbi = jdbi;
        this.clock = clock;
        this.lease = lease;
    }

    public static String hash(String method, String path, String body) {
        try {
            MessageDigest d = MessageDigest.getInstance("SHA-256");
            d.update((method + " " + path + "\n").getBytes(StandardCharsets.UTF_8));
            d.update((body == null ? "" : body).getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(d.digest());
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private record Row(String hash, Integer status, String response, String claimId, Instant leaseUntil,
                       Instant createdAt) {
    }

    /**
     * How long a key claimed without a lease is held: such a row comes from a node of the version before leases, still
     * running during a rolling upgrade, which does not renew. No request runs this long (model calls time out well
     * before), so after it the row is taken over like that of a node that died.
     */
    static final Duration UNLEASED_HOLD = Duration.ofMinutes(10);

    /**
     * Claims the key for this request, or returns the response to replay. Throws 422 when the key was used with a
     * different request and 409 while the first request is still running.
     */
    public Outcome begin(String tenantId, String principalId, String key, String requestHash) {
        if (key.isBlank() || key.length() > 191) {
            throw ApiException.unprocessable("invalid_idempotency_key", "Idempotency-Key must be 1-191 characters",
                    Map.of("header", HEADER));
        }
        Instant now = clock.instant();
        jdbi.useHandle(h -> h.createUpdate("DELETE FROM idempotency_records WHERE tenant_id = :t AND "
                        + "principal_id = :p AND idem_key = :k AND created_at < :cut")
                .bind("t", tenantId).bind("p", principalId).bind("k", key).bind("cut", now.minus(TTL))
                .execute());
        String claimId = Ids.newId("idm");
        try {
            jdbi.useHandle(h -> h.createUpdate("INSERT INTO idempotency_records (tenant_id, principal_id, idem_key, "
                            + "request_hash, created_at, claim_id, lease_until) VALUES (:t, :p, :k, :h, :at, :c, :l)")
                    .bind("t", tenantId).bind("p", principalId).bind("k", key).bind("h", requestHash)
                    .bind("at", now).bind("c", claimId).bind("l", now.plus(lease)).execute());
            return new Claim(tenantId, principalId, key, claimId, false);
        } catch (RuntimeException e) {
            if (!Constraints.isUniqueViolation(e)) {
                throw e;
            }
        }
        Optional<Row> found = read(tenantId, principalId, key);
        if (found.isEmpty()) {
            // The first request was abandoned between our insert and this read.
            throw inProgress(Duration.ofSeconds(1));
        }
        Row row = found.get();
        if (!requestHash.equals(row.hash())) {
            throw ApiException.unprocessable("idempotency_key_reused",
                    "this Idempotency-Key was used with a different request", Map.of("header", HEADER));
        }
        if (row.status() != null) {
            return new Stored(row.status(), row.response());
        }
        Instant heldUntil = row.leaseUntil() != null ? row.leaseUntil() : row.createdAt().plus(UNLEASED_HOLD);
        if (!heldUntil.isBefore(now)) {
            throw inProgress(Duration.between(now, heldUntil));
        }
        int taken = jdbi.withHandle(h -> h.createUpdate("UPDATE idempotency_records SET claim_id = :c, "
                        + "lease_until = :l WHERE tenant_id = :t AND principal_id = :p AND idem_key = :k AND "
                        + "status IS NULL AND " + (row.claimId() == null ? "claim_id IS NULL" : "claim_id = :was"))
                .bind("c", claimId).bind("l", now.plus(lease)).bind("t", tenantId).bind("p", principalId)
                .bind("k", key).bind("was", row.claimId()).execute());
        if (taken == 1) {
            LOG.info("Idempotency-Key taken over after its lease ended (the node running it stopped)");
            return new Claim(tenantId, principalId, key, claimId, true);
        }
        // Another retry took it over first (or it completed just now).
        throw inProgress(Duration.ofSeconds(1));
    }

    private Optional<Row> read(String tenantId, String principalId, String key) {
        return jdbi.withHandle(h -> h.createQuery("SELECT request_hash, status, response, claim_id, lease_until, "
                        + "created_at FROM idempotency_records WHERE tenant_id = :t AND principal_id = :p AND "
                        + "idem_key = :k")
                .bind("t", tenantId).bind("p", principalId).bind("k", key)
                .map((rs, ctx) -> {
                    int status = rs.getInt("status");
                    Integer st = rs.wasNull() ? null : status;
                    // getString reads a CLOB (H2) and a TEXT (MariaDB) alike.
                    var instants = ctx.findColumnMapperFor(Instant.class).orElseThrow();
                    return new Row(rs.getString("request_hash"), st, rs.getString("response"),
                            rs.getString("claim_id"), instants.map(rs, "lease_until", ctx),
                            instants.map(rs, "created_at", ctx));
                }).findOne());
    }

    private static ApiException inProgress(Duration remaining) {
        long seconds = Math.max(1, Math.min(5, (remaining.toMillis() + 999) / 1000));
        return new ApiException(409, "idempotency_in_progress",
                "a request with this Idempotency-Key is still running; retry after a moment",
                Map.of("header", HEADER)).withHeader("Retry-After", Long.toString(seconds));
    }

    /** Stores the answers whose first store failed; stops at the first failure (the database is still away). */
    void storeUnstored() {
        for (var e : unstored.entrySet()) {
            e.getValue().run();
            unstored.remove(e.getKey());
            running.remove(e.getKey());
        }
    }

    /** Extends the leases of the requests running here, so only a node that stopped loses its keys. */
    void renew() {
        List<String> ids = new ArrayList<>(running);
        for (int i = 0; i < ids.size(); i += RENEW_CHUNK) {
            List<String> chunk = ids.subList(i, Math.min(ids.size(), i + RENEW_CHUNK));
            Instant until = clock.instant().plus(lease);
            jdbi.useHandle(h -> h.createUpdate("UPDATE idempotency_records SET lease_until = :l WHERE claim_id IN "
                    + "(<ids>) AND status IS NULL").bind("l", until).bindList("ids", chunk).execute());
        }
    }

    @Override
    public void start() {
        renewer = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "idempotency-lease");
            t.setDaemon(true);
            return t;
        });
        long every = Math.max(200, lease.toMillis() / 3);
        renewer.scheduleWithFixedDelay(() -> {
            try {
                storeUnstored();
            } catch (RuntimeException e) {
                LOG.warn("Could not yet store the answers of {} idempotent requests", unstored.size(), e);
            }
            try {
                renew();
            } catch (RuntimeException e) {
                // The next round tries again; a lease that runs out lets a retry run the request a second time.
                LOG.warn("Could not renew idempotency leases", e);
            }
        }, every, every, TimeUnit.MILLISECONDS);
    }

    @Override
    public void stop() {
        if (renewer != null) {
            renewer.shutdownNow();
        }
        try {
            storeUnstored();
        } catch (RuntimeException e) {
            // Their keys' leases end; a retry after that runs the request again.
            LOG.error("Stopping with {} idempotent answers not stored", unstored.size(), e);
        }
    }
}
