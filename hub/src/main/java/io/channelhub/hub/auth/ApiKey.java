package io.channelhub.hub.auth;

import io.channelhub.hub.identity.Role;
import java.time.Instant;

/** A stored API key. Only the hash of the secret is kept. */
public record ApiKey(String id, String tenantId, String principalId, String name, Role role, String keyPrefix,
                     String keyHash, Instant createdAt, String createdBy, Instant lastUsedAt, Instant expiresAt,
                     Instant revokedAt, String rotatedFrom) {

    public boolean isRevoked() {
        return revokedAt != null;
    }

    public boolean isExpired(Instant now) {
        return expiresAt != null && !now.isBefore(expiresAt);
    }

    public String status(Instant now) {
        return isRevoked() ? "revoked" : isExpired(now) ? "expired" : "active";
    }
}
