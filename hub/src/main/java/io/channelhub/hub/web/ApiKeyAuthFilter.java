package io.channelhub.hub.web;

import io.channelhub.hub.auth.ApiKey;
import io.channelhub.hub.auth.ApiKeyService;
import io.channelhub.hub.auth.CredentialCache;
import io.channelhub.hub.identity.Caller;
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

    /** Console sessions: a request without an Authorization header may present the console's session cookie. */
    private final io.channelhub.hub.console.ConsoleSessions sessions;

    public ApiKeyAuthFilter(ApiKeyService keys, TenantRepository tenants, io.channelhub.hub.audit.AuditLog audit,
                            CredentialCache cache, io.channelhub.hub.console.ConsoleSessions sessions) {
        this.sessions = sessions;
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
        if ((header == null || header.isBlank())
                && SessionCookies.token(request.getCookies()) != null) {
            fromSession(request);
            return;
        }
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
        establish(request, new Caller(key.id(), key.principalId(), key.tenantId(), key.role(), key.name()), "Bearer");
    }

    /**
     * The console's cookie. A change (any method but GET, HEAD, OPTIONS) must also carry the session's CSRF token and,
     * when the browser names one, come from this hub's own origin: a cookie alone never changes anything.
     */
    private void fromSession(ContainerRequestContext request) {
        String token = SessionCookies.token(request.getCookies());
        io.channelhub.hub.console.ConsoleSessions.Session s = sessions.resolve(token).orElseThrow(() ->
                unauthorized("session_expired", "the console session has ended: sign in again"));
        String method = request.getMethod();
        if (!method.equals("GET") && !method.equals("HEAD") && !method.equals("OPTIONS")) {
            if (!io.channelhub.hub.console.ConsoleSessions.csrfMatches(s,
                    request.getHeaderString(io.channelhub.hub.console.ConsoleSessions.CSRF_HEADER))) {
                throw ApiException.forbidden("csrf_failed", "a console change needs the session's X-CSRF-Token");
            }
            // The hub's own origin: as Jetty sees it (honouring forwarded headers when configured) or as the Host.
            String origin = request.getHeaderString("Origin");
            String host = request.getHeaderString(HttpHeaders.HOST);
            java.net.URI base = request.getUriInfo().getBaseUri();
            String self = base.getPort() < 0 ? base.getHost() : base.getHost() + ":" + base.getPort();
            if (origin != null && !sameAuthority(origin, self) && (host == null || !sameAuthority(origin, host))) {
                throw ApiException.forbidden("csrf_failed", "a console change must come from the console's origin");
            }
        }
        if (s.caller().tenantId() != null) {
            MDC.put("tenant_id", s.caller().tenantId());
        }
        request.setProperty(io.channelhub.hub.console.ConsoleSessions.class.getName(), s);
        establish(request, s.caller(), "Session");
    }

    private static boolean sameAuthority(String origin, String host) {
        try {
            java.net.URI o = java.net.URI.create(origin);
            String authority = o.getPort() < 0 ? o.getHost() : o.getHost() + ":" + o.getPort();
            return authority != null && authority.equalsIgnoreCase(host);
        } catch (IllegalArgumentException e) {
            return false;
        }
    }

    private void establish(ContainerRequestContext request, Caller caller, String scheme) {
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
                return scheme;
            }
        });
    }

    private static ApiException unauthorized(String code, String message) {
        return ApiException.unauthorized(code, message);
    }
}
