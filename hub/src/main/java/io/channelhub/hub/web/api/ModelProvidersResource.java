package io.channelhub.hub.web.api;

import io.dropwizard.auth.Auth;
import io.channelhub.hub.llm.ModelGateway;
import io.channelhub.hub.llm.ProviderConfigs;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonNaming;
import io.channelhub.hub.acl.AccessControl;
import io.channelhub.hub.web.Page;
import io.channelhub.hub.audit.AuditLog;
import io.channelhub.hub.identity.Caller;
import io.channelhub.hub.identity.Permission;
import io.channelhub.hub.errors.ApiException;
import io.channelhub.hub.security.SealedValues;
import io.channelhub.hub.web.TenantScope;
import jakarta.validation.constraints.NotNull;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.PUT;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.util.List;
import java.util.Map;

/**
 * A tenant's own credentials per model provider (its OpenAI key, its Ollama URL). Without them the operator's
 * global settings apply, and without those the demo provider answers.
 */
@Path("/v1/model-providers")
@Produces(MediaType.APPLICATION_JSON)
@Consumes(MediaType.APPLICATION_JSON)
public class ModelProvidersResource {

    private final ModelGateway gateway;
    private final ProviderConfigs configs;
    private final AccessControl access;
    private final AuditLog audit;

    public ModelProvidersResource(ModelGateway gateway, ProviderConfigs configs, AccessControl access, AuditLog audit) {
        this.gateway = gateway;
        this.configs = configs;
        this.access = access;
        this.audit = audit;
    }

    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    public record ProviderView(String id, boolean demo, List<PluginViews.SettingView> settingsSchema,
                               Map<String, Object> settings) {
    }

    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    public record PutSettings(@NotNull Map<String, Object> settings) {
    }

    private ProviderView view(String tenantId, String id) {
        return new ProviderView(id, gateway.isDemo(tenantId, id),
                PluginViews.schema(gateway.provider(id).settingsSchema()),
                SealedValues.masked(configs.stored(tenantId, id).orElse(Map.of())));
    }

    @GET
    public Page<ProviderView> list(@Auth Caller c, @Context TenantScope scope) {
        String tenantId = scope.tenantId();
        access.require(c, tenantId, Permission.TENANT_READ);
        return Page.all(gateway.providerIds().stream().map(id -> view(tenantId, id)).toList());
    }

    @GET
    @Path("/{providerId}")
    public ProviderView get(@Auth Caller c, @Context TenantScope scope, @PathParam("providerId") String id) {
        String tenantId = scope.tenantId();
        access.require(c, tenantId, Permission.TENANT_READ);
        return view(tenantId, id);
    }

    @PUT
    @Path("/{providerId}")
    public ProviderView put(@Auth Caller c, @Context TenantScope scope, @PathParam("providerId") String id,
                            @NotNull PutSettings body) {
        String tenantId = scope.tenantId();
        access.require(c, tenantId, Permission.TENANT_UPDATE);
        if (body.settings() == null) {
            throw ApiException.unprocessable("invalid_settings", "settings are required", Map.of("field", "settings"));
        }
        configs.put(tenantId, id, gateway.provider(id).settingsSchema(), body.settings());
        audit.success(c, tenantId, "model_provider.configure", "model_provider", id,
                Map.of("settings_changed", body.settings().keySet().stream().sorted().toList()));
        return view(tenantId, id);
    }

    @DELETE
    @Path("/{providerId}")
    public Response delete(@Auth Caller c, @Context TenantScope scope, @PathParam("providerId") String id) {
        String tenantId = scope.tenantId();
        access.require(c, tenantId, Permission.TENANT_UPDATE);
        gateway.provider(id);
        if (!configs.delete(tenantId, id)) {
            throw ApiException.notFound("provider configuration");
        }
        audit.success(c, tenantId, "model_provider.reset", "model_provider", id, Map.of());
        return Response.noContent().build();
    }
}
