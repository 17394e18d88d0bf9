package io.channelhub.hub.web;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.channelhub.hub.support.FakeOpenAi;
import io.channelhub.hub.support.TestDatabase;
import io.channelhub.hub.support.TestHub;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code kill -9} of a real hub process (the assembled jar, config.yml, MariaDB) and a new one started on the same
 * database and data directory: a request cut off mid-way can be retried with its {@code Idempotency-Key} once the
 * dead node's lease ends, and the usage of every request the dead hub answered reaches the database.
 */
class HubCrashIT {

    private static final Path ROOT = Path.of(System.getProperty("channelhub.root", "..")).toAbsolutePath()
            .normalize();
    private static final ObjectMapper JSON = new ObjectMapper();
    private final HttpClient http = HttpClient.newHttpClient();
    private final String secretsKey;
    private final List<Process> started = new ArrayList<>();
    private TestDatabase db;
    private FakeOpenAi model;

    @TempDir
    Path data;

    HubCrashIT() {
        byte[] key = new byte[32];
        new SecureRandom().nextBytes(key);
        secretsKey = Base64.getEncoder().encodeToString(key);
    }

    @BeforeEach
    void setUp() throws Exception {
        db = TestDatabase.create(TestDatabase.Kind.MARIADB);
        model = new FakeOpenAi();
    }

    @AfterEach
    void tearDown() throws Exception {
        for (Process p : started) {
            p.destroyForcibly().waitFor(30, TimeUnit.SECONDS);
        }
        model.close();
        db.close();
    }

    private static int freePort() throws Exception {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }

    /** A running hub process. */
    private record Hub(Process process, int port, List<String> output) {
        String url(String path) {
            return "http://localhost:" + port + path;
        }
    }

    /**
     * Starts the jar as README does, on this test's database, spool and fake model. The flush interval is long, so
     * the usage of answered requests is still only in the spool when the process is killed.
     */
    private Hub start() throws Exception {
        int port = freePort();
        int admin = freePort();
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        ProcessBuilder pb = new ProcessBuilder(java, "-Ddw.idempotencyLease=2s", "-Ddw.usage.flushInterval=10m",
                "-jar", "target/channelhub/channelhub.jar", "server", "config.yml")
                .directory(ROOT.toFile()).redirectErrorStream(true);
        Map<String, String> env = pb.environment();
        env.remove("CHANNELHUB_REDIS_URI");
        env.put("CHANNELHUB_PORT", Integer.toString(port));
        env.put("CHANNELHUB_ADMIN_PORT", Integer.toString(admin));
        env.put("CHANNELHUB_DB_DRIVER", db.driver());
        env.put("CHANNELHUB_DB_URL", db.url());
        env.put("CHANNELHUB_DB_USER", db.user());
        env.put("CHANNELHUB_DB_PASSWORD", db.password());
        env.put("CHANNELHUB_SECRETS_KEY", secretsKey);
        env.put("CHANNELHUB_BOOTSTRAP_KEY", TestHub.ROOT_KEY);
        env.put("CHANNELHUB_USAGE_SPOOL_DIR", data.resolve("usage-spool").toString());
        env.put("CHANNELHUB_DEMO", "false");
        env.put("CHANNELHUB_MODEL_TIMEOUT", "10m");
        env.put("OPENAI_BASE_URL", model.baseUrl());
        env.put("OPENAI_API_KEY", "sk-test-global");
        Process p = pb.start();
        started.add(p);
        List<String> output = new CopyOnWriteArrayList<>();
        Thread reader = new Thread(() -> new BufferedReader(new InputStreamReader(p.getInputStream(),
                StandardCharsets.UTF_8)).lines().forEach(output::add), "hub-output");
        reader.setDaemon(true);
        reader.start();
        await().atMost(Duration.ofSeconds(120)).ignoreExceptions().until(() -> {
            assertThat(p.isAlive()).as(String.join("\n", output)).isTrue();
            return http.send(HttpRequest.newBuilder(URI.create("http://localhost:" + admin + "/healthcheck")).build(),
                    HttpResponse.BodyHandlers.discarding()).statusCode() == 200;
        });
        return new Hub(p, port, output);
    }

    /** What {@code kill -9} does: no shutdown hook, nothing flushed. */
    private static void kill(Hub hub) throws Exception {
        hub.process().destroyForcibly();
        assertThat(hub.process().waitFor(30, TimeUnit.SECONDS)).isTrue();
    }

