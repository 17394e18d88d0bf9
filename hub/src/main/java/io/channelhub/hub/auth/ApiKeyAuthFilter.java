package io.channelhub.hub.auth;

import io.channelhub.hub.errors.ApiException;
import io.channelhub.hub.tenancy.Tenant;
import io.channelhub.hub.tenancy.TenantRepository;
import io.channelhub.hub.tenancy.TenantStatus;
import jakarta.annotation.Priority;
import jakarta.ws.rs.Priorities;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.container.ContainerRequestFilter;
import jakarta.ws.rs.container.ResourceInfo;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.SecurityContext;
import java.security.Principal;
import java.util.Optional;
import org.slf4j.MDC;

/**
 * Resolves the caller, and so the tenant, from the {@code Authorization: Bearer} API key and nothing else: no
 * header or body field a caller controls can name a tenant. Runs on every matched resource not marked
 * {@link PublicApi}.
 */
@Priority(Priorities.AUTHENTICATION)
public class ApiKeyAuthFilter implements ContainerRequestFilter {

    public static final String CALLER = "channelhub.caller";

    private final ApiKeyService keys;
    private final TenantRepository tenants;

    @Context
    private ResourceInfo resourceInfo;

    private final io.channelhub.hub.audit.AuditLog audit;
    private final CredentialCache cache;

    public ApiKeyAuthFilter(ApiKeyService keys, TenantRepository tenants, io.channelhub.hub.audit.AuditLog audit) {
        this(keys, tenants, audit, new CredentialCache(java.time.Duration.ZERO, System::nanoTime));
    }

    public ApiKeyAuthFilter(ApiKeyService keys, TenantRepository tenants, io.channelhub.hub.audit.AuditLog audit,
                            CredentialCache cache) {
        this.keys = keys;
        this.tenants = tenants;
        this.audit = audit;
        this.cache = cache;
    }

    @Override
    public void filter(ContainerRequestContext request) {
        if (PublicApi.Check.isPublic(resourceInfo)) {
            return;
        }
        authenticate(request);
    }

    private void authenticate(ContainerRequestContext request) {
        String header = request.getHeaderString(HttpHeaders.AUTHORIZATION);
        if (header == null || header.isBlank()) {
            throw unauthorized("missing_credentials", "send an API key as Authorization: Bearer <key>");
        }
        if (!header.regionMatches(true, 0, "Bearer ", 0, 7)) {
            throw unauthorized("invalid_api_key", "use the Bearer scheme");
        }
        ApiKeyService.Verification v = keys.verify(header.substring(7).trim());
        if (v instanceof ApiKeyService.Verification.Invalid invalid) {
            throw unauthorized(invalid.code(), invalid.message());
        }
        ApiKey key = ((ApiKeyService.Verification.Valid) v).key();
        if (key.tenantId() != null) {
            Optional<Tenant> tenant = cache.tenant(key.tenantId(), tenants::find);
            if (tenant.isEmpty()) {
                throw unauthorized("invalid_api_key", "API key is not valid");
            }
            if (tenant.get().status() == TenantStatus.SUSPENDED) {
                throw ApiException.forbidden("tenant_suspended", "this tenant is suspended");
            }
            MDC.put("tenant_id", key.tenantId());
        }
        Caller caller = new Caller(key.id(), key.principalId(), key.tenantId(), key.role(), key.name());
        if (!caller.isSuperAdmin() && request.getUriInfo().getPath().startsWith("admin")) {
            // The operator API as a whole, refused before a body is even read: a tenant key learns nothing there.
            if (audit != null) {
                audit.denied(caller, caller.tenantId(), "access.denied", null, null,
                        java.util.Map.of("permission", "platform_admin"));
            }
            throw ApiException.forbidden("permission_denied", "the operator API needs a super-admin key");
        }
        request.setProperty(CALLER, caller);
        boolean secure = request.getSecurityContext().isSecure();
        request.setSecurityContext(new SecurityContext() {
            @Override
            public Principal getUserPrincipal() {
                return caller;
            }

            @Override
            public boolean isUserInRole(String role) {
                return caller.role().wire().equals(role);
            }

            @Override
            public boolean isSecure() {
                return secure;
            }

            @Override
            public String getAuthenticationScheme() {
                return "Bearer";
            }
        });
    }

    private static ApiException unauthorized(String code, String message) {
        return ApiException.unauthorized(code, message);
    }

    /** The caller of the current request; resources are never reached without one unless public. */
    public static Caller caller(SecurityContext sc) {
        if (sc == null || !(sc.getUserPrincipal() instanceof Caller c)) {
            throw ApiException.unauthorized("missing_credentials", "send an API key as Authorization: Bearer <key>");
        }
        return c;
    }
}
