package io.channelhub.hub.web;

import io.channelhub.hub.errors.ApiException;
import io.channelhub.hub.identity.Caller;
import io.channelhub.hub.tenancy.TenantRepository;
import jakarta.inject.Singleton;
import java.util.function.Function;
import org.glassfish.jersey.internal.inject.AbstractBinder;
import org.glassfish.jersey.server.ContainerRequest;
import org.glassfish.jersey.server.model.Parameter;
import org.glassfish.jersey.server.spi.internal.ValueParamProvider;

/**
 * Resolves a request's {@link TenantScope}, once: under {@code /v1/...} it is the caller's own tenant, from the
 * verified key; under {@code /admin/tenants/{tenantId}/...} it is the path's tenant, which only a super-admin may name
 * and which must exist; under the rest of {@code /admin/...} it is the platform. The same resource classes serve
 * {@code /v1} and {@code /admin/tenants/{tenantId}} (mounted by sub-resource locators), so the scope is the only thing
 * that differs between the two, and it is decided here and nowhere else.
 */
public final class TenantScopes {

    private static final String RESOLVED = TenantScope.class.getName();

    private final TenantRepository tenants;

    public TenantScopes(TenantRepository tenants) {
        this.tenants = tenants;
    }

    /** The request's scope; resolved on first use and kept on the request. */
    public TenantScope of(ContainerRequest request) {
        if (request.getProperty(RESOLVED) instanceof TenantScope known) {
            return known;
        }
        if (!(request.getSecurityContext().getUserPrincipal() instanceof Caller caller)) {
            throw new IllegalStateException("a tenant scope needs an authenticated caller (@Auth Caller)");
        }
        TenantScope scope = resolve(caller, request.getUriInfo().getPathParameters().getFirst("tenantId"),
                request.getUriInfo().getPath().startsWith("admin"));
        request.setProperty(RESOLVED, scope);
        return scope;
    }

    private TenantScope resolve(Caller caller, String pathTenant, boolean operatorRoute) {
        if (operatorRoute && !caller.isSuperAdmin()) {
            // The authentication chain's CallerFilter refuses (and audits) anyone else under /admin before a body is
            // read; getting here means that filter is missing, which must not widen a tenant key's reach.
            throw new IllegalStateException("an operator route reached without a super-admin");
        }
        if (pathTenant != null) {
            tenants.find(pathTenant).orElseThrow(() -> ApiException.notFound("tenant"));
            return new TenantScope(pathTenant);
        }
        if (operatorRoute) {
            return new TenantScope(null);
        }
        if (caller.tenantId() == null) {
            throw ApiException.forbidden("tenant_scope_required",
                    "a platform key acts on a tenant under /admin/tenants/{tenantId}/...");
        }
        return new TenantScope(caller.tenantId());
    }

    /** Makes {@code @Context TenantScope} a resource method parameter. */
    public AbstractBinder binder() {
        ValueParamProvider provider = new ValueParamProvider() {
            @Override
            public Function<ContainerRequest, ?> getValueProvider(Parameter parameter) {
                return parameter.getRawType() == TenantScope.class ? TenantScopes.this::of : null;
            }

            @Override
            public PriorityType getPriority() {
                return Priority.HIGH;
            }
        };
        return new AbstractBinder() {
            @Override
            protected void configure() {
                bind(provider).to(ValueParamProvider.class).in(Singleton.class);
            }
        };
    }
}
