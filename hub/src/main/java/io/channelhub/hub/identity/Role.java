package io.channelhub.hub.identity;

import java.util.EnumSet;
import java.util.Locale;
import java.util.Set;

/**
 * What a key may do by default. The matrix is documented in docs/architecture.md and asserted by
 * {@code IsolationContract}; explicit resource grants add to it, never take away.
 */
public enum Role {
    /** Operates the platform: every tenant, plugins, platform keys. Belongs to no tenant. */
    SUPER_ADMIN(EnumSet.allOf(Permission.class)),
    /** Runs one tenant: keys, plugins, channel instances, grants, audit. */
    ADMIN(EnumSet.complementOf(EnumSet.of(Permission.PLATFORM_ADMIN))),
    /** Builds in one tenant: reads everything, creates resources, changes what it owns or was granted. */
    EDITOR(EnumSet.of(Permission.TENANT_READ, Permission.PLUGINS_READ, Permission.RESOURCES_READ,
            Permission.RESOURCES_CREATE, Permission.GRANTS_READ)),
    /** Reads one tenant's resources. */
    VIEWER(EnumSet.of(Permission.TENANT_READ, Permission.PLUGINS_READ, Permission.RESOURCES_READ));

    private final Set<Permission> permissions;

    Role(Set<Permission> permissions) {
        this.permissions = permissions;
    }

    public boolean allows(Permission p) {
        return permissions.contains(p);
    }

    /** Whether the role may change every resource of its tenant without ownership or a grant. */
    public boolean managesAllResources() {
        return this == SUPER_ADMIN || this == ADMIN;
    }

    public String wire() {
        return name().toLowerCase(Locale.ROOT);
    }

    public static Role fromWire(String s) {
        return valueOf(s.toUpperCase(Locale.ROOT));
    }
}
