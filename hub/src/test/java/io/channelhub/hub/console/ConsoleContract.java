package io.channelhub.hub.console;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.channelhub.hub.support.HubIntegrationTest;
import io.channelhub.hub.support.TestHub;
import io.dropwizard.testing.ConfigOverride;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;

/**
 * The console's server side: password sign-in with a slow hash and a lockout, API-key sign-in, the session cookie,
 * CSRF on every change, sessions that end when what stands behind them goes, and console users that one tenant's
 * admin can't see or touch in another tenant.
 */
abstract class ConsoleContract extends HubIntegrationTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String PASSWORD = "a long enough passphrase";

    /** Short enough that a test sees a session expire; every other test uses its session at once. */
    @Override
    protected ConfigOverride[] overrides() {
        return new ConfigOverride[] {ConfigOverride.config("console.idleTimeout", "4s"),
                ConfigOverride.config("rateLimits.publicPerIp.capacity", "100000"),
                ConfigOverride.config("rateLimits.consoleSignIn.capacity", "100000"),
                ConfigOverride.config("rateLimits.consoleSignIn.period", "1m")};
    }

    /** A channel that answers with the request headers it was given, and tries to set a cookie on the hub's origin. */
    @Override
    protected void morePlugins(java.nio.file.Path dir) {
        String echo = "package test.echo;\n"
                + "import io.channelhub.plugin.*;\nimport io.channelhub.plugin.channel.*;\nimport java.util.*;\n"
                + "@org.pf4j.Extension\npublic class EchoChannel implements ChannelConnector {\n"
                + "  public ChannelDescriptor descriptor() {\n"
                + "    return new ChannelDescriptor(\"echo\", \"Echo\", Set.of(), SettingsSchema.of(), null, 10.0);\n"
                + "  }\n"
                + "  public InboundResult handleInbound(InboundRequest r, InboundScope s) {\n"
                + "    if (r.path().equals(\"/turn\") && s.instance().isPresent()) {\n"
                + "      MessageReceived m = new MessageReceived(\"m-\" + System.nanoTime(), \"visitor\", null,\n"
                + "          MessageReceived.Kind.TEXT, \"hello\", Map.of(), java.time.Instant.now());\n"
                + "      return InboundResult.turn(new HttpAnswer(200, null, null, Map.of(\"Set-Cookie\",\n"
                + "          \"channelhub_session=planted; Path=/\", \"X-Echo\", \"yes\")),\n"
                + "          new InboundResult.BoundEvent(s.instance().get(), m), new InboundResult.Turn(null, false));\n"
                + "    }\n"
                + "    String names = String.join(\",\", new TreeSet<>(r.headers().keySet())).toLowerCase();\n"
                + "    return InboundResult.answerOnly(new HttpAnswer(200, \"text/plain\", names.getBytes(),\n"
                + "        Map.of(\"Set-Cookie\", \"channelhub_session=planted; Path=/\", \"X-Echo\", \"yes\")));\n"
                + "  }\n"
                + "  public SendResult send(OutboundMessage m, PluginContext c) { return new SendResult.Delivered(\"e\"); }\n"
                + "}\n";
        String gateway = "package test.echo;\n"
                + "import io.channelhub.plugin.*;\nimport io.channelhub.plugin.billing.*;\nimport java.util.*;\n"
                + "@org.pf4j.Extension\npublic class EchoGateway implements BillingGateway {\n"
                + "  public GatewayDescriptor descriptor() {\n"
                + "    return new GatewayDescriptor(\"echo-gateway\", \"Echo\", Set.of(PaymentMethod.PIX), SettingsSchema.of());\n"
                + "  }\n"
                + "  public GatewayCustomer upsertCustomer(CustomerRequest r, PluginContext c) { throw new IllegalStateException(); }\n"
                + "  public Charge createCharge(ChargeRequest r, PluginContext c) { throw new IllegalStateException(); }\n"
                + "  public Charge getCharge(String id, PluginContext c) { throw new IllegalStateException(); }\n"
                + "  public void cancelCharge(String id, PluginContext c) { }\n"
                + "  public Charge refundCharge(String id, Long a, PluginContext c) { throw new IllegalStateException(); }\n"
                + "  public InboundResult handleWebhook(InboundRequest r, InboundScope s) {\n"
                + "    String names = String.join(\",\", new TreeSet<>(r.headers().keySet())).toLowerCase();\n"
                + "    return InboundResult.answerOnly(new HttpAnswer(200, \"text/plain\", names.getBytes(),\n"
                + "        Map.of(\"Set-Cookie\", \"channelhub_session=planted; Path=/\", \"X-Echo\", \"yes\",\n"
                + "            \"X-Hub-Origin\", String.valueOf(r.hubOrigin()))));\n"
                + "  }\n"
                + "}\n";
        io.channelhub.hub.support.TestPlugins.build(dir, new io.channelhub.hub.support.TestPlugins.Spec("echo-channel")
                .pluginClass("test.echo.EchoPlugin")
                .source("test.echo.EchoPlugin", io.channelhub.hub.support.TestPlugins.plainPlugin("test.echo",
                        "EchoPlugin"))
                .source("test.echo.EchoChannel", echo)
                .source("test.echo.EchoGateway", gateway));
    }

    @Test
    void pluginsNeitherSeeNorSetTheSessionCookie() {
        Tenant t = tenant("echo");
        Browser b = signIn(user(t, "viewer").get("email").asText(), PASSWORD);
        String instance = TestHub.check(hub.post(TestHub.ROOT_KEY, "/admin/tenants/" + t.id()
                + "/channel-instances", Map.of("plugin_id", "echo-channel", "name", "echo", "settings", Map.of())), 201).json().get("id")
                .asText();
        String gatewayHook = TestHub.check(hub.send(TestHub.ROOT_KEY, "PUT", "/admin/billing/gateway",
                Map.of("plugin_id", "echo-channel", "settings", Map.of())), 200).json().get("webhook_path").asText();
        // Every kind of plugin route: a plugin's own, a channel instance's, a billing gateway's webhook.
        for (String[] route : List.of(new String[] {"GET", "/hooks/plugins/echo-channel/anything"},
                new String[] {"POST", "/hooks/instances/" + instance + "/anything"},
                new String[] {"POST", gatewayHook})) {
            TestHub.Reply r = hub.call(route[0], route[1], Map.of("Cookie", b.cookie(), "X-Probe", "1"),
                    "POST".equals(route[0]) ? "{}" : null);
            assertThat(r.status()).as(route[1]).isEqualTo(200);
            assertThat(r.body()).as(route[1]).contains("x-probe").doesNotContain("cookie");
            assertThat(r.headers().firstValue("x-echo")).as(route[1]).contains("yes");
            assertThat(r.headers().allValues("set-cookie")).as(route[1]).isEmpty();
        }
        // A turn answered on the connection carries the plugin's headers too, but never its cookie.
        TestHub.check(hub.post(t.adminKey(), "/v1/agents", Map.of("slug", "echo-agent", "name", "E")), 201);
        TestHub.Reply turn = hub.call("POST", "/hooks/instances/" + instance + "/turn", Map.of("Cookie", b.cookie(),
                "Content-Type", "application/json"), "{}");
        assertThat(turn.status()).as(turn.body()).isLessThan(300);
        assertThat(turn.headers().firstValue("x-echo")).contains("yes");
        assertThat(turn.headers().allValues("set-cookie")).isEmpty();
        TestHub.check(as(b, "GET", "/console/session", null), 200);
    }

    @Test
    void theGatewayRouteReadsItsRequestLikeEveryPluginRoute() {
        String hook = TestHub.check(hub.send(TestHub.ROOT_KEY, "PUT", "/admin/billing/gateway",
                Map.of("plugin_id", "echo-channel", "settings", Map.of())), 200).json().get("webhook_path").asText();
        TestHub.Reply r = hub.call("POST", hook, Map.of(), "{}");
        assertThat(r.headers().firstValue("x-hub-origin")).contains(hub.url("").replaceAll("/$", ""));
        TestHub.Reply big = hub.call("POST", hook, Map.of("Content-Type", "application/json"),
                "{\"pad\":\"" + "x".repeat(300 * 1024) + "\"}");
        assertThat(big.status()).isEqualTo(413);
        assertThat(big.code()).isEqualTo("body_too_large");
    }

    /** A signed-in browser: its cookie and CSRF token. */
    record Browser(String cookie, String csrf, JsonNode session, TestHub.Reply reply) {
    }

    private String json(Object o) {
        try {
            return JSON.writeValueAsString(o);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private TestHub.Reply signInReply(Map<String, String> body) {
        return hub.call("POST", "/console/session", Map.of("Content-Type", "application/json"), json(body));
    }

    private Browser signIn(String email, String password) {
        TestHub.Reply r = TestHub.check(signInReply(Map.of("email", email, "password", password)), 201);
        String setCookie = r.headers().allValues("set-cookie").stream()
                .filter(c -> c.startsWith("channelhub_session=")).findFirst().orElseThrow();
        String cookie = setCookie.substring(0, setCookie.indexOf(';'));
        return new Browser(cookie, r.json().get("csrf_token").asText(), r.json(), r);
    }

    private TestHub.Reply as(Browser b, String method, String path, Object body, boolean csrf, String origin) {
        Map<String, String> headers = new HashMap<>(Map.of("Cookie", b.cookie()));
        if (body != null) {
            headers.put("Content-Type", "application/json");
        }
        if (csrf) {
            headers.put("X-CSRF-Token", b.csrf());
        }
        if (origin != null) {
            headers.put("Origin", origin);
        }
        return hub.call(method, path, headers, body == null ? null : json(body));
    }

    /** As the console's own page sends it: Origin on a change, none on a same-origin GET. */
    private TestHub.Reply as(Browser b, String method, String path, Object body) {
        boolean change = !method.equals("GET") && !method.equals("HEAD");
        return as(b, method, path, body, true, change ? hub.url("").replaceAll("/$", "") : null);
    }

    record Tenant(String id, String slug, String adminKey) {
    }

    private Tenant tenant(String name) {
        String slug = slug(name);
        String id = hub.createTenant(slug);
        return new Tenant(id, slug, hub.createKey(id, "admin").get("key").asText());
    }

    private JsonNode user(Tenant t, String role) {
        String email = role + "-" + System.nanoTime() + "@" + t.slug() + ".example";
        return TestHub.check(hub.post(t.adminKey(), "/v1/console-users", Map.of("email", email, "role", role,
                "password", PASSWORD, "display_name", "Person " + role)), 201).json();
    }

    @Test
    void aPresentedApiKeyIsJudgedAloneEvenBesideALiveSessionCookie() {
        Tenant t = tenant("keyside");
        Browser b = signIn(user(t, "admin").get("email").asText(), PASSWORD);
        // The chain tries the cookie only when no key is sent: a revoked or mistyped key never falls through to it.
        TestHub.Reply bad = hub.call("GET", "/v1/agents", Map.of("Cookie", b.cookie(),
                "Authorization", "Bearer chk_not_a_real_key_0000000000000000"), null);
        assertThat(bad.status()).isEqualTo(401);
        assertThat(bad.code()).isEqualTo("invalid_api_key");
        TestHub.Reply basic = hub.call("GET", "/v1/agents", Map.of("Cookie", b.cookie(),
                "Authorization", "Basic dXNlcjpwYXNz"), null);
        assertThat(basic.status()).isEqualTo(401);
        assertThat(basic.code()).isEqualTo("invalid_api_key");
        // The cookie alone still works, and an ended session says so rather than asking for a key.
        TestHub.check(as(b, "GET", "/v1/agents", null), 200);
        TestHub.check(as(b, "DELETE", "/console/session", null), 204);
        TestHub.Reply ended = as(b, "GET", "/v1/agents", null);
        assertThat(ended.status()).isEqualTo(401);
        assertThat(ended.code()).isEqualTo("session_expired");
    }

    @Test
    void aPasswordSignInGivesAStrictHttpOnlyCookieAndStoresOnlyHashes() throws Exception {
        Tenant t = tenant("cookie");
        JsonNode u = user(t, "editor");
        assertThat(u.has("password")).isFalse();
        assertThat(u.has("password_hash")).isFalse();
        Browser b = signIn(u.get("email").asText().toUpperCase(), PASSWORD);
        String setCookie = b.reply().headers().allValues("set-cookie").get(0);
        assertThat(setCookie).contains("HttpOnly").contains("SameSite=Strict").contains("Path=/")
                .doesNotContain("Secure");
        assertThat(b.reply().headers().firstValue("cache-control")).contains("no-store");
        assertThat(b.session().get("role").asText()).isEqualTo("editor");
        assertThat(b.session().get("tenant_id").asText()).isEqualTo(t.id());
        assertThat(b.session().get("permissions").toString()).contains("resources_create")
                .doesNotContain("api_keys_manage");
        String token = b.cookie().substring(b.cookie().indexOf('=') + 1);
        String digest = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256")
                .digest(token.getBytes(StandardCharsets.UTF_8)));
        List<String> ids = hub.app().jdbi().withHandle(h -> h.createQuery("SELECT id FROM console_sessions WHERE "
                + "tenant_id = :t").bind("t", t.id()).mapTo(String.class).list());
        assertThat(ids).containsExactly(digest).doesNotContain(token);
        String hash = hub.app().jdbi().withHandle(h -> h.createQuery("SELECT password_hash FROM console_users WHERE "
                + "id = :id").bind("id", u.get("id").asText()).mapTo(String.class).one());
        assertThat(hash).startsWith("pbkdf2-sha256$600000$").doesNotContain(PASSWORD);
        // The session is a caller like a key: it reads what its role reads, and /v1/me says who it is.
        assertThat(TestHub.check(as(b, "GET", "/v1/me", null), 200).json().get("role").asText()).isEqualTo("editor");
        assertThat(TestHub.check(as(b, "GET", "/console/session", null), 200).json().get("email").asText())
                .isEqualTo(u.get("email").asText());
    }

    @Test
    void everyChangeNeedsTheSessionsCsrfTokenAndTheConsolesOrigin() {
        Tenant t = tenant("csrf");
        Browser b = signIn(user(t, "admin").get("email").asText(), PASSWORD);
        Map<String, String> agent = Map.of("slug", "support", "name", "Support");
        TestHub.Reply noToken = as(b, "POST", "/v1/agents", agent, false, null);
        assertThat(noToken.status()).isEqualTo(403);
        assertThat(noToken.code()).isEqualTo("csrf_failed");
        TestHub.Reply wrongToken = hub.call("POST", "/v1/agents", Map.of("Cookie", b.cookie(), "X-CSRF-Token",
                b.csrf() + "x", "Content-Type", "application/json"), json(agent));
        assertThat(wrongToken.code()).isEqualTo("csrf_failed");
        TestHub.Reply otherOrigin = as(b, "POST", "/v1/agents", agent, true, "https://evil.example");
        assertThat(otherOrigin.status()).isEqualTo(403);
        assertThat(otherOrigin.code()).isEqualTo("csrf_failed");
        assertThat(hub.get(t.adminKey(), "/v1/agents").json().get("data")).isEmpty();
        TestHub.check(as(b, "POST", "/v1/agents", agent), 201);
        // Reads need no token; keys never did (no cookie, no CSRF).
        TestHub.check(as(b, "GET", "/v1/agents", null, false, null), 200);
        TestHub.check(hub.post(t.adminKey(), "/v1/prompts", Map.of("slug", "by-key", "name", "P", "content", "c")), 201);
        // The audit log names the person who made the change.
        JsonNode log = hub.get(t.adminKey(), "/v1/audit").json().get("data");
        assertThat(log.toString()).contains("\"action\":\"agent.create\"")
                .contains(b.session().get("principal_id").asText());
    }

    @Test
    void theServerEnforcesTheRoleOfASession() {
        Tenant t = tenant("viewer");
        Browser viewer = signIn(user(t, "viewer").get("email").asText(), PASSWORD);
        TestHub.check(as(viewer, "GET", "/v1/agents", null), 200);
        assertThat(as(viewer, "POST", "/v1/agents", Map.of("slug", "x", "name", "X")).code())
                .isEqualTo("permission_denied");
        assertThat(as(viewer, "GET", "/v1/api-keys", null).status()).isEqualTo(403);
        assertThat(as(viewer, "GET", "/v1/console-users", null).status()).isEqualTo(403);
        assertThat(as(viewer, "GET", "/admin/tenants", null).status()).isEqualTo(403);
        assertThat(as(viewer, "GET", "/admin/tenants/" + t.id() + "/usage", null).status()).isEqualTo(403);
    }

    @Test
    void repeatedWrongPasswordsLockTheAccountUntilAnAdminResetsIt() {
        Tenant t = tenant("lock");
        JsonNode u = user(t, "viewer");
        String email = u.get("email").asText();
        TestHub.Reply unknown = signInReply(Map.of("email", "nobody@" + t.slug() + ".example", "password", PASSWORD));
        TestHub.Reply wrong = signInReply(Map.of("email", email, "password", "wrong passphrase here"));
        // Unknown address and wrong password look the same.
        assertThat(unknown.status()).isEqualTo(401);
        assertThat(wrong.status()).isEqualTo(401);
        assertThat(unknown.code()).isEqualTo("invalid_credentials").isEqualTo(wrong.code());
        assertThat(unknown.json().path("error").path("message").asText())
                .isEqualTo(wrong.json().path("error").path("message").asText());
        for (int i = 0; i < 4; i++) {
            assertThat(signInReply(Map.of("email", email, "password", "wrong " + i + " passphrase")).status())
                    .isEqualTo(401);
        }
        // Locked: even the right password is refused, with the same answer.
        TestHub.Reply locked = signInReply(Map.of("email", email, "password", PASSWORD));
        assertThat(locked.status()).isEqualTo(401);
        assertThat(locked.code()).isEqualTo("invalid_credentials");
        String id = u.get("id").asText();
        assertThat(hub.get(t.adminKey(), "/v1/console-users/" + id).json().get("locked").asBoolean()).isTrue();
        // The tenant sees the attempts on its person in its audit log: refused, and the one that locked the account.
        JsonNode log = hub.get(t.adminKey(), "/v1/audit?limit=50").json().get("data");
        long refused = 0;
        boolean lockRecorded = false;
        for (JsonNode e : log) {
            if (e.get("action").asText().equals("console.sign_in") && e.get("outcome").asText().equals("denied")) {
                refused++;
                assertThat(e.get("resource_id").asText()).isEqualTo(id);
                lockRecorded |= e.path("summary").path("locked").asBoolean();
            }
        }
        assertThat(refused).isEqualTo(6);
        assertThat(lockRecorded).isTrue();
        assertThat(log.toString()).doesNotContain(email).doesNotContain("wrong passphrase");
        // A new password from an admin unlocks it.
        TestHub.check(hub.patch(t.adminKey(), "/v1/console-users/" + id, Map.of("password", "a brand new passphrase")),
                200);
        signIn(email, "a brand new passphrase");
        assertThat(signInReply(Map.of("email", email, "password", PASSWORD)).status()).isEqualTo(401);
    }

    @Test
    void parallelGuessesCannotOutrunTheLockout() throws Exception {
        Tenant t = tenant("race");
        JsonNode u = user(t, "viewer");
        String email = u.get("email").asText();
        var pool = java.util.concurrent.Executors.newFixedThreadPool(12);
        try {
            List<java.util.concurrent.Future<Integer>> guesses = new java.util.ArrayList<>();
            for (int i = 0; i < 12; i++) {
                String guess = "parallel guess number " + i;
                guesses.add(pool.submit(() -> signInReply(Map.of("email", email, "password", guess)).status()));
            }
            for (var g : guesses) {
                assertThat(g.get()).isIn(401, 503);
            }
        } finally {
            pool.shutdownNow();
        }
        // However many ran at once, the account ends up locked: the right password is refused now.
        assertThat(signInReply(Map.of("email", email, "password", PASSWORD)).status()).isEqualTo(401);
        assertThat(hub.get(t.adminKey(), "/v1/console-users/" + u.get("id").asText()).json().get("locked")
                .asBoolean()).isTrue();
    }

    @Test
    void onlyAdminsManageConsoleUsersAndNobodyBecomesAnOperator() {
        Tenant t = tenant("roles");
        JsonNode u = user(t, "viewer");
        String editor = hub.createKey(t.id(), "editor").get("key").asText();
        assertThat(hub.get(editor, "/v1/console-users").code()).isEqualTo("permission_denied");
        assertThat(hub.post(editor, "/v1/console-users", Map.of("email", "e@" + t.slug() + ".example", "role",
                "admin", "password", PASSWORD)).code()).isEqualTo("permission_denied");
        assertThat(hub.patch(t.adminKey(), "/v1/console-users/" + u.get("id").asText(), Map.of("role",
                "super_admin")).code()).isEqualTo("invalid_role");
        assertThat(hub.patch(t.adminKey(), "/v1/console-users/" + u.get("id").asText(), Map.of("display_name",
                "x".repeat(201))).code()).isEqualTo("invalid_field");
        assertThat(hub.post(t.adminKey(), "/v1/console-users", Map.of("email", "long@" + t.slug() + ".example",
                "role", "viewer", "password", PASSWORD, "display_name", "y".repeat(500))).status()).isEqualTo(422);
        // Signing out is a change like any other: it needs the CSRF token.
        Browser b = signIn(u.get("email").asText(), PASSWORD);
        assertThat(as(b, "DELETE", "/console/session", null, false, null).code()).isEqualTo("csrf_failed");
        TestHub.check(as(b, "GET", "/console/session", null), 200);
        // Signing in again from the same browser ends its previous session.
        TestHub.Reply again = hub.call("POST", "/console/session", Map.of("Content-Type", "application/json",
                "Cookie", b.cookie()), json(Map.of("email", u.get("email").asText(), "password", PASSWORD)));
        assertThat(again.status()).isEqualTo(201);
        assertThat(as(b, "GET", "/console/session", null).status()).isEqualTo(401);
    }

    @Test
    void weakPasswordsAndBadInputAreRefusedWithStableCodes() {
        Tenant t = tenant("input");
        TestHub.Reply weak = hub.post(t.adminKey(), "/v1/console-users", Map.of("email", "a@" + t.slug() + ".example",
                "role", "viewer", "password", "short"));
        assertThat(weak.status()).isEqualTo(422);
        assertThat(weak.code()).isEqualTo("weak_password");
        assertThat(hub.post(t.adminKey(), "/v1/console-users", Map.of("email", "not an address", "role", "viewer",
                "password", PASSWORD)).code()).isEqualTo("invalid_email");
        // A tenant can't make an operator, and the platform's people are operators only.
        assertThat(hub.post(t.adminKey(), "/v1/console-users", Map.of("email", "b@" + t.slug() + ".example",
                "role", "super_admin", "password", PASSWORD)).code()).isEqualTo("invalid_role");
        assertThat(hub.post(TestHub.ROOT_KEY, "/admin/console-users", Map.of("email", "c@" + t.slug() + ".example",
                "role", "viewer", "password", PASSWORD)).code()).isEqualTo("invalid_role");
        JsonNode u = user(t, "viewer");
        TestHub.Reply taken = hub.post(t.adminKey(), "/v1/console-users", Map.of("email",
                u.get("email").asText().toUpperCase(), "role", "viewer", "password", PASSWORD));
        assertThat(taken.status()).isEqualTo(409);
        assertThat(taken.code()).isEqualTo("email_taken");
        assertThat(signInReply(Map.of("email", "x@y.example")).code()).isEqualTo("invalid_request");
        assertThat(hub.call("POST", "/console/session", Map.of("Content-Type", "application/json"), "{not json")
                .status()).isEqualTo(400);
    }

    @Test
    void aSessionEndsWithWhatStandsBehindIt() {
        Tenant t = tenant("ends");
        JsonNode u = user(t, "editor");
        String id = u.get("id").asText();
        Browser b = signIn(u.get("email").asText(), PASSWORD);
        TestHub.check(hub.patch(t.adminKey(), "/v1/console-users/" + id, Map.of("status", "disabled")), 200);
        assertThat(as(b, "GET", "/v1/agents", null).code()).isEqualTo("session_expired");
        assertThat(signInReply(Map.of("email", u.get("email").asText(), "password", PASSWORD)).status())
                .isEqualTo(401);
        TestHub.check(hub.patch(t.adminKey(), "/v1/console-users/" + id, Map.of("status", "active")), 200);

        // A role change ends it too: the next sign-in carries the new role.
        Browser again = signIn(u.get("email").asText(), PASSWORD);
        TestHub.check(hub.patch(t.adminKey(), "/v1/console-users/" + id, Map.of("role", "viewer")), 200);
        assertThat(as(again, "GET", "/v1/agents", null).status()).isEqualTo(401);
        assertThat(signIn(u.get("email").asText(), PASSWORD).session().get("role").asText()).isEqualTo("viewer");

        // A suspended tenant's sessions are refused like its keys; activation lets them in again.
        Browser live = signIn(u.get("email").asText(), PASSWORD);
        TestHub.check(hub.post(TestHub.ROOT_KEY, "/admin/tenants/" + t.id() + "/suspend", null), 200);
        assertThat(as(live, "GET", "/v1/agents", null).code()).isEqualTo("tenant_suspended");
        assertThat(signInReply(Map.of("email", u.get("email").asText(), "password", PASSWORD)).code())
                .isEqualTo("tenant_suspended");
        TestHub.check(hub.post(TestHub.ROOT_KEY, "/admin/tenants/" + t.id() + "/activate", null), 200);
        TestHub.check(as(live, "GET", "/v1/agents", null), 200);

        // Signing out ends it for good.
        assertThat(as(live, "DELETE", "/console/session", null).status()).isEqualTo(204);
        assertThat(as(live, "GET", "/v1/agents", null).code()).isEqualTo("session_expired");
    }

    @Test
    void aConsoleUserChangesTheirOwnPasswordKnowingTheCurrentOne() {
        Tenant t = tenant("own");
        JsonNode u = user(t, "viewer");
        String email = u.get("email").asText();
        Browser b = signIn(email, PASSWORD);
        Browser other = signIn(email, PASSWORD);
        String next = "another long passphrase";
        // Without the CSRF token, with a wrong current password, or with a weak new one: refused, nothing changes.
        assertThat(as(b, "POST", "/console/session/password", Map.of("current_password", PASSWORD, "new_password",
                next), false, hub.url("").replaceAll("/$", "")).status()).isEqualTo(403);
        TestHub.Reply wrong = as(b, "POST", "/console/session/password", Map.of("current_password", "not it at all",
                "new_password", next));
        assertThat(wrong.status()).isEqualTo(403);
        assertThat(wrong.code()).isEqualTo("invalid_password");
        assertThat(as(b, "POST", "/console/session/password", Map.of("current_password", PASSWORD, "new_password",
                "short")).status()).isEqualTo(422);
        TestHub.check(as(b, "GET", "/v1/agents", null), 200);

        assertThat(as(b, "POST", "/console/session/password", Map.of("current_password", PASSWORD, "new_password",
                next)).status()).isEqualTo(204);
        // Every session of the user ends; the old password no longer signs in, the new one does.
        assertThat(as(b, "GET", "/v1/agents", null).status()).isEqualTo(401);
        assertThat(as(other, "GET", "/v1/agents", null).status()).isEqualTo(401);
        assertThat(signInReply(Map.of("email", email, "password", PASSWORD)).status()).isEqualTo(401);
        signIn(email, next);
        assertThat(hub.count("SELECT COUNT(*) FROM audit_log WHERE tenant_id = ? AND action = "
                + "'console.password_change' AND outcome = 'success'", t.id())).isEqualTo(1);

        // An API key's session has no password to change.
        TestHub.Reply keySession = TestHub.check(signInReply(Map.of("api_key", t.adminKey())), 201);
        String setCookie = keySession.headers().allValues("set-cookie").stream()
                .filter(c -> c.startsWith("channelhub_session=")).findFirst().orElseThrow();
        Browser k = new Browser(setCookie.substring(0, setCookie.indexOf(';')),
                keySession.json().get("csrf_token").asText(), keySession.json(), keySession);
        assertThat(as(k, "POST", "/console/session/password", Map.of("current_password", "x", "new_password",
                next)).code()).isEqualTo("not_a_password_session");
    }

    @Test
    void anIdleSessionExpires() {
        Tenant t = tenant("idle");
        Browser b = signIn(user(t, "viewer").get("email").asText(), PASSWORD);
        TestHub.check(as(b, "GET", "/v1/agents", null), 200);
        // The first look comes after the 4 s idle timeout: any earlier request would count as use.
        Awaitility.await().pollDelay(Duration.ofSeconds(5)).atMost(Duration.ofSeconds(20))
                .pollInterval(Duration.ofSeconds(5))
                .until(() -> as(b, "GET", "/console/session", null).status() == 401);
        assertThat(as(b, "GET", "/v1/agents", null).code()).isEqualTo("session_expired");
    }

    @Test
    void anApiKeySignInLastsOnlyAsLongAsTheKey() {
        Tenant t = tenant("keys");
        assertThat(signInReply(Map.of("api_key", "chk_nope_" + "x".repeat(32))).code())
                .isEqualTo("invalid_credentials");
        JsonNode key = hub.createKey(t.id(), "editor");
        TestHub.Reply r = TestHub.check(signInReply(Map.of("api_key", key.get("key").asText())), 201);
        String setCookie = r.headers().allValues("set-cookie").get(0);
        Browser b = new Browser(setCookie.substring(0, setCookie.indexOf(';')), r.json().get("csrf_token").asText(),
                r.json(), r);
        assertThat(b.session().get("method").asText()).isEqualTo("api_key");
        assertThat(b.session().get("role").asText()).isEqualTo("editor");
        TestHub.check(as(b, "POST", "/v1/agents", Map.of("slug", "by-key", "name", "By key")), 201);
        TestHub.check(hub.delete(t.adminKey(), "/v1/api-keys/" + key.get("id").asText()), 200);
        assertThat(as(b, "GET", "/v1/agents", null).code()).isEqualTo("session_expired");
    }

    @Test
    void oneTenantsAdminCanNeitherSeeNorTouchAnothersConsoleUsers() {
        Tenant a = tenant("iso-a");
        Tenant b = tenant("iso-b");
        JsonNode ua = user(a, "admin");
        String id = ua.get("id").asText();
        assertThat(hub.get(b.adminKey(), "/v1/console-users").body()).doesNotContain(id)
                .doesNotContain(ua.get("email").asText());
        assertThat(hub.get(b.adminKey(), "/v1/console-users/" + id).status()).isEqualTo(404);
        assertThat(hub.patch(b.adminKey(), "/v1/console-users/" + id, Map.of("password", "taken over passphrase"))
                .status()).isEqualTo(404);
        assertThat(hub.delete(b.adminKey(), "/v1/console-users/" + id).status()).isEqualTo(404);
        assertThat(hub.get(b.adminKey(), "/admin/tenants/" + a.id() + "/console-users").status()).isEqualTo(403);
        // A's admin, signed in, acts in A only: B's conversations and usage are not reachable from the session.
        Browser session = signIn(ua.get("email").asText(), PASSWORD);
        assertThat(as(session, "GET", "/admin/tenants/" + b.id() + "/conversations", null).status()).isEqualTo(403);
        assertThat(as(session, "GET", "/v1/console-users/" + user(b, "viewer").get("id").asText(), null).status())
                .isEqualTo(404);
        // The operator sees both, and A's user is still A's.
        TestHub.check(hub.get(TestHub.ROOT_KEY, "/admin/tenants/" + a.id() + "/console-users/" + id), 200);
        assertThat(hub.get(TestHub.ROOT_KEY, "/admin/tenants/" + b.id() + "/console-users/" + id).status())
                .isEqualTo(404);
        signIn(ua.get("email").asText(), PASSWORD);
    }

    @Test
    void operatorsSignInAndActOnAnyTenant() {
        Tenant t = tenant("ops");
        String email = "op-" + System.nanoTime() + "@integrator.example";
        TestHub.check(hub.post(TestHub.ROOT_KEY, "/admin/console-users", Map.of("email", email, "password",
                PASSWORD)), 201);
        Browser op = signIn(email, PASSWORD);
        assertThat(op.session().get("role").asText()).isEqualTo("super_admin");
        assertThat(op.session().has("tenant_id")).isFalse();
        TestHub.check(as(op, "POST", "/admin/tenants/" + t.id() + "/agents", Map.of("slug", "ops", "name", "Ops")),
                201);
        String conv = TestHub.check(hub.post(t.adminKey(), "/v1/conversations", Map.of()), 201).json().get("id")
                .asText();
        TestHub.check(hub.post(t.adminKey(), "/v1/conversations/" + conv + "/messages", Map.of("content", "hello")),
                201);
        JsonNode history = TestHub.check(as(op, "GET", "/admin/tenants/" + t.id() + "/conversations/" + conv
                + "/messages", null), 200).json().get("data");
        assertThat(history).hasSize(2);
        JsonNode usage = TestHub.check(as(op, "GET", "/admin/tenants/" + t.id() + "/usage?granularity=month", null),
                200).json().get("data");
        assertThat(usage.toString()).contains("messages.in");
    }

    @Test
    void theConsoleIsServedUnderAStrictContentSecurityPolicy() {
        TestHub.Reply redirect = hub.call("GET", "/console", Map.of(), null);
        assertThat(redirect.status()).isEqualTo(303);
        assertThat(redirect.headers().firstValue("location").orElseThrow()).endsWith("/console/");
        TestHub.Reply page = TestHub.check(hub.call("GET", "/console/", Map.of(), null), 200);
        assertThat(page.body()).contains("<script type=\"module\" src=\"console.js\"></script>")
                .doesNotContain("style=").doesNotContain("onclick");
        String csp = page.headers().firstValue("content-security-policy").orElseThrow();
        assertThat(csp).contains("default-src 'none'").contains("script-src 'self'").contains("frame-ancestors 'none'")
                .doesNotContain("unsafe");
        assertThat(page.headers().firstValue("x-content-type-options")).contains("nosniff");
        TestHub.Reply script = TestHub.check(hub.call("GET", "/console/console.js", Map.of(), null), 200);
        assertThat(script.headers().firstValue("content-type").orElseThrow()).startsWith("text/javascript");
        String etag = script.headers().firstValue("etag").orElseThrow();
        assertThat(hub.call("GET", "/console/console.js", Map.of("If-None-Match", etag), null).status())
                .isEqualTo(304);
        TestHub.check(hub.call("GET", "/console/vendor/uPlot.esm.js", Map.of(), null), 200);
        // Only the listed files: nothing else of the jar's classpath, however the name is spelled.
        for (String hidden : List.of("/console/nope.js", "/console/META-INF/MANIFEST.MF", "/console/vendor/uPlot.js",
                "/console/%2e%2e/config.yml", "/console/io/channelhub/hub/HubApplication.class",
                "/console/assets/index.html")) {
            assertThat(hub.call("GET", hidden, Map.of(), null).status()).as(hidden).isIn(400, 404);
        }
    }
}