    private HttpResponse<String> send(Hub hub, String method, String key, String path, String body,
                                      String... headers) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(hub.url(path)))
                .header("Authorization", "Bearer " + key)
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody()
                        : HttpRequest.BodyPublishers.ofString(body));
        if (body != null) {
            b.header("Content-Type", "application/json");
        }
        for (int i = 0; i < headers.length; i += 2) {
            b.header(headers[i], headers[i + 1]);
        }
        return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    private JsonNode created(HttpResponse<String> r) throws Exception {
        assertThat(r.statusCode()).as(r.body()).isEqualTo(201);
        return JSON.readTree(r.body());
    }

    /** {tenant id, tenant admin key}. */
    private String[] tenant(Hub hub) throws Exception {
        String t = created(send(hub, "POST", TestHub.ROOT_KEY, "/admin/tenants",
                "{\"slug\":\"crash\",\"name\":\"Crash\"}")).get("id").asText();
        String key = created(send(hub, "POST", TestHub.ROOT_KEY, "/admin/tenants/" + t + "/api-keys",
                "{\"name\":\"app\",\"role\":\"admin\"}")).get("key").asText();
        return new String[] {t, key};
    }

    private long apiRows(String tenant) throws Exception {
        try (Connection c = db.connect(); PreparedStatement s = c.prepareStatement("SELECT COUNT(*) FROM "
                + "usage_events WHERE tenant_id = ? AND usage_type = 'api.requests'")) {
            s.setString(1, tenant);
            try (ResultSet rs = s.executeQuery()) {
                rs.next();
                return rs.getLong(1);
            }
        }
    }

    @Test
    void aRequestCutOffByACrashCanBeRetriedWithItsIdempotencyKey() throws Exception {
        Hub first = start();
        String[] t = tenant(first);
        created(send(first, "POST", t[1], "/v1/agents", "{\"slug\":\"crash-agent\",\"name\":\"C\"}"));
        String conv = created(send(first, "POST", t[1], "/v1/conversations", "{}")).get("id").asText();
        String path = "/v1/conversations/" + conv + "/messages";
        String body = "{\"content\":\"are you there?\"}";

        model.then(new FakeOpenAi.Hang(TimeUnit.MINUTES.toMillis(10)));
        CompletableFuture<HttpResponse<String>> cutOff = http.sendAsync(HttpRequest.newBuilder(
                        URI.create(first.url(path))).header("Authorization", "Bearer " + t[1])
                .header("Content-Type", "application/json").header("Idempotency-Key", "order-42")
                .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
        await().atMost(Duration.ofSeconds(30)).until(() -> model.requests().size() == 1);
        HttpResponse<String> running = send(first, "POST", t[1], path, body, "Idempotency-Key", "order-42");
        assertThat(running.statusCode()).as(running.body()).isEqualTo(409);

        kill(first);
        assertThat(cutOff.handle((r, e) -> e != null).get(30, TimeUnit.SECONDS)).isTrue();
        model.reset();
        model.then(FakeOpenAi.chatReply("here after the crash", 5, 4));

        Hub second = start();
        List<Integer> statuses = new CopyOnWriteArrayList<>();
        HttpResponse<String>[] last = new HttpResponse[1];
        await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(500)).until(() -> {
            last[0] = send(second, "POST", t[1], path, body, "Idempotency-Key", "order-42");
            statuses.add(last[0].statusCode());
            return last[0].statusCode() != 409;
        });
        assertThat(statuses).as("only in progress, then done: never a 500").allMatch(s -> s == 409 || s == 201);
        assertThat(last[0].statusCode()).as(last[0].body()).isEqualTo(201);
        assertThat(JSON.readTree(last[0].body()).get("reply").get("content").asText())
                .isEqualTo("here after the crash");
        HttpResponse<String> replay = send(second, "POST", t[1], path, body, "Idempotency-Key", "order-42");
        assertThat(replay.headers().firstValue("Idempotent-Replayed")).contains("true");
        assertThat(model.requests()).hasSize(1);
    }

    @Test
    void theUsageOfEveryAnsweredRequestOutlivesACrash() throws Exception {
        Hub first = start();
        String[] t = tenant(first);
        int answered = 25;
        for (int i = 0; i < answered; i++) {
            HttpResponse<String> r = send(first, "GET", t[1], "/v1/me", null);
            assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        }
        // The rows are on disk only (the writer's interval is long): a crash now is the case that lost them.
        assertThat(apiRows(t[0])).isZero();
        try (var files = Files.list(data.resolve("usage-spool"))) {
            assertThat(files.filter(f -> f.toString().endsWith(".spool")).count()).isPositive();
        }

        kill(first);
        start();
        await().atMost(Duration.ofSeconds(60)).until(() -> apiRows(t[0]) == answered);
    }
}
