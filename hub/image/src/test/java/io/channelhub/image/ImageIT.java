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
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The built images run as a container runtime runs them (see {@link OciImage}), against this machine's MariaDB and
 * Redis: the hub's becomes ready, serves, logs JSON only, runs as 10001 on a read-only root and stops on SIGTERM;
 * the backup job's backs the hub's database up with the shipped script. Both carry the names the Helm chart deploys.
 */
class ImageIT {

    private static final Path ROOT = Path.of(System.getProperty("channelhub.root", "../.."));
    private static final String ROOT_KEY = "chk_ImgRoot1_" + "r".repeat(16) + "0123456789abcdef";
    private static final Path TARGET = Path.of(System.getProperty("channelhub.image.tar",
            "target/channelhub-image.tar")).getParent();
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());
    private static final String MARIADB = System.getenv().getOrDefault("CHANNELHUB_TEST_MARIADB", "127.0.0.1:3306");
    private static final String REDIS = System.getenv().getOrDefault("CHANNELHUB_TEST_REDIS_URI",
            "redis://127.0.0.1:6379");

    @TempDir
    Path work;

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }

    private static String createDatabase() throws Exception {
        String db = "image_it_" + Long.toString(System.nanoTime(), 36);
        try (Connection c = DriverManager.getConnection("jdbc:mariadb://" + MARIADB + "/", "root", "");
             Statement s = c.createStatement()) {
            s.execute("CREATE DATABASE " + db + " CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci");
        }
        return db;
    }

    private static void dropDatabase(String db) throws Exception {
        try (Connection c = DriverManager.getConnection("jdbc:mariadb://" + MARIADB + "/", "root", "");
             Statement s = c.createStatement()) {
            s.execute("DROP DATABASE IF EXISTS " + db);
        }
    }

    private static Map<String, String> hubEnvironment(String db, int port, int admin) {
        Map<String, String> env = new HashMap<>();
        env.put("CHANNELHUB_PORT", Integer.toString(port));
        env.put("CHANNELHUB_ADMIN_PORT", Integer.toString(admin));
        env.put("CHANNELHUB_DB_DRIVER", "org.mariadb.jdbc.Driver");
        env.put("CHANNELHUB_DB_URL", "jdbc:mariadb://" + MARIADB + "/" + db);
        env.put("CHANNELHUB_DB_USER", "root");
        env.put("CHANNELHUB_DB_PASSWORD", "");
        env.put("CHANNELHUB_REDIS_URI", REDIS);
        env.put("CHANNELHUB_SECRETS_KEY", "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=");
        env.put("CHANNELHUB_DEMO", "false");
        env.put("CHANNELHUB_BOOTSTRAP_KEY", ROOT_KEY);
        return env;
    }

    /** The chart's image for {@code component}: its repository (or the hub's with -backup) and appVersion. */
    private static String chartImage(boolean backup) throws IOException {
        JsonNode values = YAML.readTree(ROOT.resolve("helm/channelhub/values.yaml").toFile());
        JsonNode chart = YAML.readTree(ROOT.resolve("helm/channelhub/Chart.yaml").toFile());
        String repository = backup ? values.path("backup").path("image").path("repository").asText()
                : values.path("image").path("repository").asText();
        return repository + ":" + chart.path("appVersion").asText();
    }

    @Test
    void theHubsImageRunsAsARuntimeWouldRunItAgainstMariaDbAndRedis() throws Exception {
        OciImage image = OciImage.unpack(TARGET.resolve("channelhub-image.tar"), work);
        assertThat(image.name()).as("the chart deploys the image the build makes").isEqualTo(chartImage(false))
                .isEqualTo(System.getProperty("channelhub.image"));
        assertThat(image.config().path("User").asText()).isEqualTo("10001:10001");
        Path rootfs = image.rootfs();
        assertThat(rootfs.resolve("opt/channelhub/channelhub.jar")).isRegularFile();
        assertThat(rootfs.resolve("opt/channelhub/scripts/backup-mariadb.sh")).isRegularFile();
        try (Stream<Path> plugins = Files.list(rootfs.resolve("opt/channelhub/plugins"))) {
            assertThat(plugins.filter(p -> p.toString().endsWith(".jar")).count()).isGreaterThanOrEqualTo(4);
        }
        assertThat(Files.readString(rootfs.resolve("etc/passwd"))).contains(":10001:10001:");
        assertThat(OciImage.run(work, "find", rootfs.toString(), "-perm", "/6000", "-type", "f"))
                .as("no setuid files").isBlank();

        // What the Helm chart runs in this image besides the entrypoint, by name on the image's PATH: "java" for the
        // hub and the migration job, sh with find and cp for the plugin-copying init containers, sleep for preStop.
        Path chartLog = work.resolve("chart-commands.log");
        Path plugins = Files.createDirectories(work.resolve("plugin-copies"));
        OciImage.run(work, "chown", "10001:10001", plugins.toString());
        Process chartCommands = image.start(Map.of(), Map.of("/var/lib/channelhub/usage-spool", plugins), chartLog,
                image.command("sh", "-c", "java -version && find /opt/channelhub/plugins -maxdepth 1 -name '*.jar' "
                        + "-exec cp {} /var/lib/channelhub/usage-spool/ \\; && sleep 0"));
        assertThat(chartCommands.waitFor(1, TimeUnit.MINUTES)).isTrue();
        assertThat(chartCommands.exitValue()).as(Files.readString(chartLog)).isZero();
        try (Stream<Path> copied = Files.list(plugins)) {
            assertThat(copied.count()).isGreaterThanOrEqualTo(4);
        }

        String db = createDatabase();
        int port = freePort();
        int admin = freePort();
        Path log = work.resolve("hub.log");
        Process hub = image.start(hubEnvironment(db, port, admin), java.util.Collections.singletonMap("/var/lib/channelhub/usage-spool", null),
                log, image.command());
        HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
        try {
            Awaitility.await().atMost(Duration.ofMinutes(3)).pollInterval(Duration.ofSeconds(1)).until(() -> {
                assertThat(hub.isAlive()).as(Files.readString(log)).isTrue();
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
            knowledgeWorks(http, port);
            // JSON is all it writes.
            assertThat(Files.readString(log).lines().filter(l -> !l.isBlank()))
                    .allSatisfy(l -> assertThat(l).startsWith("{"));
            String pid = OciImage.run(work, "pgrep", "-f", "-n", "channelhub.jar server /opt/channelhub/config.yml")
                    .strip();
            assertThat(Files.readString(Path.of("/proc", pid, "status"))).containsPattern("(?m)^Uid:\\s+10001\\s");
            // Its root is read-only: the fifth field of mountinfo is where a mount is, the sixth its options.
            assertThat(Files.readAllLines(Path.of("/proc", pid, "mountinfo"))).anySatisfy(line -> {
                String[] f = line.split(" ");
                assertThat(f[4]).isEqualTo("/");
                assertThat(f[5]).startsWith("ro");
            });
            // SIGTERM, as a runtime stops a container: it drains and exits.
            OciImage.run(work, "kill", "-TERM", pid);
            assertThat(hub.waitFor(60, TimeUnit.SECONDS)).as("stopped on SIGTERM").isTrue();
        } finally {
            hub.destroyForcibly();
            dropDatabase(db);
        }
    }

    /**
     * Knowledge in the image: Tika reads an upload, the in-process embedding model (ONNX Runtime and DJL's
     * tokenizer, native libraries unpacked into /tmp with the root read-only) embeds it, and the Lucene plugin
     * finds it.
     */
    private static void knowledgeWorks(HttpClient http, int port) throws Exception {
        String base = "http://127.0.0.1:" + port;
        JsonNode tenant = JSON.readTree(send(http, HttpRequest.newBuilder(URI.create(base + "/admin/tenants"))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{\"slug\":\"image-kb\",\"name\":\"Image KB\"}")), 201));
        String t = base + "/admin/tenants/" + tenant.path("id").asText();
        String boundary = "----image" + System.nanoTime();
        String body = "--" + boundary + "\r\nContent-Disposition: form-data; name=\"file\"; filename=\"hours.txt\"\r\n"
                + "Content-Type: application/octet-stream\r\n\r\nNorthwind Bikes opens at nine and closes at six on "
                + "weekdays; on Sundays the Belem shop is closed.\r\n--" + boundary + "\r\nContent-Disposition: form-data; "
                + "name=\"purpose\"\r\n\r\nassistants\r\n--" + boundary + "--\r\n";
        JsonNode file = JSON.readTree(send(http, HttpRequest.newBuilder(URI.create(t + "/files"))
                .header("Content-Type", "multipart/form-data; boundary=" + boundary)
                .POST(HttpRequest.BodyPublishers.ofString(body)), 200));
        JsonNode store = JSON.readTree(send(http, HttpRequest.newBuilder(URI.create(t + "/vector_stores"))
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(
                        "{\"file_ids\":[\"" + file.path("id").asText() + "\"]}")), 200));
        String s = t + "/vector_stores/" + store.path("id").asText();
        Awaitility.await().atMost(Duration.ofMinutes(2)).pollInterval(Duration.ofMillis(500)).untilAsserted(() -> {
            JsonNode entry = JSON.readTree(send(http, HttpRequest.newBuilder(URI.create(s + "/files/"
                    + file.path("id").asText())).GET(), 200));
            assertThat(entry.path("status").asText()).as(entry.toString()).isEqualTo("completed");
        });
        JsonNode hits = JSON.readTree(send(http, HttpRequest.newBuilder(URI.create(s + "/search"))
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(
                        "{\"query\":\"is the shop in Belem open on Sunday?\"}")), 200));
        assertThat(hits.path("data").get(0).path("file_id").asText()).isEqualTo(file.path("id").asText());
    }

    private static String send(HttpClient http, HttpRequest.Builder request, int status) throws Exception {
        HttpResponse<String> r = http.send(request.header("Authorization", "Bearer " + ROOT_KEY).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).as(r.body()).isEqualTo(status);
        return r.body();
    }

    @Test
    void theBackupImageBacksTheHubsDatabaseUpWithTheShippedScript() throws Exception {
        OciImage image = OciImage.unpack(TARGET.resolve("channelhub-backup-image.tar"), work);
        assertThat(image.name()).as("the chart's backup CronJob runs the image the build makes")
                .isEqualTo(chartImage(true)).isEqualTo(System.getProperty("channelhub.backup.image"));
        assertThat(image.config().path("User").asText()).isEqualTo("10001:10001");

        Path tools = work.resolve("tools.log");
        Process check = image.start(Map.of(), Map.of(), tools, image.command("/bin/bash", "-c",
                "aws --version && mariadb-dump --version && echo ok | awk '{print}' && sha256sum --version"));
        assertThat(check.waitFor(2, TimeUnit.MINUTES)).isTrue();
        assertThat(check.exitValue()).as(Files.readString(tools)).isZero();
        assertThat(Files.readString(tools)).contains("aws-cli/", "mariadb-dump", "ok");

        String db = createDatabase();
        try (Connection c = DriverManager.getConnection("jdbc:mariadb://" + MARIADB + "/" + db, "root", "");
             Statement s = c.createStatement()) {
            s.execute("CREATE TABLE t (id BIGINT PRIMARY KEY, v VARCHAR(20))");
            s.execute("INSERT INTO t VALUES (1, 'um'), (2, 'dois')");
        }
        Path backups = Files.createDirectories(work.resolve("backups"));
        OciImage.run(work, "chown", "10001:10001", backups.toString());
        String[] host = MARIADB.split(":");
        Path log = work.resolve("backup.log");
        try {
            Process backup = image.start(Map.of("DB_NAME", db, "DB_HOST", host[0], "DB_PORT",
                            host.length > 1 ? host[1] : "3306", "DB_USER", "root", "MYSQL_PWD", ""),
                    Map.of("/var/lib/channelhub/backups", backups), log, image.command());
            assertThat(backup.waitFor(3, TimeUnit.MINUTES)).isTrue();
            assertThat(backup.exitValue()).as(Files.readString(log)).isZero();
            try (Stream<Path> files = Files.list(backups)) {
                assertThat(files.map(p -> p.getFileName().toString()).toList())
                        .anyMatch(f -> f.endsWith(".sql.gz")).anyMatch(f -> f.endsWith(".sha256"));
            }
            try (Stream<Path> files = Files.list(backups)) {
                Path manifest = files.filter(p -> p.toString().endsWith(".manifest")).findFirst().orElseThrow();
                assertThat(Files.readString(manifest)).contains("t\t2\t");
            }
        } finally {
            dropDatabase(db);
        }
    }
}
