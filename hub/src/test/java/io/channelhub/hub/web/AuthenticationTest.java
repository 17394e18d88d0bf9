package io.channelhub.hub.web;

import static org.assertj.core.api.Assertions.assertThat;

import io.channelhub.hub.identity.Caller;
import io.channelhub.hub.support.HubIntegrationTest;
import io.channelhub.hub.support.Routes;
import io.channelhub.hub.support.TestDatabase;
import io.channelhub.hub.support.TestHub;
import io.dropwizard.auth.Auth;
import jakarta.ws.rs.Path;
import java.lang.reflect.Method;
import java.lang.reflect.Parameter;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Authentication is bound to the routes that take an {@code @Auth Caller}: so every route must either take one or be
 * marked {@link PublicApi}, and what it answers without a credential must be the hub's own error.
 */
class AuthenticationTest extends HubIntegrationTest {

    @Override
    protected TestDatabase.Kind database() {
        return TestDatabase.Kind.H2;
    }

    @Test
    void everyRouteEitherTakesTheCallerOrIsMarkedPublic() {
        List<String> wrong = new ArrayList<>();
        Map<Routes.Route, Method> methods = Routes.methods(hub);
        assertThat(methods).as("routes found, locators followed").containsKey(
                new Routes.Route("GET", "/admin/tenants/{tenantId}/channel-instances/{instanceId}/templates"));
        methods.forEach((route, m) -> {
            boolean caller = false;
            boolean scope = false;
            for (Parameter p : m.getParameters()) {
                caller |= p.isAnnotationPresent(Auth.class) && p.getType() == Caller.class;
                scope |= p.getType() == TenantScope.class;
            }
            boolean open = m.isAnnotationPresent(PublicApi.class)
                    || m.getDeclaringClass().isAnnotationPresent(PublicApi.class);
            if (caller == open) {
                wrong.add(route + (open ? " is public and takes a caller" : " neither takes a caller nor is public"));
            }
            if (scope && !caller) {
                wrong.add(route + " takes a tenant scope without an authenticated caller");
            }
        });
        assertThat(wrong).isEmpty();
    }

    @Test
    void subResourceLocatorsTakeNothingBecauseTheyRunBeforeAuthentication() {
        List<String> wrong = new ArrayList<>();
        for (Class<?> type : hub.environment().jersey().getResourceConfig().getClasses()) {
            locators(type, wrong, 0);
        }
        assertThat(wrong).isEmpty();
    }

    private static void locators(Class<?> type, List<String> wrong, int depth) {
        for (Method m : type.getMethods()) {
            if (m.isAnnotationPresent(Path.class) && Routes.httpMethodOf(m) == null) {
                // A locator with a Caller would see none: Jersey calls it while matching, before any filter.
                if (m.getParameterCount() > 0 && List.of(m.getParameters()).stream()
                        .anyMatch(p -> p.isAnnotationPresent(Auth.class) || p.getType() == TenantScope.class)) {
                    wrong.add(type.getSimpleName() + "." + m.getName());
                }
                if (depth < 5) {
                    locators(m.getReturnType(), wrong, depth + 1);
                }
            }
        }
    }

    @Test
    void noCredentialIsTheHubsOwnErrorWithTheSchemeToUse() {
        TestHub.Reply r = hub.get(null, "/v1/agents");
        assertThat(r.status()).isEqualTo(401);
        assertThat(r.code()).isEqualTo("missing_credentials");
        assertThat(r.headers().firstValue("www-authenticate")).hasValueSatisfying(v -> assertThat(v)
                .startsWith("Bearer"));
        // The same under a section mounted for the operator, and for the operator's own routes.
        assertThat(hub.get(null, "/admin/tenants/any/agents").code()).isEqualTo("missing_credentials");
        assertThat(hub.get(null, "/admin/api-keys").code()).isEqualTo("missing_credentials");
    }

    @Test
    void aKeyInTheQueryStringIsNeverRead() {
        // Query strings end up in access logs and browser history: the key is taken from the header only.
        TestHub.Reply r = hub.get(null, "/v1/me?access_token=" + TestHub.ROOT_KEY);
        assertThat(r.status()).isEqualTo(401);
        assertThat(r.code()).isEqualTo("missing_credentials");
    }

    @Test
    void theTenantScopeFollowsTheMountNotTheCaller() {
        String a = hub.createTenant("scope-a-" + System.nanoTime());
        String b = hub.createTenant("scope-b-" + System.nanoTime());
        String aKey = hub.createKey(a, "admin").get("key").asText();
        TestHub.check(hub.post(aKey, "/v1/agents", Map.of("slug", "only-a", "name", "Only A")), 201);
        // One section object, two mounts: the operator reads B's (empty) list at B's path, A's at A's.
        assertThat(TestHub.check(hub.get(TestHub.ROOT_KEY, "/admin/tenants/" + b + "/agents"), 200)
                .json().get("data")).isEmpty();
        assertThat(TestHub.check(hub.get(TestHub.ROOT_KEY, "/admin/tenants/" + a + "/agents"), 200)
                .json().get("data").get(0).get("slug").asText()).isEqualTo("only-a");
        // A platform key has no tenant of its own under /v1; a tenant key none under /admin.
        assertThat(hub.get(TestHub.ROOT_KEY, "/v1/agents").code()).isEqualTo("tenant_scope_required");
        assertThat(hub.get(aKey, "/admin/tenants/" + b + "/agents").code()).isEqualTo("permission_denied");
        assertThat(hub.get(TestHub.ROOT_KEY, "/admin/tenants/ten_missing/agents").status()).isEqualTo(404);
        // The platform mount of a shared section is the platform's: its keys, not a tenant's.
        assertThat(TestHub.check(hub.get(TestHub.ROOT_KEY, "/admin/api-keys"), 200).json().get("data")
                .findValuesAsText("tenant_id")).isEmpty();
    }
}
