package io.channelhub.hub.web.console;

import io.dropwizard.auth.Auth;

import io.channelhub.hub.console.ConsoleSessions;
import io.channelhub.hub.console.ConsoleUser;
import io.channelhub.hub.console.ConsoleUsers;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonNaming;
import io.channelhub.hub.audit.AuditLog;
import io.channelhub.hub.auth.ApiKey;
import io.channelhub.hub.auth.ApiKeyService;
import io.channelhub.hub.identity.Caller;
import io.channelhub.hub.identity.Permission;
import io.channelhub.hub.web.PublicApi;
import io.channelhub.hub.web.SessionCookies;
import io.channelhub.hub.errors.ApiException;
import io.channelhub.hub.tenancy.Tenant;
import io.channelhub.hub.tenancy.TenantStatus;
import jakarta.validation.constraints.NotNull;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.NewCookie;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.SecurityContext;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Signing in to the console: {@code POST /console/session} with an e-mail address and password (or an API key)
 * sets the session cookie and answers with who signed in, what they may do and the session's CSRF token;
 * {@code GET} tells the console the same again after a reload; {@code DELETE} signs out.
 */
@Path("/console/session")
@Produces(MediaType.APPLICATION_JSON)
@Consumes(MediaType.APPLICATION_JSON)
public class ConsoleSessionResource {

    private static final Logger LOG = LoggerFactory.getLogger(ConsoleSessionResource.class);

    private final ConsoleUsers users;
    private final ConsoleSessions sessions;
    private final ApiKeyService keys;
    private final AuditLog audit;
    private final String secureCookie;
    private final io.channelhub.hub.limits.RateLimits rateLimits;

    @Context
    private jakarta.servlet.http.HttpServletRequest servlet;

    public ConsoleSessionResource(ConsoleUsers users, ConsoleSessions sessions, ApiKeyService keys,
                                  AuditLog audit, String secureCookie,
                                  io.channelhub.hub.limits.RateLimits rateLimits) {
        this.rateLimits = rateLimits;
        this.users = users;
        this.sessions = sessions;
        this.keys = keys;
        this.audit = audit;
        this.secureCookie = secureCookie;
    }

    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    public record SignIn(String email, String password, String apiKey) {
    }

    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record SessionView(String method, String principalId, String email, String name, String tenantId,
                              String tenantSlug, String tenantName, String role, List<String> permissions,
                              String csrfToken, Instant expiresAt) {
    }

    @POST
    @PublicApi
    public Response signIn(@Context ContainerRequestContext request, @Context SecurityContext sc,
                           @HeaderParam(HttpHeaders.USER_AGENT) String userAgent, @NotNull SignIn body) {
        limit(body);
        // A new sign-in replaces whatever session this browser had: the old token stops working now.
        String previous = io.channelhub.hub.web.SessionCookies.token(request.getCookies());
        if (previous != null) {
            sessions.endToken(previous);
        }
        ConsoleSessions.Started started;
        Caller who;
        String email = null;
        String name;
        String method;
        if (body.apiKey() != null && !body.apiKey().isBlank()) {
            ApiKeyService.Verification v = keys.verify(body.apiKey().trim());
            if (!(v instanceof ApiKeyService.Verification.Valid valid)) {
                throw ApiException.unauthorized("invalid_credentials", "the API key is not valid");
            }
            ApiKey key = valid.key();
            checkTenant(key.tenantId());
            started = sessions.start(key, userAgent);
            who = new Caller(key.id(), key.principalId(), key.tenantId(), key.role(), key.name());
            name = key.name();
            method = "api_key";
        } else {
            if (body.email() == null || body.password() == null) {
                throw ApiException.unprocessable("invalid_request", "send email and password, or api_key",
                        Map.of("field", body.email() == null ? "email" : "password"));
            }
            ConsoleUsers.SignIn attempt = users.signIn(body.email(), body.password());
            Optional<ConsoleUser> user = attempt.user();
            if (user.isEmpty()) {
                // The account's tenant sees failed attempts on its people in its audit log (no password, no address).
                attempt.attempted().ifPresent(a -> audit.denied(null, a.tenantId(), "console.sign_in", "console_user",
                        a.id(), attempt.lockedNow() ? Map.of("locked", true) : Map.of()));
                LOG.info("Console sign-in refused");
                throw ApiException.unauthorized("invalid_credentials",
                        "wrong e-mail address or password (after repeated failures an account is locked for a while)");
            }
            ConsoleUser u = user.get();
            checkTenant(u.tenantId());
            started = sessions.start(u, userAgent);
            who = new Caller(u.id(), u.id(), u.tenantId(), u.role(), u.email());
            email = u.email();
            name = u.displayName();
            method = "password";
        }
        audit.success(who, who.tenantId(), "console.sign_in", null, null, Map.of("method", method));
        boolean secure = switch (secureCookie) {
            case "always" -> true;
            case "never" -> false;
            default -> sc.isSecure() || "https".equalsIgnoreCase(request.getUriInfo().getBaseUri().getScheme());
        };
        NewCookie cookie = new NewCookie.Builder(secure ? ConsoleSessions.SECURE_COOKIE : ConsoleSessions.COOKIE)
                .value(started.token()).path("/")
                .httpOnly(true).secure(secure).sameSite(NewCookie.SameSite.STRICT)
                .maxAge((int) sessions.maxAge().toSeconds()).build();
        return Response.status(201).cookie(cookie).header(HttpHeaders.CACHE_CONTROL, "no-store")
                .entity(view(who, method, email, name, started.csrfToken(), started.expiresAt())).build();
    }

