package io.channelhub.hub.console;

import io.channelhub.hub.auth.ApiKey;
import io.channelhub.hub.auth.ApiKeyService;
import io.channelhub.hub.identity.Caller;
import io.channelhub.hub.errors.Failure;
import io.channelhub.hub.errors.HubFailure;
import io.channelhub.hub.tenancy.Tenant;
import io.channelhub.hub.tenancy.TenantRepository;
import io.channelhub.hub.tenancy.TenantStatus;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Optional;
import org.jdbi.v3.core.Jdbi;

/**
 * Server-side console sessions. The browser holds a random 256-bit token in an HttpOnly, SameSite=Strict cookie;
 * the database holds only its SHA-256, with an idle timeout and an absolute lifetime. Each session has its own CSRF
 * token, which the console sends back as {@code X-CSRF-Token} on every change (double protection with SameSite).
 * Every request re-checks what stands behind the session — the user still active, the key not revoked, the tenant
 * not suspended — so revoking any of them ends the session at once.
 */
public class ConsoleSessions {

    public static final String COOKIE = "channelhub_session";
    /**
     * The name over HTTPS: browsers accept a {@code __Host-} cookie only when it is Secure, host-only and for
     * {@code Path=/}, so no sibling subdomain or plain-HTTP page can plant or replace it.
     */
    public static final String SECURE_COOKIE = "__Host-channelhub_session";
    public static final String CSRF_HEADER = "X-CSRF-Token";
    /** last_seen_at is written at most this often: a session costs a write per minute, not per request. */
    private static final Duration MAX_TOUCH_INTERVAL = Duration.ofMinutes(1);
    private static final SecureRandom RANDOM = new SecureRandom();

    private final Jdbi jdbi;
    private final TenantRepository tenants;
    /** The tenant behind each request comes from the same cache the API keys use (evicted on suspension). */
    private final io.channelhub.hub.auth.CredentialCache cache;
    private final ApiKeyService keys;
    private final Clock clock;
    private final Duration idleTimeout;
    private final Duration maxAge;
    private final Duration touchInterval;

    public ConsoleSessions(Jdbi jdbi, TenantRepository tenants, io.channelhub.hub.auth.CredentialCache cache,
                           ApiKeyService keys, Clock clock, Duration idleTimeout, Duration maxAge) {
        this.jdbi = jdbi;
        this.cache = cache;
        this.tenants = tenants;
        this.keys = keys;
        this.clock = clock;
        this.idleTimeout = idleTimeout;
        this.maxAge = maxAge;
        // Well inside the idle timeout, so a session in use never lapses between two writes.
        Duration half = idleTimeout.dividedBy(2);
        this.touchInterval = half.compareTo(MAX_TOUCH_INTERVAL) < 0 ? half : MAX_TOUCH_INTERVAL;
    }

    /** A tenant by id, through the credential cache. */
    public Optional<Tenant> tenant(String tenantId) {
        return cache.tenant(tenantId, tenants::find);
    }

    public Duration maxAge() {
        return maxAge;
    }

    /** A new session: the plaintext token (for the cookie only) and the CSRF token. */
    public record Started(String token, String csrfToken, Instant expiresAt) {
    }

    /** A resolved session: who it is and its CSRF token. */
    public record Session(String id, Caller caller, String csrfToken, Instant expiresAt, String email,
                          String displayName, String method) {
    }

    public Started start(ConsoleUser user, String userAgent) {
        return insert(user.tenantId(), user.id(), null, userAgent);
    }

    public Started start(ApiKey key, String userAgent) {
        return insert(key.tenantId(), null, key.id(), userAgent);
    }

    private Started insert(String tenantId, String userId, String keyId, String userAgent) {
        String token = random();
        String csrf = random();
        Instant now = clock.instant();
        Instant expires = now.plus(maxAge);
        purge(now);
        jdbi.useHandle(h -> {
            h.createUpdate("INSERT INTO console_sessions (id, tenant_id, user_id, api_key_id, csrf_token, created_at, "
                            + "last_seen_at, expires_at, user_agent) VALUES (:id, :t, :u, :k, :csrf, :now, :now, :exp, "
                            + ":ua)")
                    .bind("id", digest(token)).bind("t", tenantId).bind("u", userId).bind("k", keyId)
                    .bind("csrf", csrf).bind("now", now).bind("exp", expires)
                    .bind("ua", userAgent == null ? null : userAgent.substring(0, Math.min(255, userAgent.length())))
                    .execute();
        });
        return new Started(token, csrf, expires);
    }

