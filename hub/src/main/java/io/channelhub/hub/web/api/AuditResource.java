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
import io.channelhub.hub.web.TenantScopes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.UriInfo;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/** The audit log: a tenant's admins read their tenant's entries; the operator reads everything. */
@Produces(MediaType.APPLICATION_JSON)
public abstract class AuditResource {

    protected final AuditLog audit;
    protected final AccessControl access;

    protected AuditResource(AuditLog audit, AccessControl access) {
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

    /** A tenant's entries. */
    @Path("/v1/audit")
    public static class Own extends AuditResource {
        private final TenantScopes scopes;

        public Own(AuditLog audit, AccessControl access, TenantScopes scopes) {
            super(audit, access);
            this.scopes = scopes;
        }

        @GET
        public Page<EntryView> list(@Auth Caller c, @Context UriInfo uri,
                                    @QueryParam("before") String before, @QueryParam("limit") Integer limit) {
            String tenantId = scopes.resolve(c, uri);
            access.require(c, tenantId, Permission.AUDIT_READ);
            int n = Page.limit(limit);
            return page(audit.list(tenantId, false, cursor(before), n + 1), n);
        }
    }

    /** Any tenant's entries, for the operator. */
    @Path("/admin/tenants/{tenantId}/audit")
    public static class OfTenant extends Own {
        public OfTenant(AuditLog audit, AccessControl access, TenantScopes scopes) {
            super(audit, access, scopes);
        }
    }

    /** Every entry, including platform actions, for the operator. */
    @Path("/admin/audit")
    public static class Platform extends AuditResource {
        public Platform(AuditLog audit, AccessControl access) {
            super(audit, access);
        }

        @GET
        public Page<EntryView> list(@Auth Caller c, @QueryParam("before") String before,
                                    @QueryParam("limit") Integer limit) {
            access.require(c, null, Permission.PLATFORM_ADMIN);
            int n = Page.limit(limit);
            return page(audit.list(null, true, cursor(before), n + 1), n);
        }
    }
}
