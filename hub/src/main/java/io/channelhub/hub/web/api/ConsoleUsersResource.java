package io.channelhub.hub.web.api;

import io.dropwizard.auth.Auth;
import io.channelhub.hub.console.ConsoleUser;
import io.channelhub.hub.console.ConsoleUsers;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonNaming;
import io.channelhub.hub.acl.AccessControl;
import io.channelhub.hub.web.Page;
import io.channelhub.hub.audit.AuditLog;
import io.channelhub.hub.identity.Caller;
import io.channelhub.hub.identity.Permission;
import io.channelhub.hub.web.TenantScope;
import jakarta.validation.Valid;
import jakarta.validation.constraints.NotNull;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.PATCH;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Console users of one scope: a tenant's ({@code /v1/console-users}, or {@code /admin/tenants/{tenantId}/...} for
 * the operator) or the platform's operators ({@code /admin/console-users}). Passwords go in, never come out.
 */
@Produces(MediaType.APPLICATION_JSON)
@Consumes(MediaType.APPLICATION_JSON)
public class ConsoleUsersResource {

    private final ConsoleUsers users;
    private final AccessControl access;
    private final AuditLog audit;

    public ConsoleUsersResource(ConsoleUsers users, AccessControl access, AuditLog audit) {
        this.users = users;
        this.access = access;
        this.audit = audit;
    }

    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record UserView(String id, String tenantId, String email, String displayName, String role, String status,
                           boolean locked, Instant createdAt, String createdBy, Instant lastLoginAt) {
        static UserView of(ConsoleUser u, Instant now) {
            return new UserView(u.id(), u.tenantId(), u.email(), u.displayName(), u.role().wire(), u.status(),
                    u.isLocked(now), u.createdAt(), u.createdBy(), u.lastLoginAt());
        }
    }

    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    public record CreateUser(String email, String displayName, String role, String password) {
    }

    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    public record UpdateUser(String displayName, String role, String status, String password) {
    }

    private record Scoped(Caller caller, String tenantId) {
    }

    private Scoped authorize(Caller c, TenantScope scope) {
        // Under /admin/api-keys, /admin/console-users: the platform's own (super-admin) keys and operators.
        String tenantId = scope.tenantId();
        if (scope.isPlatform()) {
            access.require(c, null, Permission.PLATFORM_ADMIN);
        }
        access.require(c, tenantId, Permission.CONSOLE_USERS_MANAGE);
        return new Scoped(c, tenantId);
    }

    /** The name a tenant's console user goes by (their display name, else their e-mail's local part). */
    public java.util.Optional<String> displayName(String tenantId, String principalId) {
        return users.find(tenantId, principalId).map(u -> u.displayName() != null && !u.displayName().isBlank()
                ? u.displayName() : u.email().split("@")[0]);
    }

    @GET
    public Page<UserView> list(@Auth Caller caller, @Context TenantScope scope) {
        Scoped s = authorize(caller, scope);
        Instant now = users.now();
        return Page.all(users.list(s.tenantId()).stream().map(u -> UserView.of(u, now)).toList());
    }

    @GET
    @Path("/{userId}")
    public UserView get(@Auth Caller caller, @Context TenantScope scope, @PathParam("userId") String id) {
        Scoped s = authorize(caller, scope);
        return UserView.of(users.get(s.tenantId(), id), users.now());
    }

    @POST
    public Response create(@Auth Caller caller, @Context TenantScope scope, @NotNull @Valid CreateUser body) {
        Scoped s = authorize(caller, scope);
        ConsoleUser u = users.create(s.tenantId(), body.email(), body.displayName(),
                body.role() == null && s.tenantId() == null ? "super_admin" : body.role(), body.password(),
                s.caller().principalId());
        audit.success(s.caller(), s.tenantId(), "console_user.create", "console_user", u.id(),
                Map.of("role", u.role().wire()));
        return Response.status(201).entity(UserView.of(u, users.now())).build();
    }

    @PATCH
    @Path("/{userId}")
    public UserView update(@Auth Caller caller, @Context TenantScope scope, @PathParam("userId") String id,
                           @NotNull @Valid UpdateUser body) {
        Scoped s = authorize(caller, scope);
        ConsoleUser u = users.update(s.tenantId(), id, body.displayName(), body.role(), body.status(),
                body.password());
        Map<String, Object> changed = new LinkedHashMap<>();
        if (body.role() != null) {
            changed.put("role", u.role().wire());
        }
        if (body.status() != null) {
            changed.put("status", u.status());
        }
        if (body.password() != null) {
            changed.put("password", "changed");
        }
        audit.success(s.caller(), s.tenantId(), "console_user.update", "console_user", id, changed);
        return UserView.of(u, users.now());
    }

    @DELETE
    @Path("/{userId}")
    public Response delete(@Auth Caller caller, @Context TenantScope scope, @PathParam("userId") String id) {
        Scoped s = authorize(caller, scope);
        users.delete(s.tenantId(), id);
        audit.success(s.caller(), s.tenantId(), "console_user.delete", "console_user", id, Map.of());
        return Response.noContent().build();
    }
}
