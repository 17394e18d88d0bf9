package io.channelhub.hub.web.api;

import io.dropwizard.auth.Auth;
import io.channelhub.hub.agents.Agent;
import io.channelhub.hub.agents.AgentService;
import io.channelhub.hub.agents.AgentSpec;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonNaming;
import io.channelhub.hub.acl.AccessControl;
import io.channelhub.hub.acl.ResourceDirectory;
import io.channelhub.hub.acl.ResourcePermission;
import io.channelhub.hub.acl.ResourceType;
import io.channelhub.hub.acl.GrantRepository;
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
import jakarta.ws.rs.PATCH;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.math.BigDecimal;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** Agents of a tenant, under the resource ACL. */
@Produces(MediaType.APPLICATION_JSON)
@Consumes(MediaType.APPLICATION_JSON)
public class AgentsResource {

    private final AgentService agents;
    private final GrantRepository grants;
    private final AccessControl access;
    private final AuditLog audit;
    private final ObjectMapper json;
    private final ResourceDirectory resources;

    public AgentsResource(AgentService agents, GrantRepository grants, AccessControl access,
                          AuditLog audit, ObjectMapper json, ResourceDirectory resources) {
        this.resources = resources;
        this.agents = agents;
        this.grants = grants;
        this.access = access;
        this.audit = audit;
        this.json = json;
    }

    /** Create and update body: the agent's fields, flat, as integrators know them from OpenAI. */
    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    public record AgentBody(String slug, String name, String provider, String model, String api,
                            String instructions, BigDecimal temperature, BigDecimal topP, Integer maxOutputTokens,
                            List<JsonNode> tools, JsonNode responseFormat, AgentSpec.Knowledge knowledge,
                            AgentSpec.History history, Integer maxToolRounds, List<AgentSpec.Fallback> fallbacks,
                            AgentSpec.Handoff handoff, String promptId, Integer promptVersion, Boolean isDefault) {
        AgentSpec spec() {
            return new AgentSpec(provider, model, api, instructions, temperature, topP, maxOutputTokens, tools,
                    responseFormat, knowledge, history, maxToolRounds, fallbacks, handoff);
        }
    }

    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    @JsonInclude(JsonInclude.Include.ALWAYS)
    public record AgentView(String id, String slug, String name, String provider, String model, String api,
                            String instructions, BigDecimal temperature, BigDecimal topP, Integer maxOutputTokens,
                            List<JsonNode> tools, JsonNode responseFormat, AgentSpec.Knowledge knowledge,
                            AgentSpec.History history, Integer maxToolRounds, List<AgentSpec.Fallback> fallbacks,
                            AgentSpec.Handoff handoff, String promptId, Integer promptVersion, boolean isDefault,
                            String ownerPrincipalId,
                            int version, Instant createdAt, Instant updatedAt) {
        static AgentView of(Agent a) {
            AgentSpec s = a.spec();
            return new AgentView(a.id(), a.slug(), a.name(), s.provider(), s.model(), s.api(), s.instructions(),
                    s.temperature(), s.topP(), s.maxOutputTokens(), s.tools(), s.responseFormat(), s.knowledge(),
                    s.history(), s.maxToolRounds(), s.fallbacks() == null ? List.of() : s.fallbacks(), s.handoffSettings(), a.promptId(), a.promptVersion(), a.isDefault(),
                    a.ownerPrincipalId(), a.version(), a.createdAt(), a.updatedAt());
        }
    }

    /**
     * The hub's stores an agent retrieves from must be the tenant's, and readable by whoever points the agent at
     * them: anyone who may chat with the agent reads their passages through it. (In file_search mode the ids are the
     * model provider's hosted stores, which the hub cannot see.)
     */
    private void checkStores(Caller c, String tenantId, AgentSpec.Knowledge knowledge) {
        if (knowledge == null || knowledge.vectorStoreIds() == null
                || AgentSpec.Knowledge.FILE_SEARCH.equals(knowledge.mode())) {
            return;
        }
        for (String id : knowledge.vectorStoreIds()) {
            if (id == null || id.isBlank()) {
                continue; // the spec's own validation names it
            }
            ResourceDirectory.ResourceRef store = resources.find(tenantId, ResourceType.VECTOR_STORE, id)
                    .orElseThrow(() -> ApiException.unprocessable("invalid_agent", "the agent is invalid",
                            Map.of("errors", Map.of("knowledge.vector_store_ids", "no vector store " + id
                                    + " in this tenant"))));
            access.require(c, tenantId, store, ResourcePermission.READ);
        }
    }

