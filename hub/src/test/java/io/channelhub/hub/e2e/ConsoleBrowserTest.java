package io.channelhub.hub.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import io.channelhub.hub.support.TestDatabase;
import io.channelhub.hub.support.TestHub;
import io.dropwizard.testing.ConfigOverride;
import java.io.IOException;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * The operator console in a real browser: the hub with the bundled plugin jars, and
 * {@code hub/src/test/e2e/console.e2e.mjs} (Node's test runner, playwright-core driving Debian's headless Chromium).
 * An operator signs in, creates a tenant, configures a channel instance through the form made from the plugin's
 * schema, manages keys, watches a conversation while a message arrives and reads the usage chart; a viewer finds no
 * write action and is refused when trying anyway. Chromium and Node are required: without them this test fails.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ConsoleBrowserTest {

    private static final String OPERATOR = "operator@integrator.example";
    private static final String OPERATOR_PASSWORD = "operator passphrase 2026";
    private static final String VIEWER = "viewer@acme.example";
    private static final String VIEWER_PASSWORD = "viewer passphrase 2026";

    private TestHub hub;

    @BeforeAll
    void start() throws IOException {
        hub = TestHub.start(TestDatabase.create(TestDatabase.Kind.H2), BrowserSuite.plugins(name -> true),
                ConfigOverride.config("rateLimits.publicPerIp.capacity", "100000"),
                ConfigOverride.config("rateLimits.consoleSignIn.capacity", "1000"),
                ConfigOverride.config("rateLimits.consoleSignIn.period", "1m"));
    }

    @AfterAll
    void stop() {
        if (hub != null) {
            hub.close();
        }
    }

    @Test
    void operatorsAndViewersUseTheConsoleInARealBrowser() throws Exception {
        String slug = "acme-" + Long.toString(System.nanoTime() % 1_000_000_000L, 36);
        String tenant = hub.createTenant(slug);
        String admin = hub.createKey(tenant, "admin").get("key").asText();
        TestHub.check(hub.post(admin, "/v1/agents", Map.of("slug", "support", "name", "Support")), 201);
        String conversation = TestHub.check(hub.post(admin, "/v1/conversations", Map.of("title", "Order 1234")), 201)
                .json().get("id").asText();
        TestHub.check(hub.post(admin, "/v1/conversations/" + conversation + "/messages",
                Map.of("content", "Hello, where is my order?")), 201);
        TestHub.check(hub.post(TestHub.ROOT_KEY, "/admin/console-users", Map.of("email", OPERATOR,
                "display_name", "Olga Operator", "password", OPERATOR_PASSWORD)), 201);
        TestHub.check(hub.post(TestHub.ROOT_KEY, "/admin/tenants/" + tenant + "/console-users", Map.of("email", VIEWER,
                "role", "viewer", "password", VIEWER_PASSWORD)), 201);

        TestHub.check(hub.post(TestHub.ROOT_KEY, "/admin/billing/plans", Map.of("code", "starter", "name", "Starter",
                "price_minor", 9900, "billing_cycle", "monthly")), 201);

        Map<String, String> env = new java.util.HashMap<>(Map.of("HUB_URL", hub.url(""), "OPERATOR_EMAIL", OPERATOR,
                "OPERATOR_PASSWORD", OPERATOR_PASSWORD, "VIEWER_EMAIL", VIEWER, "VIEWER_PASSWORD", VIEWER_PASSWORD,
                "TENANT_SLUG", slug, "TENANT_KEY", admin, "CONVERSATION_ID", conversation));
        env.put("PLAN_CODE", "starter");
        // The plugin the operator installs, upgrades and removes in the browser, as files on disk.
        java.nio.file.Path jars = java.nio.file.Files.createTempDirectory("console-plugins");
        env.put("PLUGIN_JAR_V1", java.nio.file.Files.write(jars.resolve("live-channel-1.0.0.jar"),
                io.channelhub.hub.plugins.LivePluginJars.jar("1.0.0", false)).toString());
        env.put("PLUGIN_JAR_V2", java.nio.file.Files.write(jars.resolve("live-channel-1.1.0.jar"),
                io.channelhub.hub.plugins.LivePluginJars.jar("1.1.0", false)).toString());
        env.put("PLUGIN_JAR_BROKEN", java.nio.file.Files.write(jars.resolve("live-channel-1.2.0.jar"),
                io.channelhub.hub.plugins.LivePluginJars.jar("1.2.0", true)).toString());
        BrowserSuite.run("console.e2e.mjs", env);
        for (String shot : List.of("console-plugins.png", "console-tenants.png", "console-channel-form.png", "console-conversation.png",
                "console-usage.png", "console-viewer.png", "console-sign-in.png")) {
            assertThat(BrowserSuite.SHOTS.resolve(shot)).isNotEmptyFile();
        }
        // What the browser did went through the core: the tenant it created exists, with the channel it configured.
        long instances = hub.app().jdbi().withHandle(h -> h.createQuery("SELECT COUNT(*) FROM channel_instances ci "
                        + "JOIN tenants t ON t.id = ci.tenant_id WHERE t.slug LIKE 'e2e-%' AND ci.name = :n")
                .bind("n", "Acme website (main)").mapTo(Long.class).one());
        assertThat(instances).isEqualTo(1);
        long signIns = hub.app().jdbi().withHandle(h -> h.createQuery("SELECT COUNT(*) FROM audit_log WHERE action = "
                + "'console.sign_in'").mapTo(Long.class).one());
        assertThat(signIns).isGreaterThanOrEqualTo(3);
    }
}
