package io.channelhub.hub.web.auth;

import io.channelhub.hub.audit.AuditLog;
import io.channelhub.hub.errors.ApiException;
import io.channelhub.hub.identity.Caller;
import jakarta.annotation.Priority;
import jakarta.ws.rs.Priorities;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.container.ContainerRequestFilter;
import java.util.Map;
import java.util.Optional;
import org.slf4j.MDC;

/**
 * Right after authentication, before rate limits and before a body is read: the log context names the caller's
 * tenant, and the operator API ({@code /admin/...}) as a whole refuses anyone but a super-admin, so a tenant key
 * learns nothing there.
 */
@Priority(Priorities.AUTHENTICATION + 100)
final class CallerFilter implements ContainerRequestFilter {

    private final AuditLog audit;

    CallerFilter(AuditLog audit) {
        this.audit = audit;
    }

    @Override
    public void filter(ContainerRequestContext request) {
        Optional<Caller> found = Authentication.caller(request);
        if (found.isEmpty()) {
            return;
        }
        Caller caller = found.get();
        if (caller.tenantId() != null) {
            MDC.put("tenant_id", caller.tenantId());
        }
        if (!caller.isSuperAdmin() && request.getUriInfo().getPath().startsWith("admin")) {
            audit.denied(caller, caller.tenantId(), "access.denied", null, null,
                    Map.of("permission", "platform_admin"));
            throw ApiException.forbidden("permission_denied", "the operator API needs a super-admin key");
        }
    }
}