    static ResourceDirectory.ResourceRef ref(Agent a) {
        return new ResourceDirectory.ResourceRef(ResourceType.AGENT, a.id(), a.ownerPrincipalId());
    }

    @GET
    public Page<AgentView> list(@Auth Caller c, @Context TenantScope scope) {
        String tenantId = scope.tenantId();
        return Page.all(access.readable(c, tenantId, agents.list(tenantId), AgentsResource::ref, AgentView::of));
    }

    @POST
    public Response create(@Auth Caller c, @Context TenantScope scope, @NotNull AgentBody body) {
        String tenantId = scope.tenantId();
        access.require(c, tenantId, Permission.RESOURCES_CREATE);
        if (body.slug() == null || body.name() == null || body.name().isBlank() || body.name().length() > 200) {
            throw ApiException.unprocessable("validation_failed", "slug and name (1-200 characters) are required",
                    Map.of("errors", List.of(Map.of("field", body.slug() == null ? "slug" : "name",
                            "message", "required"))));
        }
        checkStores(c, tenantId, body.knowledge());
        Agent a = agents.create(tenantId, body.slug(), body.name(), body.spec(), body.promptId(),
                body.promptVersion(), Boolean.TRUE.equals(body.isDefault()), c.principalId());
        audit.success(c, tenantId, "agent.create", ResourceType.AGENT.wire(), a.id(),
                Map.of("slug", a.slug(), "model", a.spec().model(), "provider", a.spec().provider()));
        return Response.status(201).entity(AgentView.of(a)).build();
    }

    @GET
    @Path("/{agentId}")
    public AgentView get(@Auth Caller c, @Context TenantScope scope, @PathParam("agentId") String id) {
        String tenantId = scope.tenantId();
        Agent a = agents.get(tenantId, id);
        access.require(c, tenantId, ref(a), ResourcePermission.READ);
        return AgentView.of(a);
    }

    @PATCH
    @Path("/{agentId}")
    public AgentView update(@Auth Caller c, @Context TenantScope scope, @PathParam("agentId") String id,
                            @NotNull JsonNode raw) throws JsonProcessingException {
        String tenantId = scope.tenantId();
        Agent a = agents.get(tenantId, id);
        access.require(c, tenantId, ref(a), ResourcePermission.UPDATE);
        if (!raw.isObject()) {
            throw ApiException.badRequest("invalid_json", "request body must be a JSON object");
        }
        AgentBody body = json.treeToValue(raw, AgentBody.class);
        checkStores(c, tenantId, body.knowledge());
        boolean clearPrompt = raw.has("prompt_id") && raw.get("prompt_id").isNull();
        Agent next = agents.update(a, body.slug(), body.name(), body.spec(), body.promptId(), body.promptVersion(),
                clearPrompt, body.isDefault());
        List<String> changed = new ArrayList<>();
        raw.fieldNames().forEachRemaining(changed::add);
        audit.success(c, tenantId, "agent.update", ResourceType.AGENT.wire(), id, Map.of("fields", changed));
        return AgentView.of(next);
    }

    @DELETE
    @Path("/{agentId}")
    public Response delete(@Auth Caller c, @Context TenantScope scope, @PathParam("agentId") String id) {
        String tenantId = scope.tenantId();
        Agent a = agents.get(tenantId, id);
        access.require(c, tenantId, ref(a), ResourcePermission.DELETE);
        agents.delete(a);
        grants.deleteForResource(tenantId, ResourceType.AGENT, id);
        audit.success(c, tenantId, "agent.delete", ResourceType.AGENT.wire(), id, Map.of("slug", a.slug()));
        return Response.noContent().build();
    }
}
