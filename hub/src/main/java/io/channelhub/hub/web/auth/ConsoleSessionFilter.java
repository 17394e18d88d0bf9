package io.channelhub.hub.web.auth;

import io.channelhub.hub.console.ConsoleSessions;
import io.channelhub.hub.errors.ApiException;
import io.channelhub.hub.identity.Caller;
import io.channelhub.hub.web.SessionCookies;
import io.dropwizard.auth.AuthFilter;
import io.dropwizard.auth.Authenticator;
import jakarta.annotation.Priority;
import jakarta.ws.rs.Priorities;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.core.HttpHeaders;
import java.net.URI;
import java.util.Optional;

/**
 * The console's session cookie, for requests without an {@code Authorization} header. A change (any method but GET,
 * HEAD, OPTIONS) must also carry the session's CSRF token and, when the browser names one, come from this hub's own
 * origin: a cookie alone never changes anything.
 */
@Priority(Priorities.AUTHENTICATION)
final class ConsoleSessionFilter extends AuthFilter<ConsoleSessionFilter.Presented, Caller> {

    static final String SCHEME = "Session";

    /** What the browser sent: the cookie, the method, the CSRF header, its Origin, and the hub's own authority. */
    record Presented(String token, String method, String csrfToken, String origin, String host, String self) {
    }

    @Override
    public void filter(ContainerRequestContext request) {
        String token = SessionCookies.token(request.getCookies());
        String header = request.getHeaderString(HttpHeaders.AUTHORIZATION);
        if (token == null || (header != null && !header.isBlank())) {
            throw unauthorizedHandler.buildException(prefix, realm);
        }
        // The hub's own origin: as Jetty sees it (honouring forwarded headers when configured) or as the Host.
        URI base = request.getUriInfo().getBaseUri();
        String self = base.getPort() < 0 ? base.getHost() : base.getHost() + ":" + base.getPort();
        Presented presented = new Presented(token, request.getMethod(),
                request.getHeaderString(ConsoleSessions.CSRF_HEADER), request.getHeaderString("Origin"),
                request.getHeaderString(HttpHeaders.HOST), self);
        if (!authenticate(request, presented, SCHEME)) {
            throw ApiException.unauthorized("session_expired", "the console session has ended: sign in again");
        }
    }

    /** A live session, and for a change its CSRF token and origin. */
    static final class SessionAuthenticator implements Authenticator<Presented, Caller> {

        private final ConsoleSessions sessions;

        SessionAuthenticator(ConsoleSessions sessions) {
            this.sessions = sessions;
        }

        @Override
        public Optional<Caller> authenticate(Presented p) {
            Optional<ConsoleSessions.Session> found = sessions.resolve(p.token());
            if (found.isEmpty()) {
                return Optional.empty();
            }
            ConsoleSessions.Session s = found.get();
            String method = p.method();
            if (!method.equals("GET") && !method.equals("HEAD") && !method.equals("OPTIONS")) {
                if (!ConsoleSessions.csrfMatches(s, p.csrfToken())) {
                    throw ApiException.forbidden("csrf_failed", "a console change needs the session's X-CSRF-Token");
                }
                String origin = p.origin();
                if (origin != null && !sameAuthority(origin, p.self())
                        && (p.host() == null || !sameAuthority(origin, p.host()))) {
                    throw ApiException.forbidden("csrf_failed", "a console change must come from the console's origin");
                }
            }
            return Optional.of(s.caller());
        }

        private static boolean sameAuthority(String origin, String host) {
            try {
                URI o = URI.create(origin);
                String authority = o.getPort() < 0 ? o.getHost() : o.getHost() + ":" + o.getPort();
                return authority != null && authority.equalsIgnoreCase(host);
            } catch (IllegalArgumentException e) {
                return false;
            }
        }
    }

    static final class Builder extends AuthFilterBuilder<Presented, Caller, ConsoleSessionFilter> {
        @Override
        protected ConsoleSessionFilter newInstance() {
            return new ConsoleSessionFilter();
        }
    }
}
