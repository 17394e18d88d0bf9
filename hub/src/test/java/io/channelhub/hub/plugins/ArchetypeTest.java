package io.channelhub.hub.plugins;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.sun.net.httpserver.HttpServer;
import io.channelhub.hub.support.TestDatabase;
import io.channelhub.hub.support.TestHub;
import io.channelhub.hub.support.TestPlugins;
import io.dropwizard.testing.ConfigOverride;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A new plugin developer's path, end to end: the archetype generates a channel plugin, which builds and passes its
 * tests against the published artifacts alone (the release repository, in a Maven local repository of its own, so
 * nothing of this build's can leak in); it is installed through the admin API into two running replicas on MariaDB and
 * Redis and serves a tenant on both (signed webhooks in, the agent's replies out through its send); then it is
 * upgraded and uninstalled live. Needs Maven Central for Maven's own plugins on the first run (cached after).
 */
class ArchetypeTest {

    private static final Path ROOT = Path.of(System.getProperty("channelhub.root", ".."));
    /** Kept across runs of this build: Maven's plugins and JUnit, downloaded once. Never this build's artifacts. */
    private static final Path LOCAL_REPO = ROOT.resolve("hub/target/archetype-m2");

    @TempDir
    Path work;
    @TempDir
    static Path firstPlugins;
    @TempDir
    static Path secondPlugins;

    private Path settings() throws IOException {
        // The plugin-api, plugin-testkit and archetype this build published, and nothing else of ChannelHub.
        for (Path stale : List.of(LOCAL_REPO.resolve("io/channelhub"))) {
            deleteTree(stale);
        }
        String repo = ROOT.resolve("target/release-repo").toAbsolutePath().normalize().toUri().toString();
        Path s = work.resolve("settings.xml");
        Files.writeString(s, "<settings><localRepository>" + LOCAL_REPO.toAbsolutePath().normalize()
                + "</localRepository><profiles><profile><id>channelhub</id><repositories><repository>"
                + "<id>channelhub</id><url>" + repo + "</url></repository></repositories></profile></profiles>"
                + "<activeProfiles><activeProfile>channelhub</activeProfile></activeProfiles></settings>");
        return s;
    }

    private String mvn(Path dir, Path settings, String... args) throws Exception {
        List<String> command = new ArrayList<>(List.of("mvn", "-B", "-s", settings.toString()));
        command.addAll(List.of(args));
        Path log = work.resolve("mvn-" + System.nanoTime() + ".log");
        Process p = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true)
                .redirectOutput(log.toFile()).start();
        assertThat(p.waitFor(10, TimeUnit.MINUTES)).as("maven finished").isTrue();
        String out = Files.readString(log);
        assertThat(p.exitValue()).as(String.join(" ", command) + "\n" + out).isZero();
        return out;
    }

    /** A provider's messages endpoint: records each reply, answers {@code id=prov-<n>}. */
    private static final class FakeProvider implements AutoCloseable {
        final List<String> replies = new CopyOnWriteArrayList<>();
        final AtomicInteger n = new AtomicInteger();
        final HttpServer server;

        FakeProvider() throws IOException {
            server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
            server.createContext("/v1/messages", ex -> {
                replies.add(ex.getRequestHeaders().getFirst("Authorization") + " "
                        + new String(ex.getRequestBody().readAllBytes(), StandardCharsets.UTF_8));
                byte[] body = ("id=prov-" + n.incrementAndGet()).getBytes(StandardCharsets.UTF_8);
                ex.sendResponseHeaders(201, body.length);
                ex.getResponseBody().write(body);
                ex.close();
            });
            server.start();
        }

        String url() {
            return "http://127.0.0.1:" + server.getAddress().getPort() + "/v1/messages";
        }

        @Override
        public void close() {
            server.stop(0);
        }
    }

    private static TestHub.Reply install(TestHub hub, Path jar) throws IOException {
        return hub.callBinary("POST", "/admin/plugins", Map.of("Authorization", "Bearer " + TestHub.ROOT_KEY,
                "Content-Type", "application/java-archive", "X-Filename", jar.getFileName().toString()),
                Files.readAllBytes(jar));
    }

    private static String state(TestHub hub) {
        TestHub.Reply r = hub.get(TestHub.ROOT_KEY, "/admin/plugins/acme-channel");
        return r.status() == 404 ? "absent" : r.json().get("state").asText() + " " + r.json().get("version").asText();
    }

    /** The provider's webhook for a message from {@code from}, signed as the generated channel expects. */
    private static TestHub.Reply webhook(TestHub hub, String instance, String id, String from, String text)
            throws Exception {
        String body = "id=" + id + "&from=" + from + "&text=" + java.net.URLEncoder.encode(text,
                StandardCharsets.UTF_8);
        Mac mac = Mac.getInstance("HmacSHA256");
        mac.init(new SecretKeySpec("whsec-1".getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
        String signature = HexFormat.of().formatHex(mac.doFinal(body.getBytes(StandardCharsets.UTF_8)));
        return hub.call("POST", "/hooks/instances/" + instance, Map.of("Content-Type",
                "application/x-www-form-urlencoded", "X-Signature", "sha256=" + signature), body);
    }

    @Test
    void aGeneratedPluginBuildsOnThePublishedArtifactsAndIsInstalledUpgradedAndRemovedOnTwoReplicas()
            throws Exception {
        Path settings = settings();
        mvn(work, settings, "archetype:generate", "-DarchetypeGroupId=io.channelhub",
                "-DarchetypeArtifactId=plugin-archetype", "-DarchetypeVersion=" + io.channelhub.plugin.PluginApi.VERSION,
                "-DgroupId=com.example", "-DartifactId=acme-channel", "-Dversion=1.0.0",
                "-Dpackage=com.example.acme", "-DchannelName=Acme", "-DchannelType=acme",
                "-DchannelhubRepositoryUrl=" + ROOT.resolve("target/release-repo").toAbsolutePath().normalize().toUri(),
                "-DinteractiveMode=false");
        Path project = work.resolve("acme-channel");
        String built = mvn(project, settings, "package");
        assertThat(built).contains("Tests run: 10, Failures: 0, Errors: 0");
        assertThat(LOCAL_REPO.resolve("io/channelhub/plugin-api/" + io.channelhub.plugin.PluginApi.VERSION))
                .as("the API came from the release repository into the plugin's own local repository").isDirectory();
        Path v1 = project.resolve("target/acme-channel-1.0.0.jar");

        String redis = System.getenv().getOrDefault("CHANNELHUB_TEST_REDIS_URI", "redis://127.0.0.1:6379");
        ConfigOverride[] config = {ConfigOverride.config("redis.uri", redis),
            ConfigOverride.config("plugins.syncInterval", "1h")};
        TestPlugins.testChannel(firstPlugins);
        TestPlugins.testChannel(secondPlugins);
        TestDatabase db = TestDatabase.create(TestDatabase.Kind.MARIADB);
        try (FakeProvider provider = new FakeProvider();
             TestHub first = TestHub.start(db, firstPlugins, config);
             TestHub second = TestHub.replica(db, secondPlugins, config)) {
            TestHub.check(install(first, v1), 201);
            await().atMost(Duration.ofSeconds(15)).until(() -> state(second).equals("started 1.0.0"));

            String tenant = first.createTenant("archetype-" + Long.toString(System.nanoTime(), 36));
            String key = first.createKey(tenant, "admin").get("key").asText();
            TestHub.check(first.post(key, "/v1/agents", Map.of("slug", "support", "name", "Support")), 201);
            String instance = TestHub.check(second.post(key, "/v1/channel-instances", Map.of("plugin_id",
                    "acme-channel", "name", "Acme", "settings", Map.of("api_url", provider.url(), "api_token",
                    "tok-1", "webhook_secret", "whsec-1"))), 201).json().get("id").asText();

            // Served on both replicas: the webhook is stored (200), the agent answers, the reply goes out.
            assertThat(webhook(first, instance, "in-1", "5511990000001", "hello from one").status()).isEqualTo(200);
            assertThat(webhook(second, instance, "in-2", "5511990000002", "hello from two").status())
                    .isEqualTo(200);
            // A forged webhook is refused by the plugin, as its contract test says.
            assertThat(first.call("POST", "/hooks/instances/" + instance, Map.of("X-Signature", "sha256=00"),
                    "id=x&from=y").status()).isEqualTo(401);
            await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> assertThat(provider.replies)
                    .anyMatch(r -> r.startsWith("Bearer tok-1 to=5511990000001&text="))
                    .anyMatch(r -> r.startsWith("Bearer tok-1 to=5511990000002&text=")));

            // Upgraded live: version 1.1.0 of the same project.
            Path pom = project.resolve("pom.xml");
            Files.writeString(pom, Files.readString(pom).replaceFirst("<version>1.0.0</version>",
                    "<version>1.1.0</version>"));
            mvn(project, settings, "-o", "package");
            TestHub.check(install(second, project.resolve("target/acme-channel-1.1.0.jar")), 200);
            await().atMost(Duration.ofSeconds(15)).untilAsserted(() -> {
                assertThat(state(first)).isEqualTo("started 1.1.0");
                assertThat(state(second)).isEqualTo("started 1.1.0");
            });
            assertThat(webhook(first, instance, "in-3", "5511990000003", "after the upgrade").status())
                    .isEqualTo(200);
            await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> assertThat(provider.replies)
                    .anyMatch(r -> r.startsWith("Bearer tok-1 to=5511990000003&text=")));

            // Uninstalled live: gone from both; its instance answers 503 (try again), its data stays.
            TestHub.check(first.delete(TestHub.ROOT_KEY, "/admin/plugins/acme-channel"), 204);
            await().atMost(Duration.ofSeconds(15)).until(() -> state(second).equals("absent"));
            assertThat(webhook(second, instance, "in-4", "5511990000004", "anyone?").status()).isEqualTo(503);
            assertThat(TestHub.check(first.get(key, "/v1/channel-instances/" + instance), 200).json()
                    .get("id").asText()).isEqualTo(instance);
        }
    }

    private static void deleteTree(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return;
        }
        try (var walk = Files.walk(dir)) {
            for (Path p : walk.sorted(java.util.Comparator.reverseOrder()).toList()) {
                Files.delete(p);
            }
        }
    }
}
