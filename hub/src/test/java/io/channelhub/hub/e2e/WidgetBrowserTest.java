package io.channelhub.hub.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import io.channelhub.hub.support.TestDatabase;
import io.channelhub.hub.support.TestHub;
import io.channelhub.hub.support.TestPlugins;
import io.dropwizard.testing.ConfigOverride;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * The widget in a real browser: the hub with the bundled channel-web jar, and {@code hub/src/test/e2e/widget.e2e.mjs}
 * (Node's test runner, playwright-core driving Debian's headless Chromium) serving tenant sites on two origins,
 * one allowed and one not. Chromium and Node are required: without them this test fails, it never skips.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class WidgetBrowserTest {

    private static final Path E2E = Path.of(System.getProperty("channelhub.root", "..")).resolve("hub/src/test/e2e");
    private static final String SECRET = "browser-test-identity-secret-42";

    private TestHub hub;

    @BeforeAll
    void start() throws IOException {
        Path plugins = Files.createTempDirectory("plugins");
        Path dist = Path.of(System.getProperty("channelhub.dist", "../target/channelhub")).resolve("plugins");
        try (var files = Files.list(dist)) {
            Path jar = files.filter(p -> p.getFileName().toString().startsWith("channel-web-")).findFirst()
                    .orElseThrow(() -> new AssertionError("no channel-web jar in " + dist + "; run mvn package"));
            Files.copy(jar, plugins.resolve(jar.getFileName()), StandardCopyOption.REPLACE_EXISTING);
        }
        TestPlugins.testChannel(plugins);
        // One suite run loads about a dozen pages from one address within seconds.
        hub = TestHub.start(TestDatabase.create(TestDatabase.Kind.H2), plugins,
                ConfigOverride.config("rateLimits.publicPerIp.capacity", "100000"));
    }

    @AfterAll
    void stop() {
        if (hub != null) {
            hub.close();
        }
    }

    @Test
    void theWidgetWorksInARealBrowser() throws Exception {
        int site = freePort();
        int other = freePort();
        String tenant = hub.createTenant("browser-" + Long.toString(System.nanoTime() % 1_000_000_000L, 36));
        String admin = hub.createKey(tenant, "admin").get("key").asText();
        TestHub.check(hub.post(admin, "/v1/agents", Map.of("slug", "support", "name", "Support")), 201);
        String origin = "http://localhost:" + site;
        String widget = TestHub.check(hub.post(admin, "/v1/channel-instances", Map.of("plugin_id", "channel-web",
                "name", "Acme site", "settings", Map.of("allowed_origins", List.of(origin), "title", "Acme",
                        "greeting", "Olá! Como posso ajudar?"))), 201).json().get("id").asText();
        String verified = TestHub.check(hub.post(admin, "/v1/channel-instances", Map.of("plugin_id",
                "channel-web", "name", "Acme app", "settings", Map.of("allowed_origins", List.of(origin),
                        "identity_verification", true, "identity_secret", SECRET))), 201).json().get("id").asText();
        String userId = "customer-" + System.nanoTime();

        installModules();
        Path shots = Path.of("target", "screenshots").toAbsolutePath();
        Files.createDirectories(shots);
        Path log = Path.of("target", "widget-e2e.log").toAbsolutePath();
        ProcessBuilder pb = new ProcessBuilder("node", "--test", "widget.e2e.mjs").directory(E2E.toFile())
                .redirectErrorStream(true).redirectOutput(log.toFile());
        pb.environment().putAll(Map.of("HUB_URL", hub.url(""), "SITE_PORT",
                Integer.toString(site), "OTHER_SITE_PORT", Integer.toString(other), "WIDGET_ID", widget,
                "VERIFIED_WIDGET_ID", verified, "USER_ID", userId, "USER_HASH", hmac(SECRET, userId),
                "SCREENSHOT_DIR", shots.toString()));
        Process p = pb.start();
        boolean finished = p.waitFor(5, TimeUnit.MINUTES);
        if (!finished) {
            p.destroyForcibly();
        }
        String output = Files.readString(log);
        assertThat(finished).as("the browser suite finished in time:\n" + output).isTrue();
        assertThat(p.exitValue()).as("the browser suite passed:\n" + output).isZero();
        assertThat(output).contains("# fail 0");
        for (String shot : List.of("widget-floating-light.png", "widget-floating-dark.png",
                "widget-inline-light.png", "widget-inline-dark.png")) {
            assertThat(shots.resolve(shot)).isNotEmptyFile();
        }
        // What the browser did went through the core: stored, attributed to the widget, metered.
        long stored = hub.app().jdbi().withHandle(h -> h.createQuery("SELECT COUNT(*) FROM messages m JOIN "
                        + "conversations c ON c.tenant_id = m.tenant_id AND c.id = m.conversation_id WHERE "
                        + "c.tenant_id = :t AND c.channel_instance_id = :w AND m.role = 'user'")
                .bind("t", tenant).bind("w", widget).mapTo(Long.class).one());
        assertThat(stored).isGreaterThanOrEqualTo(2);
    }

    /** npm ci from the committed lock file when the modules are missing (a fresh checkout). */
    static void installModules() throws IOException, InterruptedException {
        if (Files.isDirectory(E2E.resolve("node_modules/playwright-core"))) {
            return;
        }
        Process npm = new ProcessBuilder("npm", "ci", "--no-audit", "--no-fund").directory(E2E.toFile())
                .redirectErrorStream(true).start();
        String out = new String(npm.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(npm.waitFor(5, TimeUnit.MINUTES)).as("npm ci finished").isTrue();
        assertThat(npm.exitValue()).as("npm ci:\n" + out).isZero();
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }

    private static String hmac(String secret, String userId) throws Exception {
        Mac mac = Mac.getInstance("HmacSHA256");
        mac.init(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
        return HexFormat.of().formatHex(mac.doFinal(userId.getBytes(StandardCharsets.UTF_8)));
    }
}
