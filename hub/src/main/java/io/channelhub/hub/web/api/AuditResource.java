package io.channelhub.hub.web.api;

import io.dropwizard.auth.Auth;
import io.channelhub.hub.audit.AuditEntry;
import io.channelhub.hub.audit.AuditLog;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonNaming;
import io.channelhub.hub.acl.AccessControl;
import io.channelhub.hub.web.Page;
import io.channelhub.hub.identity.Caller;
import io.channelhub.hub.identity.Permission;
import io.channelhub.hub.errors.ApiException;
import io.channelhub.hub.web.TenantScope;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/** The audit log: a tenant's admins read their tenant's entries; the operator reads everything. */
@Produces(MediaType.APPLICATION_JSON)
public class AuditResource {

    protected final AuditLog audit;
    protected final AccessControl access;

    public AuditResource(AuditLog audit, AccessControl access) {
        this.audit = audit;
        this.access = access;
    }

    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    public record EntryView(long id, String tenantId, String actorKeyId, String actorRole, String action,
                            String resourceType, String resourceId, String outcome, Map<String, Object> summary,
                            String traceId, Instant createdAt) {
        static EntryView of(AuditEntry e) {
            return new EntryView(e.id(), e.tenantId(), e.actorKeyId(), e.actorRole(), e.action(), e.resourceType(),
                    e.resourceId(), e.outcome(), e.summary(), e.traceId(), e.createdAt());
        }
    }

    static Long cursor(String before) {
        if (before == null) {
            return null;
        }
        try {
            return Long.parseLong(before);
        } catch (NumberFormatException e) {
            throw ApiException.unprocessable("invalid_cursor", "before must be a cursor from a previous page",
                    Map.of("field", "before"));
        }
    }

    static Page<EntryView> page(List<AuditEntry> rows, int limit) {
        return Page.of(rows.stream().map(EntryView::of).toList(), limit, e -> Long.toString(e.id()));
    }

    /**
     * A tenant's entries (under {@code /v1} and {@code /admin/tenants/{tenantId}}), or under {@code /admin/audit}
     * every entry, platform actions included.
     */
    @GET
    public Page<EntryView> list(@Auth Caller c, @Context TenantScope scope,
                                @QueryParam("before") String before, @QueryParam("limit") Integer limit) {
        String tenantId = scope.tenantId();
        access.require(c, tenantId, scope.isPlatform() ? Permission.PLATFORM_ADMIN : Permission.AUDIT_READ);
        int n = Page.limit(limit);
        return page(audit.list(tenantId, scope.isPlatform(), cursor(before), n + 1), n);
    }
}
