package io.channelhub.image;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The built image, taken apart and run the way a container runtime runs it: its layers unpacked in order into a root
 * of its own, the root mounted read-only with a private /proc, a tmpfs on /tmp and on the usage spool (the chart's
 * volumes), the entrypoint from the image's configuration executed as uid 10001 with the image's environment plus
 * the configuration a deployment gives (MariaDB and Redis of this machine), and nothing of the host's environment.
 * It must become ready, serve the API, stop on SIGTERM, and carry the name and tag the Helm chart deploys.
 */
class ImageIT {

    private static final Path ROOT = Path.of(System.getProperty("channelhub.root", "../.."));
    private static final Path TAR = Path.of(System.getProperty("channelhub.image.tar", "target/channelhub-image.tar"));
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());
    private static final String MARIADB = System.getenv().getOrDefault("CHANNELHUB_TEST_MARIADB", "127.0.0.1:3306");
    private static final String REDIS = System.getenv().getOrDefault("CHANNELHUB_TEST_REDIS_URI",
            "redis://127.0.0.1:6379");

    @TempDir
    Path work;

    private static String run(Path dir, String... command) throws Exception {
        Process p = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(5, TimeUnit.MINUTES)).isTrue();
        assertThat(p.exitValue()).as(String.join(" ", command) + "\n" + out).isZero();
        return out;
    }

    private static JsonNode blob(Path layout, String digest) throws IOException {
        return JSON.readTree(layout.resolve("blobs/sha256/" + digest.substring("sha256:".length())).toFile());
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }

    @Test
    void theImageRunsAsARuntimeWouldRunItAgainstMariaDbAndRedis() throws Exception {
        assertThat(TAR).as("the image tarball the build wrote").exists();
        Path layout = Files.createDirectories(work.resolve("oci"));
        run(work, "tar", "-xf", TAR.toAbsolutePath().toString(), "-C", layout.toString());

        // The OCI layout: the index names the image, the manifest lists the layers, the configuration says how to run.
        JsonNode index = JSON.readTree(layout.resolve("index.json").toFile());
        JsonNode values = YAML.readTree(ROOT.resolve("helm/channelhub/values.yaml").toFile());
        JsonNode chart = YAML.readTree(ROOT.resolve("helm/channelhub/Chart.yaml").toFile());
        String name = index.path("manifests").path(0).path("annotations").path("org.opencontainers.image.ref.name")
                .asText();
        assertThat(name).as("the chart deploys the image the build makes")
                .isEqualTo(values.path("image").path("repository").asText() + ":" + chart.path("appVersion").asText())
                .isEqualTo(System.getProperty("channelhub.image"));
        JsonNode manifest = blob(layout, index.path("manifests").path(0).path("digest").asText());
        JsonNode config = blob(layout, manifest.path("config").path("digest").asText()).path("config");
        assertThat(config.path("User").asText()).isEqualTo("10001:10001");

        Path rootfs = Files.createDirectories(work.resolve("rootfs"));
        for (JsonNode layer : manifest.path("layers")) {
            assertThat(layer.path("mediaType").asText()).endsWith("tar+gzip");
            run(work, "tar", "-xzf", layout.resolve("blobs/sha256/" + layer.path("digest").asText().substring(7))
                    .toString(), "-C", rootfs.toString());
        }
        assertThat(rootfs.resolve("opt/channelhub/channelhub.jar")).isRegularFile();
        assertThat(rootfs.resolve("opt/channelhub/scripts/backup-mariadb.sh")).isRegularFile();
        try (Stream<Path> plugins = Files.list(rootfs.resolve("opt/channelhub/plugins"))) {
            assertThat(plugins.filter(p -> p.toString().endsWith(".jar")).count()).isGreaterThanOrEqualTo(4);
        }
        assertThat(Files.readString(rootfs.resolve("etc/passwd"))).contains(":10001:10001:");
        assertThat(run(work, "find", rootfs.toString(), "-perm", "/6000", "-type", "f")).as("no setuid files")
                .isBlank();

        String db = "image_it_" + Long.toString(System.nanoTime(), 36);
        try (Connection c = DriverManager.getConnection("jdbc:mariadb://" + MARIADB + "/", "root", "");
             Statement s = c.createStatement()) {
            s.execute("CREATE DATABASE " + db + " CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci");
        }
        int port = freePort();
        int admin = freePort();
        List<String> entrypoint = new ArrayList<>();
        config.path("Entrypoint").forEach(a -> entrypoint.add(a.asText()));
        config.path("Cmd").forEach(a -> entrypoint.add(a.asText()));
        String mounts = String.join(" && ",
                "mount --bind \"$R\" \"$R\"", "mount -o remount,bind,ro \"$R\"",
                "mount -t proc proc \"$R/proc\"", "mount -t tmpfs -o mode=1777 tmpfs \"$R/tmp\"",
                "mount -t tmpfs -o uid=10001,gid=10001 tmpfs \"$R/var/lib/channelhub/usage-spool\"",
                "exec chroot --userspec=" + config.path("User").asText() + " \"$R\" \"$@\"");
        List<String> command = new ArrayList<>(List.of("unshare", "--mount", "--pid", "--fork", "--kill-child",
                "sh", "-c", "cd \"$R\" && " + mounts, "container"));
        command.addAll(entrypoint);
        ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true)
                .redirectOutput(work.resolve("hub.log").toFile());
        Map<String, String> env = pb.environment();
        env.clear();
        // The image's environment, then what a deployment sets; nothing of the host's.
        config.path("Env").forEach(e -> {
            String[] kv = e.asText().split("=", 2);
            env.put(kv[0], kv[1]);
        });
        env.put("R", rootfs.toString());
        env.put("PATH", "/usr/sbin:/usr/bin:/sbin:/bin");
        env.put("CHANNELHUB_PORT", Integer.toString(port));
        env.put("CHANNELHUB_ADMIN_PORT", Integer.toString(admin));
        env.put("CHANNELHUB_DB_DRIVER", "org.mariadb.jdbc.Driver");
        env.put("CHANNELHUB_DB_URL", "jdbc:mariadb://" + MARIADB + "/" + db);
        env.put("CHANNELHUB_DB_USER", "root");
        env.put("CHANNELHUB_DB_PASSWORD", "");
        env.put("CHANNELHUB_REDIS_URI", REDIS);
        env.put("CHANNELHUB_SECRETS_KEY", "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=");
        env.put("CHANNELHUB_DEMO", "false");
        Process hub = pb.start();
        HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
        try {
            Awaitility.await().atMost(Duration.ofMinutes(3)).pollInterval(Duration.ofSeconds(1)).until(() -> {
                assertThat(hub.isAlive()).as(Files.readString(work.resolve("hub.log"))).isTrue();
                try {
                    return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + admin + "/health/ready"))
                            .build(), HttpResponse.BodyHandlers.ofString()).statusCode() == 200;
                } catch (IOException e) {
                    return false;
                }
            });
            HttpResponse<String> ready = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + admin
                    + "/health/ready")).build(), HttpResponse.BodyHandlers.ofString());
            JsonNode checks = JSON.readTree(ready.body());
            assertThat(checks.path("status").asText()).isEqualTo("ready");
            assertThat(checks.path("checks").path("redis").path("healthy").asBoolean()).isTrue();
            assertThat(checks.path("checks").path("plugin-channel-whatsapp").path("healthy").asBoolean()).isTrue();
            HttpResponse<String> me = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port
                    + "/v1/me")).build(), HttpResponse.BodyHandlers.ofString());
            assertThat(me.statusCode()).isEqualTo(401);
            // The JVM runs as the image's user, and JSON is all it writes.
            String log = Files.readString(work.resolve("hub.log"));
            assertThat(log.lines().filter(l -> !l.isBlank())).allSatisfy(l -> assertThat(l).startsWith("{"));
            String pid = run(work, "pgrep", "-f", "-n", "channelhub.jar server /opt/channelhub/config.yml").strip();
            assertThat(Files.readString(Path.of("/proc", pid, "status"))).containsPattern("(?m)^Uid:\\s+10001\\s");
            // Its root is read-only: the fourth field of mountinfo is the mount's root, the fifth where it is.
            assertThat(Files.readAllLines(Path.of("/proc", pid, "mountinfo"))).anySatisfy(line -> {
                String[] f = line.split(" ");
                assertThat(f[4]).isEqualTo("/");
                assertThat(f[5]).startsWith("ro");
            });
            // SIGTERM, as a runtime stops a container: it drains and exits.
            run(work, "kill", "-TERM", pid);
            assertThat(hub.waitFor(60, TimeUnit.SECONDS)).as("stopped on SIGTERM").isTrue();
        } finally {
            hub.destroyForcibly();
            try (Connection c = DriverManager.getConnection("jdbc:mariadb://" + MARIADB + "/", "root", "");
                 Statement s = c.createStatement()) {
                s.execute("DROP DATABASE IF EXISTS " + db);
            }
        }
    }
}
