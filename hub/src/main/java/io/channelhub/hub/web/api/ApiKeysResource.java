package io.channelhub.hub.web.api;

import io.dropwizard.auth.Auth;
import io.channelhub.hub.auth.ApiKey;
import io.channelhub.hub.auth.ApiKeyService;
import io.channelhub.hub.identity.Caller;
import io.channelhub.hub.identity.Permission;
import io.channelhub.hub.identity.Role;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonNaming;
import io.channelhub.hub.acl.AccessControl;
import io.channelhub.hub.web.Page;
import io.channelhub.hub.audit.AuditLog;
import io.channelhub.hub.errors.ApiException;
import io.channelhub.hub.web.TenantScope;
import jakarta.validation.Valid;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Size;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * API keys of one scope: a tenant's ({@code /v1/api-keys}, or {@code /admin/tenants/{tenantId}/api-keys} for the
 * operator) or the platform's ({@code /admin/api-keys}). The plaintext is in the create and rotate answers only.
 */
@Produces(MediaType.APPLICATION_JSON)
@Consumes(MediaType.APPLICATION_JSON)
public class ApiKeysResource {

    private final ApiKeyService keys;
    private final AccessControl access;
    private final AuditLog audit;
    private final Clock clock;

    public ApiKeysResource(ApiKeyService keys, AccessControl access, AuditLog audit, Clock clock) {
        this.keys = keys;
        this.access = access;
        this.audit = audit;
        this.clock = clock;
    }

    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record KeyView(String id, String tenantId, String name, String role, String prefix, String status,
                          Instant createdAt, String createdBy, Instant lastUsedAt, Instant expiresAt,
                          Instant revokedAt, String rotatedFrom, String key) {
        static KeyView of(ApiKey k, Instant now, String plaintext) {
            return new KeyView(k.id(), k.tenantId(), k.name(), k.role().wire(), k.keyPrefix(), k.status(now),
                    k.createdAt(), k.createdBy(), k.lastUsedAt(), k.expiresAt(), k.revokedAt(), k.rotatedFrom(),
                    plaintext);
        }
    }

    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    public record CreateKey(@NotBlank @Size(max = 200) String name, @NotBlank String role, Instant expiresAt) {
    }

    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    public record RotateKey(Long graceSeconds, Instant expiresAt) {
    }

    /** The caller and the tenant (null: platform) whose keys the request manages. */
    private record Scoped(Caller caller, String tenantId) {
    }

    private Scoped authorize(Caller c, TenantScope scope, Permission p) {
        // Under /admin/api-keys, /admin/console-users: the platform's own (super-admin) keys and operators.
        String tenantId = scope.tenantId();
        if (scope.isPlatform()) {
            access.require(c, null, Permission.PLATFORM_ADMIN);
        }
        access.require(c, tenantId, p);
        return new Scoped(c, tenantId);
    }

    @GET
    public Page<KeyView> list(@Auth Caller caller, @Context TenantScope scope) {
        Scoped scoped = authorize(caller, scope, Permission.API_KEYS_READ);
        Caller c = scoped.caller();
        String tenantId = scoped.tenantId();
        Instant now = clock.instant();
        return Page.all(keys.list(tenantId).stream().map(k -> KeyView.of(k, now, null)).toList());
    }

    @GET
    @Path("/{keyId}")
    public KeyView get(@Auth Caller caller, @Context TenantScope scope, @PathParam("keyId") String id) {
        Scoped scoped = authorize(caller, scope, Permission.API_KEYS_READ);
        Caller c = scoped.caller();
        String tenantId = scoped.tenantId();
        return KeyView.of(keys.get(tenantId, id), clock.instant(), null);
    }

    @POST
    public Response create(@Auth Caller caller, @Context TenantScope scope, @NotNull @Valid CreateKey body) {
        Scoped scoped = authorize(caller, scope, Permission.API_KEYS_MANAGE);
        Caller c = scoped.caller();
        String tenantId = scoped.tenantId();
        Role role = parseRole(body.role());
        ApiKeyService.Issued issued = keys.create(tenantId, body.name(), role, body.expiresAt(), c.keyId());
        Map<String, Object> s = new LinkedHashMap<>();
        s.put("name", body.name());
        s.put("role", role.wire());
        if (body.expiresAt() != null) {
            s.put("expires_at", body.expiresAt().toString());
        }
        audit.success(c, tenantId, "api_key.create", "api_key", issued.key().id(), s);
        return Response.status(201).entity(KeyView.of(issued.key(), clock.instant(), issued.plaintext())).build();
    }

    @DELETE
    @Path("/{keyId}")
    public KeyView revoke(@Auth Caller caller, @Context TenantScope scope, @PathParam("keyId") String id) {
        Scoped scoped = authorize(caller, scope, Permission.API_KEYS_MANAGE);
        Caller c = scoped.caller();
        String tenantId = scoped.tenantId();
        keys.revoke(tenantId, id);
        audit.success(c, tenantId, "api_key.revoke", "api_key", id, Map.of());
        return KeyView.of(keys.get(tenantId, id), clock.instant(), null);
    }

    @POST
    @Path("/{keyId}/rotate")
    public Response rotate(@Auth Caller caller, @Context TenantScope scope, @PathParam("keyId") String id,
                           @Valid RotateKey body) {
        Scoped scoped = authorize(caller, scope, Permission.API_KEYS_MANAGE);
        Caller c = scoped.caller();
        String tenantId = scoped.tenantId();
        Duration grace = body == null || body.graceSeconds() == null ? null
                : Duration.ofSeconds(Math.max(-1, Math.min(body.graceSeconds(), Long.MAX_VALUE / 1_000_000_000L)));
        ApiKeyService.Issued next = keys.rotate(tenantId, id, grace, body == null ? null : body.expiresAt(),
                c.keyId());
        ApiKey old = keys.get(tenantId, id);
        Map<String, Object> s = new LinkedHashMap<>();
        s.put("new_key_id", next.key().id());
        s.put("old_key_expires_at", String.valueOf(old.expiresAt()));
        audit.success(c, tenantId, "api_key.rotate", "api_key", id, s);
        return Response.status(201).entity(KeyView.of(next.key(), clock.instant(), next.plaintext())).build();
    }

    private static Role parseRole(String s) {
        try {
            return Role.fromWire(s);
        } catch (IllegalArgumentException e) {
            throw ApiException.unprocessable("invalid_role", "unknown role", Map.of("field", "role"));
        }
    }
}