    /**
     * Ended sessions (past their lifetime or idle) go when new ones come, so the table stays the size of the live
     * sessions. Best effort: two sign-ins purging at once may collide on InnoDB's range locks, and a sign-in must not
     * fail for housekeeping; the next one purges again.
     */
    private void purge(Instant now) {
        try {
            jdbi.useHandle(h -> h.createUpdate("DELETE FROM console_sessions WHERE expires_at < :now OR "
                    + "last_seen_at < :idle").bind("now", now).bind("idle", now.minus(idleTimeout)).execute());
        } catch (RuntimeException e) {
            org.slf4j.LoggerFactory.getLogger(ConsoleSessions.class).debug("Console session purge skipped", e);
        }
    }

    private record Row(String id, String tenantId, String userId, String keyId, String csrf, Instant lastSeen,
                       Instant expires) {
    }

    /** The live session for this cookie value, or empty when there is none (or it has ended). */
    public Optional<Session> resolve(String token) {
        if (token == null || token.isBlank() || token.length() > 100) {
            return Optional.empty();
        }
        String id = digest(token);
        Optional<Row> found = jdbi.withHandle(h -> h.createQuery("SELECT id, tenant_id, user_id, api_key_id, "
                        + "csrf_token, last_seen_at, expires_at FROM console_sessions WHERE id = :id")
                .bind("id", id).map((rs, ctx) -> {
                    var instants = ctx.findColumnMapperFor(Instant.class).orElseThrow();
                    return new Row(rs.getString("id"), rs.getString("tenant_id"), rs.getString("user_id"),
                            rs.getString("api_key_id"), rs.getString("csrf_token"),
                            instants.map(rs, "last_seen_at", ctx), instants.map(rs, "expires_at", ctx));
                }).findOne());
        if (found.isEmpty()) {
            return Optional.empty();
        }
        Row row = found.get();
        Instant now = clock.instant();
        if (!now.isBefore(row.expires()) || !now.isBefore(row.lastSeen().plus(idleTimeout))) {
            end(row.id());
            return Optional.empty();
        }
        Optional<Session> session = row.userId() != null ? userSession(row, now) : keySession(row, now);
        if (session.isEmpty()) {
            end(row.id());
            return session;
        }
        if (row.tenantId() != null) {
            Optional<Tenant> tenant = tenant(row.tenantId());
            if (tenant.isEmpty()) {
                end(row.id());
                return Optional.empty();
            }
            if (tenant.get().status() == TenantStatus.SUSPENDED) {
                throw Failure.forbidden("tenant_suspended", "this tenant is suspended");
            }
        }
        if (row.lastSeen().plus(touchInterval).isBefore(now)) {
            jdbi.useHandle(h -> h.createUpdate("UPDATE console_sessions SET last_seen_at = :now WHERE id = :id")
                    .bind("now", now).bind("id", row.id()).execute());
        }
        return session;
    }

    private Optional<Session> userSession(Row row, Instant now) {
        return ConsoleUsers.byId(jdbi, row.userId()).filter(ConsoleUser::isActive)
                .filter(u -> java.util.Objects.equals(u.tenantId(), row.tenantId()))
                .map(u -> new Session(row.id(), new Caller(u.id(), u.id(), u.tenantId(), u.role(), u.email()),
                        row.csrf(), row.expires(), u.email(), u.displayName(), "password"));
    }

    private Optional<Session> keySession(Row row, Instant now) {
        Optional<ApiKey> key;
        try {
            key = Optional.of(keys.get(row.tenantId(), row.keyId()));
        } catch (HubFailure gone) {
            key = Optional.empty();
        }
        return key.filter(k -> !k.isRevoked() && !k.isExpired(now))
                .map(k -> new Session(row.id(), new Caller(k.id(), k.principalId(), k.tenantId(), k.role(),
                        k.name()), row.csrf(), row.expires(), null, k.name(), "api_key"));
    }

    /** Whether the presented CSRF token is the session's (constant time). */
    public static boolean csrfMatches(Session s, String presented) {
        return presented != null && MessageDigest.isEqual(s.csrfToken().getBytes(StandardCharsets.US_ASCII),
                presented.getBytes(StandardCharsets.US_ASCII));
    }

    public void end(String sessionId) {
        jdbi.useHandle(h -> h.createUpdate("DELETE FROM console_sessions WHERE id = :id").bind("id", sessionId)
                .execute());
    }

    /** Ends the session of a cookie value, if it is one. */
    public void endToken(String token) {
        if (token != null && !token.isBlank() && token.length() <= 100) {
            end(digest(token));
        }
    }

    public void endForUser(String userId) {
        jdbi.useHandle(h -> h.createUpdate("DELETE FROM console_sessions WHERE user_id = :u").bind("u", userId)
                .execute());
    }

    private static String random() {
        byte[] b = new byte[32];
        RANDOM.nextBytes(b);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(b);
    }

    public static String digest(String token) {
        return io.channelhub.hub.auth.ApiKeyService.hash(token);
    }
}
