package io.channelhub.hub.web.api;

import io.dropwizard.auth.Auth;
import io.channelhub.hub.privacy.ContentRedaction;
import io.channelhub.hub.privacy.PrivacyRequests;
import io.channelhub.hub.privacy.PrivacySettings;
import io.channelhub.hub.privacy.Retention;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonNaming;
import io.channelhub.hub.acl.AccessControl;
import io.channelhub.hub.audit.AuditLog;
import io.channelhub.hub.identity.Caller;
import io.channelhub.hub.identity.Permission;
import io.channelhub.hub.errors.ApiException;
import io.channelhub.hub.web.TenantScope;
import jakarta.validation.constraints.NotNull;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.PUT;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.time.Clock;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;

/**
 * A tenant's privacy: settings (jurisdiction, retention, redaction), data-subject requests and their archives,
 * retention runs (or dry runs) and the redaction report. Tenant admins (and the operator, on any tenant).
 */
@Produces(MediaType.APPLICATION_JSON)
@Consumes(MediaType.APPLICATION_JSON)
public class PrivacyResource {

    private final PrivacySettings settings;
    private final PrivacyRequests requests;
    private final Retention retention;
    private final ContentRedaction redaction;
    private final AccessControl access;
    private final AuditLog audit;
    private final Clock clock;

    public PrivacyResource(PrivacySettings settings, PrivacyRequests requests, Retention retention,
                           ContentRedaction redaction, AccessControl access, AuditLog audit,
                           Clock clock) {
        this.settings = settings;
        this.requests = requests;
        this.retention = retention;
        this.redaction = redaction;
        this.access = access;
        this.audit = audit;
        this.clock = clock;
    }

    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    public record SettingsInput(String jurisdiction, Map<String, Integer> retentionDays,
                                PrivacySettings.Redaction redaction) {
    }

    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    public record RequestInput(@NotNull String type, @NotNull String subject) {
    }

    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    public record RetentionInput(Boolean dryRun) {
    }

    private String tenant(Caller c, TenantScope scope, Permission need) {
        String tenantId = scope.tenantId();
        access.require(c, tenantId, need);
        return tenantId;
    }

    @GET
    @Path("/settings")
    public Map<String, Object> getSettings(@Auth Caller caller, @Context TenantScope scope) {
        String t = tenant(caller, scope, Permission.AUDIT_READ);
        return view(t);
    }

    @PUT
    @Path("/settings")
    public Map<String, Object> putSettings(@Auth Caller caller, @Context TenantScope scope,
                                           @NotNull SettingsInput body) {
        String t = tenant(caller, scope, Permission.TENANT_UPDATE);
        settings.put(t, body.jurisdiction(), body.retentionDays(), body.redaction());
        audit.success(caller, t, "privacy.settings", "tenant", t, Map.of());
        return view(t);
    }

    private Map<String, Object> view(String t) {
        PrivacySettings.Settings s = settings.get(t);
        Map<String, Object> effective = new java.util.LinkedHashMap<>();
        settings.retention(t).forEach((k, v) -> effective.put(k.name().toLowerCase(java.util.Locale.ROOT),
                v.toDays()));
        return Map.of("jurisdiction", s.jurisdiction(), "retention_days", s.retentionDays(), "redaction",
                s.redaction(), "effective_retention_days", effective);
    }

    @POST
    @Path("/requests")
    public Response create(@Auth Caller caller, @Context TenantScope scope, @NotNull RequestInput body) {
        String t = tenant(caller, scope, Permission.TENANT_UPDATE);
        return Response.status(201).entity(requests.create(caller, t, body.type(),
                body.subject())).build();
    }

    @GET
    @Path("/requests")
    public Map<String, Object> list(@Auth Caller caller, @Context TenantScope scope) {
        return Map.of("data", requests.list(tenant(caller, scope, Permission.AUDIT_READ)));
    }

    @GET
    @Path("/requests/{requestId}")
    public PrivacyRequests.Request get(@Auth Caller caller, @Context TenantScope scope,
                                       @PathParam("requestId") String id) {
        return requests.find(tenant(caller, scope, Permission.AUDIT_READ), id)
                .orElseThrow(() -> ApiException.notFound("privacy request"));
    }

    @GET
    @Path("/requests/{requestId}/archive")
    @Produces("application/zip")
    public Response archive(@Auth Caller caller, @Context TenantScope scope, @PathParam("requestId") String id) {
        String t = tenant(caller, scope, Permission.AUDIT_READ);
        byte[] zip = requests.archive(t, id).orElseThrow(() -> ApiException.notFound("export archive"));
        audit.success(caller, t, "privacy.export_download", "privacy_request", id, Map.of());
        return Response.ok(zip, "application/zip").header("Content-Disposition", "attachment; filename=\"" + id
                + ".zip\"").build();
    }

    @POST
    @Path("/retention/run")
    public Map<String, Object> runRetention(@Auth Caller caller, @Context TenantScope scope, RetentionInput body) {
        String t = tenant(caller, scope, Permission.TENANT_UPDATE);
        boolean dry = body == null || body.dryRun() == null || body.dryRun();
        Map<String, Object> report = retention.run(t, dry);
        if (!dry) {
            audit.success(caller, t, "privacy.retention", "tenant", t, report);
        }
        return Map.of("dry_run", dry, "categories", report);
    }

    @GET
    @Path("/redactions")
    public Map<String, Object> redactions(@Auth Caller caller, @Context TenantScope scope,
                                          @QueryParam("days") Integer days) {
        String t = tenant(caller, scope, Permission.AUDIT_READ);
        int d = days == null ? 30 : days;
        if (d < 1 || d > 366) {
            throw ApiException.unprocessable("invalid_field", "days is 1 to 366", Map.of("field", "days"));
        }
        List<Map<String, Object>> rows = redaction.report(t, LocalDate.ofInstant(clock.instant(), ZoneOffset.UTC)
                .minusDays(d - 1L));
        return Map.of("data", rows);
    }
}
