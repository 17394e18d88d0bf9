package io.channelhub.hub.api;

import io.channelhub.hub.errors.ApiException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.Duration;
import java.util.HexFormat;
import java.util.Map;
import java.util.Optional;
import org.jdbi.v3.core.Jdbi;

/**
 * {@code Idempotency-Key} on POST: the first request with a key runs and its response is stored; a repeat with the
 * same key and body gets the stored response; the same key with another body is refused. Keys are scoped to the
 * tenant and the key's principal, and expire after a day.
 */
public class Idempotency {

    public static final String HEADER = "Idempotency-Key";
    static final Duration TTL = Duration.ofHours(24);

    private final Jdbi jdbi;
    private final Clock clock;

    /** A stored response to replay. */
    public record Stored(int status, String body) {
    }

    public Idempotency(Jdbi jdbi, Clock clock) {
        this.jdbi = jdbi;
        this.clock = clock;
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

    /**
     * Claims the key for this request, or returns the response to replay. Throws 422 when the key was used with a
     * different request and 409 while the first request is still running.
     */
    public Optional<Stored> begin(String tenantId, String principalId, String key, String requestHash) {
        if (key.isBlank() || key.length() > 191) {
            throw ApiException.unprocessable("invalid_idempotency_key", "Idempotency-Key must be 1-191 characters",
                    Map.of("header", HEADER));
        }
        jdbi.useHandle(h -> h.createUpdate("DELETE FROM idempotency_records WHERE tenant_id = :t AND "
                        + "principal_id = :p AND idem_key = :k AND created_at < :cut")
                .bind("t", tenantId).bind("p", principalId).bind("k", key).bind("cut", clock.instant().minus(TTL))
                .execute());
        try {
            jdbi.useHandle(h -> h.createUpdate("INSERT INTO idempotency_records (tenant_id, principal_id, idem_key, "
                            + "request_hash, created_at) VALUES (:t, :p, :k, :h, :at)")
                    .bind("t", tenantId).bind("p", principalId).bind("k", key).bind("h", requestHash)
                    .bind("at", clock.instant()).execute());
            return Optional.empty();
        } catch (RuntimeException e) {
            if (!io.channelhub.hub.persistence.Constraints.isUniqueViolation(e)) {
                throw e;
            }
        }
        record Row(String hash, Integer status, String response) {
        }
        Row row = jdbi.withHandle(h -> h.createQuery("SELECT request_hash, status, response FROM "
                        + "idempotency_records WHERE tenant_id = :t AND principal_id = :p AND idem_key = :k")
                .bind("t", tenantId).bind("p", principalId).bind("k", key)
                .map((rs, ctx) -> {
                    int st = rs.getInt("status");
                    // getString reads a CLOB (H2) and a TEXT (MariaDB) alike.
                    return new Row(rs.getString("request_hash"), rs.wasNull() ? null : st, rs.getString("response"));
                }).findOne())
                .orElseThrow(() -> ApiException.conflict("idempotency_in_progress", "retry in a moment"));
        if (!requestHash.equals(row.hash())) {
            throw ApiException.unprocessable("idempotency_key_reused",
                    "this Idempotency-Key was used with a different request", Map.of("header", HEADER));
        }
        if (row.status() == null) {
            throw ApiException.conflict("idempotency_in_progress",
                    "a request with this Idempotency-Key is still running");
        }
        return Optional.of(new Stored(row.status(), row.response()));
    }

    public void complete(String tenantId, String principalId, String key, int status, String body) {
        jdbi.useHandle(h -> h.createUpdate("UPDATE idempotency_records SET status = :s, response = :r WHERE "
                        + "tenant_id = :t AND principal_id = :p AND idem_key = :k")
                .bind("s", status).bind("r", body).bind("t", tenantId).bind("p", principalId).bind("k", key)
                .execute());
    }

    /** The request failed in a way worth retrying with the same key: forget it. */
    public void abandon(String tenantId, String principalId, String key) {
        jdbi.useHandle(h -> h.createUpdate("DELETE FROM idempotency_records WHERE tenant_id = :t AND "
                + "principal_id = :p AND idem_key = :k AND status IS NULL").bind("t", tenantId).bind("p", principalId)
                .bind("k", key).execute());
    }
}
