package io.channelhub.hub.console;

import io.channelhub.hub.identity.Role;
import java.time.Instant;

/** A person who signs in to the console. {@code tenantId} null: a platform operator (always super-admin). */
public record ConsoleUser(String id, String tenantId, String email, String displayName, Role role,
                          String passwordHash, String status, int failedLogins, Instant lockedUntil,
                          Instant createdAt, String createdBy, Instant lastLoginAt) {

    public static final String ACTIVE = "active";
    public static final String DISABLED = "disabled";

    public boolean isActive() {
        return ACTIVE.equals(status);
    }

    public boolean isLocked(Instant now) {
        return lockedUntil != null && now.isBefore(lockedUntil);
    }
}