    @GET
    public Response current(@Auth Caller caller, @Context ContainerRequestContext request) {
        ConsoleSessions.Session s = session(request);
        return Response.ok(view(s.caller(), s.method(), s.email(), s.displayName(), s.csrfToken(), s.expiresAt()))
                .header(HttpHeaders.CACHE_CONTROL, "no-store").build();
    }

    /** A console user's own new password: the current one first. */
    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    public record PasswordChange(String currentPassword, String newPassword) {
    }

    /**
     * Changes the signed-in console user's own password. The current password is checked as a sign-in checks it (the
     * same rate limit, the same failure count and lockout); the new one follows the password rules. Every session of
     * the user ends, this one too: they sign in again with the new password.
     */
    @POST
    @Path("/password")
    public Response changePassword(@Auth Caller caller, @Context ContainerRequestContext request,
                                   PasswordChange body) {
        ConsoleSessions.Session s = session(request);
        if (!"password".equals(s.method())) {
            throw ApiException.conflict("not_a_password_session", "an API key's session has no password to change");
        }
        if (body == null || body.currentPassword() == null || body.newPassword() == null) {
            throw ApiException.unprocessable("invalid_request", "send current_password and new_password",
                    Map.of("field", body == null || body.currentPassword() == null ? "current_password"
                            : "new_password"));
        }
        limit(new SignIn(s.email(), null, null));
        ConsoleUsers.SignIn check = users.signIn(s.email(), body.currentPassword());
        if (check.user().isEmpty() || !check.user().get().id().equals(s.caller().principalId())) {
            audit.denied(s.caller(), s.caller().tenantId(), "console.password_change", "console_user",
                    s.caller().principalId(), check.lockedNow() ? Map.of("locked", true) : Map.of());
            throw ApiException.forbidden("invalid_password", "the current password is wrong (after repeated failures "
                    + "the account is locked for a while)");
        }
        users.update(s.caller().tenantId(), s.caller().principalId(), null, null, null, body.newPassword());
        audit.success(s.caller(), s.caller().tenantId(), "console.password_change", "console_user",
                s.caller().principalId(), Map.of());
        return Response.noContent().header(HttpHeaders.CACHE_CONTROL, "no-store").build();
    }

    @DELETE
    public Response signOut(@Auth Caller caller, @Context ContainerRequestContext request) {
        ConsoleSessions.Session s = session(request);
        sessions.end(s.id());
        audit.success(s.caller(), s.caller().tenantId(), "console.sign_out", null, null, Map.of());
        NewCookie gone = new NewCookie.Builder(ConsoleSessions.COOKIE).value("").path("/").httpOnly(true)
                .sameSite(NewCookie.SameSite.STRICT).maxAge(0).build();
        NewCookie goneSecure = new NewCookie.Builder(ConsoleSessions.SECURE_COOKIE).value("").path("/")
                .httpOnly(true).secure(true).sameSite(NewCookie.SameSite.STRICT).maxAge(0).build();
        return Response.noContent().cookie(gone, goneSecure).build();
    }

    /**
     * Sign-ins have their own small budget per client address and per account (each costs a slow hash), on top of
     * the public routes' budget per address.
     */
    private void limit(SignIn body) {
        String ip = servlet == null ? "unknown" : servlet.getRemoteAddr();
        var cfg = rateLimits.config().getConsoleSignIn();
        java.util.List<io.channelhub.hub.limits.RateLimits.Bucket> buckets = new java.util.ArrayList<>();
        buckets.add(new io.channelhub.hub.limits.RateLimits.Bucket("signin-ip:" + ip, "console_sign_in", cfg));
        if (body.email() != null && (body.apiKey() == null || body.apiKey().isBlank())) {
            // The address is hashed: rate-limit keys (in Redis) hold no personal data.
            buckets.add(new io.channelhub.hub.limits.RateLimits.Bucket("signin-acct:"
                    + ConsoleSessions.digest(body.email().trim().toLowerCase(Locale.ROOT)), "console_sign_in", cfg));
        }
        rateLimits.take(buckets);
    }

    /** The session the cookie names (authentication has already checked it is live), not an API key's caller. */
    private ConsoleSessions.Session session(ContainerRequestContext request) {
        String header = request.getHeaderString(HttpHeaders.AUTHORIZATION);
        String token = header == null || header.isBlank() ? SessionCookies.token(request.getCookies()) : null;
        return sessions.resolve(token).orElseThrow(() ->
                ApiException.unauthorized("no_session", "this route is for the console's session cookie"));
    }

    private void checkTenant(String tenantId) {
        if (tenantId == null) {
            return;
        }
        Tenant t = sessions.tenant(tenantId).orElseThrow(() ->
                ApiException.unauthorized("invalid_credentials", "the account is not valid"));
        if (t.status() == TenantStatus.SUSPENDED) {
            throw ApiException.forbidden("tenant_suspended", "this tenant is suspended");
        }
    }

    private SessionView view(Caller c, String method, String email, String name, String csrf, Instant expires) {
        List<String> perms = Arrays.stream(Permission.values()).filter(c.role()::allows)
                .map(p -> p.name().toLowerCase(Locale.ROOT)).toList();
        Optional<Tenant> t = c.tenantId() == null ? Optional.empty() : sessions.tenant(c.tenantId());
        return new SessionView(method, c.principalId(), email, name, c.tenantId(), t.map(Tenant::slug).orElse(null),
                t.map(Tenant::name).orElse(null), c.role().wire(), perms, csrf, expires);
    }
}
