package io.channelhub.hub.web.auth;

import io.channelhub.hub.auth.ApiKeyService;
import io.channelhub.hub.auth.CredentialCache;
import io.channelhub.hub.console.ConsoleSessions;
import io.channelhub.hub.identity.Caller;
import io.channelhub.hub.tenancy.TenantRepository;
import io.channelhub.hub.web.ErrorResponse;
import io.dropwizard.auth.AuthDynamicFeature;
import io.dropwizard.auth.AuthFilter;
import io.dropwizard.auth.AuthValueFactoryProvider;
import io.dropwizard.auth.UnauthorizedHandler;
import io.dropwizard.auth.chained.ChainedAuthFilter;
import jakarta.ws.rs.NotAuthorizedException;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.util.List;
import java.util.Map;
import org.glassfish.jersey.server.ResourceConfig;

/**
 * Who is calling, the Dropwizard way: a chain of {@link AuthFilter}s (an API key in {@code Authorization: Bearer},
 * else the console's session cookie) on every resource method that takes an {@code @Auth Caller}; the caller is that
 * parameter. A method without one is public (a channel webhook, the widget, sign-in) and gets no filter at all.
 *
 * <p>The tenant comes from the verified credential and nothing else: no header or body field a caller controls can
 * name one.
 */
public final class Authentication {

    private Authentication() {
    }

    /** Registers the chain, the {@code @Auth Caller} parameter, and what follows authentication. */
    public static void register(ResourceConfig jersey, ApiKeyService keys, TenantRepository tenants,
                                CredentialCache cache, ConsoleSessions sessions,
                                io.channelhub.hub.audit.AuditLog audit) {
        UnauthorizedHandler missing = new Missing();
        AuthFilter<String, Caller> bearer = new BearerKeyFilter.Builder()
                .setAuthenticator(new ApiKeyAuthenticator(keys, tenants, cache))
                .setAuthorizer(Authentication::hasRole)
                .setPrefix(BearerKeyFilter.SCHEME).setRealm("channelhub")
                .setUnauthorizedHandler(missing).buildAuthFilter();
        AuthFilter<ConsoleSessionFilter.Presented, Caller> session = new ConsoleSessionFilter.Builder()
                .setAuthenticator(new ConsoleSessionFilter.SessionAuthenticator(sessions))
                .setAuthorizer(Authentication::hasRole)
                .setPrefix(BearerKeyFilter.SCHEME).setRealm("channelhub")
                .setUnauthorizedHandler(missing).buildAuthFilter();
        @SuppressWarnings({"rawtypes", "unchecked"})
        List<AuthFilter> chain = List.of(bearer, session);
        jersey.register(new AuthDynamicFeature(new ChainedAuthFilter<>(chain)));
        jersey.register(new AuthValueFactoryProvider.Binder<>(Caller.class));
        jersey.register(new CallerFilter(audit));
    }

    /** The authenticated caller of a request, if the request was authenticated. */
    public static java.util.Optional<Caller> caller(ContainerRequestContext request) {
        return request.getSecurityContext() != null
                && request.getSecurityContext().getUserPrincipal() instanceof Caller c
                ? java.util.Optional.of(c) : java.util.Optional.empty();
    }

    private static boolean hasRole(Caller caller, String role, ContainerRequestContext request) {
        return caller.role().wire().equals(role);
    }

    /** No credential at all: the hub's JSON error, and the scheme to use. */
    private static final class Missing implements UnauthorizedHandler {
        @Override
        public Response buildResponse(String prefix, String realm) {
            return Response.status(401).type(MediaType.APPLICATION_JSON_TYPE)
                    .header(HttpHeaders.WWW_AUTHENTICATE, prefix + " realm=\"" + realm + "\"")
                    .entity(ErrorResponse.of("missing_credentials", "send an API key as Authorization: Bearer <key>",
                            Map.of())).build();
        }

        @Override
        public RuntimeException buildException(String prefix, String realm) {
            return new NotAuthorizedException(buildResponse(prefix, realm));
        }
    }
}
