package io.channelhub.hub.auth;

import io.channelhub.hub.identity.Role;
import io.channelhub.hub.errors.Failure;
import io.channelhub.hub.persistence.Ids;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Issues and verifies API keys. A key reads {@code chk_<lookup>_<secret>}: the recognisable {@code chk_} prefix
 * lets secret scanners find leaked keys, the lookup part finds the row without scanning, and only a SHA-256 of
 * the whole key is stored (the secret has 190 random bits, so a slow hash adds nothing but latency).
 */
public class ApiKeyService {

    public static final String KEY_PREFIX = "chk_";
    private static final Pattern FORMAT = Pattern.compile("^(chk_[A-Za-z0-9]{8})_[A-Za-z0-9]{32,128}$");
    /** Longer than any sane key lifetime, and well inside what a DATETIME column holds. */
    static final Duration MAX_LIFETIME = Duration.ofDays(3650);
    static final Duration MAX_GRACE = Duration.ofDays(30);
    /** last_used_at is informative; writing it on every request would turn every read into a write. */
    private static final Duration TOUCH_INTERVAL = Duration.ofMinutes(1);

    private final ApiKeyRepository keys;
    private final Clock clock;
    private final Duration defaultRotationGrace;
    private final CredentialCache cache;

    public ApiKeyService(ApiKeyRepository keys, Clock clock, Duration defaultRotationGrace) {
        this(keys, clock, defaultRotationGrace, new CredentialCache(Duration.ZERO, System::nanoTime));
    }

    public ApiKeyService(ApiKeyRepository keys, Clock clock, Duration defaultRotationGrace, CredentialCache cache) {
        this.keys = keys;
        this.clock = clock;
        this.defaultRotationGrace = defaultRotationGrace;
        this.cache = cache;
    }

    /** A new key; {@code plaintext} is returned to the caller once and never stored. */
    public record Issued(ApiKey key, String plaintext) {
    }

    public static String generatePlaintext() {
        return KEY_PREFIX + Ids.randomBase62(8) + "_" + Ids.randomBase62(32);
    }

    public static boolean isWellFormed(String plaintext) {
        return plaintext != null && FORMAT.matcher(plaintext).matches();
    }

