package io.channelhub.hub.identity;

/** Role-level permissions. Per-resource rights are {@link io.channelhub.hub.acl.ResourcePermission}. */
public enum Permission {
    /** Tenants, platform keys, the platform audit log. */
    PLATFORM_ADMIN,
    TENANT_READ,
    TENANT_UPDATE,
    API_KEYS_READ,
    API_KEYS_MANAGE,
    /** Create, change and remove the people who sign in to the console. */
    CONSOLE_USERS_MANAGE,
    PLUGINS_READ,
    /** Enable or disable a plugin for the tenant. */
    PLUGINS_MANAGE,
    /** List and read the tenant's resources (agents, channel instances, ...). */
    RESOURCES_READ,
    /** Create resources; the creator's principal owns them. */
    RESOURCES_CREATE,
    GRANTS_READ,
    AUDIT_READ,
    /** Usage aggregates and export: billing information, for the tenant's admins. */
    USAGE_READ
}
