package io.channelhub.hub.web.api;

import io.dropwizard.auth.Auth;
import io.channelhub.hub.limits.Quotas;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonNaming;
import io.channelhub.hub.acl.AccessControl;
import io.channelhub.hub.web.Page;
import io.channelhub.hub.audit.AuditLog;
import io.channelhub.hub.identity.Caller;
import io.channelhub.hub.identity.Permission;
import io.channelhub.hub.errors.ApiException;
import io.channelhub.hub.web.TenantScope;
import jakarta.validation.constraints.NotNull;
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
import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * Quotas: the operator sets them per tenant ({@code /admin/tenants/{tenantId}/quotas}); a tenant's admins see
 * where they stand ({@code /v1/quotas}). Plans (billing) will set default quotas through the same service.
 */
@Produces(MediaType.APPLICATION_JSON)
@Consumes(MediaType.APPLICATION_JSON)
public class QuotasResource {

    protected final Quotas quotas;
    protected final AccessControl access;

    public QuotasResource(Quotas quotas, AccessControl access) {
        this.quotas = quotas;
        this.access = access;
    }

    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record QuotaView(String id, String usageType, String period, long limit, String mode,
                            List<Integer> thresholds, long used, Instant periodStart, Instant resetsAt) {
        static QuotaView of(Quotas.Status s) {
            Quotas.Quota q = s.quota();
            return new QuotaView(q.id(), q.usageType(), q.period(), q.limit(), q.mode(), q.thresholds(), s.used(),
                    s.periodStart(), s.resetsAt());
        }
    }

    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    public record CreateQuota(String usageType, String period, Long limit, String mode, List<Integer> thresholds) {
    }

    @GET
    public Page<QuotaView> list(@Auth Caller c, @Context TenantScope scope) {
        String tenantId = scope.tenantId();
        access.require(c, tenantId, Permission.USAGE_READ);
        return Page.all(quotas.list(tenantId).stream().map(quotas::status).map(QuotaView::of).toList());
    }

    /** The operator's, under {@code /admin/tenants/{tenantId}/quotas}: also sets and removes quotas. */
    public static final class Managed extends QuotasResource {
        private final AuditLog audit;

        public Managed(Quotas quotas, AccessControl access, AuditLog audit) {
            super(quotas, access);
            this.audit = audit;
        }

        @POST
        public Response create(@Auth Caller c, @Context TenantScope scope, @NotNull CreateQuota body) {
            String tenantId = scope.tenantId();
            access.require(c, tenantId, Permission.PLATFORM_ADMIN);
            Quotas.Quota q = quotas.create(tenantId, body.usageType(), body.period(),
                    body.limit() == null ? -1 : body.limit(), body.mode() == null ? "hard" : body.mode(),
                    body.thresholds());
            audit.success(c, tenantId, "quota.create", "quota", q.id(), Map.of("usage_type", q.usageType(),
                    "period", q.period(), "limit", q.limit(), "mode", q.mode()));
            return Response.status(201).entity(QuotaView.of(quotas.status(q))).build();
        }

        /** Changes a quota's limit, mode or thresholds; its type and period stay. */
        @jakarta.ws.rs.PATCH
        @Path("/{quotaId}")
        public QuotaView update(@Auth Caller c, @Context TenantScope scope, @PathParam("quotaId") String id,
                                @NotNull CreateQuota body) {
            String tenantId = scope.tenantId();
            access.require(c, tenantId, Permission.PLATFORM_ADMIN);
            if (body.usageType() != null || body.period() != null) {
                throw ApiException.unprocessable("invalid_quota", "a quota's usage type and period do not change: "
                        + "remove it and set a new one", Map.of("field", body.usageType() != null ? "usage_type"
                        : "period"));
            }
            Quotas.Quota q = quotas.update(tenantId, id, body.limit(), body.mode(), body.thresholds())
                    .orElseThrow(() -> ApiException.notFound("quota"));
            audit.success(c, tenantId, "quota.update", "quota", q.id(), Map.of("usage_type", q.usageType(),
                    "period", q.period(), "limit", q.limit(), "mode", q.mode()));
            return QuotaView.of(quotas.status(q));
        }

        @DELETE
        @Path("/{quotaId}")
        public Response delete(@Auth Caller c, @Context TenantScope scope, @PathParam("quotaId") String id) {
            String tenantId = scope.tenantId();
            access.require(c, tenantId, Permission.PLATFORM_ADMIN);
            if (!quotas.delete(tenantId, id)) {
                throw ApiException.notFound("quota");
            }
            audit.success(c, tenantId, "quota.delete", "quota", id, Map.of());
            return Response.noContent().build();
        }
    }
}
