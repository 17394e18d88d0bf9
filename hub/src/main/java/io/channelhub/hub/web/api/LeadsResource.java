package io.channelhub.hub.web.api;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonNaming;
import io.channelhub.hub.acl.AccessControl;
import io.channelhub.hub.acl.ResourceDirectory;
import io.channelhub.hub.acl.ResourcePermission;
import io.channelhub.hub.acl.ResourceType;
import io.channelhub.hub.audit.AuditLog;
import io.channelhub.hub.errors.ApiException;
import io.channelhub.hub.identity.Caller;
import io.channelhub.hub.identity.Permission;
import io.channelhub.hub.leads.Lead;
import io.channelhub.hub.leads.LeadBook;
import io.channelhub.hub.leads.LeadView;
import io.channelhub.hub.web.Page;
import io.channelhub.hub.web.TenantScope;
import io.dropwizard.auth.Auth;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.PATCH;
import jakarta.ws.rs.PUT;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The tenant's sales leads ({@code /v1/leads}): what a leads plugin found in conversations, on a board of pipeline
 * stages. Reading needs {@code resources_read}; moving a lead or giving it an owner needs {@code update} on it (a tenant
 * admin, its owner, or a grant); the qualification threshold is the tenant's setting ({@code tenant_update}).
 */
@Produces(MediaType.APPLICATION_JSON)
@Consumes(MediaType.APPLICATION_JSON)
public class LeadsResource {

    private final LeadBook leads;
    private final AccessControl access;
    private final AuditLog audit;
    private final ObjectMapper json;
    /** The model providers a tenant may choose for reading its conversations. */
    private final java.util.function.Supplier<java.util.Set<String>> providers;

    public LeadsResource(LeadBook leads, AccessControl access, AuditLog audit, ObjectMapper json,
                         java.util.function.Supplier<java.util.Set<String>> providers) {
        this.providers = providers;
        this.leads = leads;
        this.access = access;
        this.audit = audit;
        this.json = json;
    }

    /** A change of a lead: its stage, and {@code owner: "me"} to take it. */
    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    public record LeadChange(String stage, String owner) {
    }

    /**
     * The tenant's lead settings: the qualification threshold, and the model that reads its conversations for leads
     * ({@code model_provider} and {@code model}, both null: the plugin's rule set).
     */
    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    @com.fasterxml.jackson.annotation.JsonInclude(com.fasterxml.jackson.annotation.JsonInclude.Include.ALWAYS)
    public record Settings(Integer qualifyAt, String modelProvider, String model) {
        static Settings of(LeadBook.Settings s) {
            return new Settings(s.qualifyAt(), s.modelProvider(), s.model());
        }
    }

    static ResourceDirectory.ResourceRef ref(Lead l) {
        return new ResourceDirectory.ResourceRef(ResourceType.LEAD, l.id(), l.ownerPrincipalId());
    }

    /**
     * The board: leads most recently changed first, of one stage or all, a page at a time ({@code next_cursor} as
     * {@code after}). A page holds the leads the caller may read among {@code limit} rows, so a caller with a grant
     * on some leads only may get short pages before the last.
     */
    @GET
    public Page<LeadView> list(@Auth Caller c, @Context TenantScope scope, @QueryParam("stage") String stage,
                               @QueryParam("after") String after, @QueryParam("limit") Integer limit) {
        String tenantId = scope.tenantId();
        access.require(c, tenantId, Permission.RESOURCES_READ);
        if (stage != null && !LeadBook.STAGES.contains(stage)) {
            throw ApiException.unprocessable("invalid_field", "stage is one of " + LeadBook.STAGES,
                    Map.of("field", "stage"));
        }
        int n = Page.limit(limit);
        Page.TimeCursor from = Page.TimeCursor.parse(after);
        java.util.List<Lead> rows = leads.list(tenantId, stage, from == null ? null : from.at(),
                from == null ? null : from.id(), n + 1);
        java.util.List<Lead> page = rows.size() > n ? rows.subList(0, n) : rows;
        // The cursor is the last row read, readable or not, so the next page starts after it.
        String next = rows.size() > n ? Page.TimeCursor.format(page.get(n - 1).updatedAt(), page.get(n - 1).id())
                : null;
        return new Page<>(access.readable(c, tenantId, page, LeadsResource::ref, LeadView::of), next);
    }