    /** SHA-256 of the text, hex: what the database keeps of a secret token (API keys, console sessions). */
    public static String hash(String plaintext) {
        try {
            return HexFormat.of().formatHex(
                    MessageDigest.getInstance("SHA-256").digest(plaintext.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    public Issued create(String tenantId, String name, Role role, Instant expiresAt, String createdBy) {
        return insert(tenantId, null, name, role, expiresAt, createdBy, null, generatePlaintext());
    }

    private Issued insert(String tenantId, String principalId, String name, Role role, Instant expiresAt,
                          String createdBy, String rotatedFrom, String plaintext) {
        if ((tenantId == null) != (role == Role.SUPER_ADMIN)) {
            throw Failure.invalid("invalid_role",
                    tenantId == null ? "platform keys have the role super_admin"
                            : "tenant keys have the role admin, editor or viewer",
                    java.util.Map.of("field", "role"));
        }
        Instant now = clock.instant();
        if (expiresAt != null && (!expiresAt.isAfter(now) || expiresAt.isAfter(now.plus(MAX_LIFETIME)))) {
            throw Failure.invalid("invalid_expiry", "expires_at must be in the future, within ten years",
                    java.util.Map.of("field", "expires_at"));
        }
        Matcher m = FORMAT.matcher(plaintext);
        if (!m.matches()) {
            throw new IllegalArgumentException("malformed key");
        }
        String id = Ids.newId("key");
        ApiKey key = new ApiKey(id, tenantId, principalId == null ? id : principalId, name, role, m.group(1),
                hash(plaintext), now, createdBy, null, expiresAt, null, rotatedFrom);
        keys.insert(key);
        return new Issued(key, plaintext);
    }

    /** Outcome of presenting a key. */
    public sealed interface Verification {
        record Valid(ApiKey key) implements Verification {
        }

        record Invalid(String code, String message) implements Verification {
        }
    }

    public Verification verify(String plaintext) {
        if (plaintext == null) {
            return new Verification.Invalid("invalid_api_key", "API key is not valid");
        }
        Matcher m = FORMAT.matcher(plaintext);
        if (!m.matches()) {
            return new Verification.Invalid("invalid_api_key", "API key is not valid");
        }
        Optional<ApiKey> found = cache.key(m.group(1), keys::findByPrefix);
        // Compare even when nothing was found, so timing does not tell which prefixes exist.
        byte[] presented = hash(plaintext).getBytes(StandardCharsets.US_ASCII);
        byte[] stored = found.map(k -> k.keyHash().getBytes(StandardCharsets.US_ASCII)).orElse(new byte[64]);
        if (!MessageDigest.isEqual(presented, stored) || found.isEmpty()) {
            return new Verification.Invalid("invalid_api_key", "API key is not valid");
        }
        ApiKey key = found.get();
        Instant now = clock.instant();
        if (key.isRevoked()) {
            return new Verification.Invalid("api_key_revoked", "API key has been revoked");
        }
        if (key.isExpired(now)) {
            return new Verification.Invalid("api_key_expired", "API key has expired");
        }
        if (key.lastUsedAt() == null || key.lastUsedAt().plus(TOUCH_INTERVAL).isBefore(now)) {
            keys.touch(key.id(), now);
            cache.touched(new ApiKey(key.id(), key.tenantId(), key.principalId(), key.name(), key.role(),
                    key.keyPrefix(), key.keyHash(), key.createdAt(), key.createdBy(), now, key.expiresAt(),
                    key.revokedAt(), key.rotatedFrom()));
        }
        return new Verification.Valid(key);
    }

    public List<ApiKey> list(String tenantId) {
        return keys.list(tenantId);
    }

    public ApiKey get(String tenantId, String id) {
        return keys.find(tenantId, id).orElseThrow(() -> Failure.notFound("API key"));
    }

    public ApiKey revoke(String tenantId, String id) {
        ApiKey key = get(tenantId, id);
        if (!keys.revoke(tenantId, id, clock.instant())) {
            throw Failure.conflict("already_revoked", "API key is already revoked");
        }
        cache.keyChanged(id);
        return key;
    }

    /**
     * Issues a successor with the same name, role and principal (so ownership and grants carry over); the old key
     * keeps working for {@code grace} so deployments can switch without downtime.
     */
    public Issued rotate(String tenantId, String id, Duration grace, Instant newExpiresAt, String actorKeyId) {
        ApiKey old = get(tenantId, id);
        Instant now = clock.instant();
        if (old.isRevoked() || old.isExpired(now)) {
            throw Failure.conflict("api_key_inactive", "only an active key can be rotated");
        }
        Duration g = grace == null ? defaultRotationGrace : grace;
        if (g.isNegative() || g.compareTo(MAX_GRACE) > 0) {
            throw Failure.invalid("invalid_grace", "grace_seconds must be between 0 and 2592000",
                    java.util.Map.of("field", "grace_seconds"));
        }
        Instant expiry = newExpiresAt;
        if (expiry == null && old.expiresAt() != null) {
            // Keep the key's lifetime policy: a successor of a 90-day key is again a 90-day key.
            expiry = now.plus(Duration.between(old.createdAt(), old.expiresAt()));
        }
        Issued next = insert(tenantId, old.principalId(), old.name(), old.role(), expiry, actorKeyId, old.id(),
                generatePlaintext());
        Instant oldEnds = now.plus(g);
        if (old.expiresAt() == null || oldEnds.isBefore(old.expiresAt())) {
            keys.setExpiry(old.id(), oldEnds);
            cache.keyChanged(old.id());
        }
        return next;
    }

    /** Installs the first platform key on an empty database; returns the plaintext when it was generated. */
    public Optional<String> bootstrap(String configuredKey) {
        if (keys.countPlatformKeys() > 0) {
            return Optional.empty();
        }
        boolean generated = configuredKey == null || configuredKey.isBlank();
        String plaintext = generated ? generatePlaintext() : configuredKey.trim();
        if (!isWellFormed(plaintext)) {
            throw new IllegalStateException("apiKeys.bootstrapKey must look like chk_<8 letters or digits>_"
                    + "<32 or more letters or digits>");
        }
        insert(null, null, "bootstrap super-admin", Role.SUPER_ADMIN, null, null, null, plaintext);
        return generated ? Optional.of(plaintext) : Optional.of("");
    }
}
