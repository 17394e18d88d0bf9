package io.channelhub.hub.web.api;

import jakarta.ws.rs.Path;

/**
 * The platform's own keys, operators and audit trail: {@code /admin/api-keys}, {@code /admin/console-users},
 * {@code /admin/audit}. The same section objects as a tenant's; under this mount their
 * {@link io.channelhub.hub.web.TenantScope} is the platform's (no tenant).
 */
@Path("/admin")
public final class PlatformAdminApi {

    private final ApiKeysResource apiKeys;
    private final ConsoleUsersResource consoleUsers;
    private final AuditResource audit;

    public PlatformAdminApi(ApiKeysResource apiKeys, ConsoleUsersResource consoleUsers, AuditResource audit) {
        this.apiKeys = apiKeys;
        this.consoleUsers = consoleUsers;
        this.audit = audit;
    }

    @Path("api-keys")
    public ApiKeysResource apiKeys() {
        return apiKeys;
    }

    @Path("console-users")
    public ConsoleUsersResource consoleUsers() {
        return consoleUsers;
    }

    @Path("audit")
    public AuditResource audit() {
        return audit;
    }
}