    @GET
    @Path("/settings")
    public Settings settings(@Auth Caller c, @Context TenantScope scope) {
        access.require(c, scope.tenantId(), Permission.RESOURCES_READ);
        return Settings.of(leads.settings(scope.tenantId()));
    }

    /** Changes the fields the body names; the others keep their value ({@code null} clears the model). */
    @PUT
    @Path("/settings")
    public Settings putSettings(@Auth Caller c, @Context TenantScope scope, String body)
            throws JsonProcessingException {
        String tenantId = scope.tenantId();
        access.require(c, tenantId, Permission.TENANT_UPDATE);
        com.fasterxml.jackson.databind.JsonNode given = io.channelhub.hub.web.StrictJson.readAuthorised(json, body,
                com.fasterxml.jackson.databind.JsonNode.class);
        if (given == null || !given.isObject() || given.isEmpty()) {
            throw ApiException.unprocessable("invalid_body", "name qualify_at, model_provider or model",
                    Map.of());
        }
        // Read as the record too: an unknown field or a value of the wrong type fails as every body does.
        Settings s = json.treeToValue(given, Settings.class);
        if (given.has("qualify_at") && s.qualifyAt() == null) {
            throw ApiException.unprocessable("invalid_field", "qualify_at is 0 to 100", Map.of("field", "qualify_at"));
        }
        if (given.has("model_provider") && s.modelProvider() != null
                && !providers.get().contains(s.modelProvider())) {
            throw ApiException.unprocessable("unknown_provider", "model_provider is one of " + providers.get(),
                    Map.of("field", "model_provider"));
        }
        LeadBook.Settings changed = leads.update(tenantId, now -> new LeadBook.Settings(
                s.qualifyAt() != null ? s.qualifyAt() : now.qualifyAt(),
                given.has("model_provider") ? s.modelProvider() : now.modelProvider(),
                given.has("model") ? s.model() : now.model()));
        Map<String, Object> details = new java.util.LinkedHashMap<>();
        details.put("qualify_at", changed.qualifyAt());
        details.put("model_provider", changed.modelProvider());
        details.put("model", changed.model());
        audit.success(c, tenantId, "lead.settings", "tenant", tenantId, details);
        return Settings.of(changed);
    }

    @GET
    @Path("/{leadId}")
    public LeadView get(@Auth Caller c, @Context TenantScope scope, @PathParam("leadId") String id) {
        return LeadView.of(load(c, scope.tenantId(), id, ResourcePermission.READ));
    }

    @PATCH
    @Path("/{leadId}")
    public LeadView update(@Auth Caller c, @Context TenantScope scope, @PathParam("leadId") String id,
                           String body) throws JsonProcessingException {
        String tenantId = scope.tenantId();
        Lead l = load(c, tenantId, id, ResourcePermission.UPDATE);
        LeadChange change = io.channelhub.hub.web.StrictJson.readAuthorised(json, body, LeadChange.class);
        if (change == null || (change.stage() == null && change.owner() == null)) {
            throw ApiException.unprocessable("invalid_field", "change stage or owner", Map.of("field", "stage"));
        }
        if (change.owner() != null && !"me".equals(change.owner())) {
            throw ApiException.unprocessable("invalid_field", "owner is \"me\": a person takes a lead themselves",
                    Map.of("field", "owner"));
        }
        Lead after = leads.update(l, change.stage(), change.owner() == null ? null : c.principalId());
        Map<String, Object> summary = new LinkedHashMap<>();
        summary.put("from", l.stage());
        summary.put("to", after.stage());
        if (change.owner() != null) {
            summary.put("owner", c.principalId());
        }
        audit.success(c, tenantId, "lead.update", ResourceType.LEAD.wire(), id, summary);
        return LeadView.of(after);
    }

    @DELETE
    @Path("/{leadId}")
    public Response delete(@Auth Caller c, @Context TenantScope scope, @PathParam("leadId") String id) {
        String tenantId = scope.tenantId();
        Lead l = load(c, tenantId, id, ResourcePermission.DELETE);
        leads.delete(l);
        audit.success(c, tenantId, "lead.delete", ResourceType.LEAD.wire(), id, Map.of());
        return Response.noContent().build();
    }

    private Lead load(Caller c, String tenantId, String id, ResourcePermission need) {
        Lead l = leads.find(tenantId, id).orElseThrow(() -> ApiException.notFound("lead"));
        access.require(c, tenantId, ref(l), need);
        return l;
    }
}
