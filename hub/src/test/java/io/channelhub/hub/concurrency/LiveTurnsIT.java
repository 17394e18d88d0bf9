package io.channelhub.hub.concurrency;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.channelhub.hub.support.FakeOpenAi;
import io.channelhub.hub.support.ProductionJava;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The production mode, as production runs it: the packaged hub on Java 21+ (virtual threads), and a thousand chat
 * turns at once from a thousand connections to a model that answers none of them until all thousand are waiting
 * on it (or a minute passed). Every turn is answered, which proves that all of them were in flight together (none
 * queued behind another), and the hub does it with a few dozen platform threads where one thread per waiting turn
 * would need over a thousand.
 */
class LiveTurnsIT {

    private static final Path ROOT = Path.of(System.getProperty("channelhub.root", "..")).toAbsolutePath()
            .normalize();
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int TURNS = 1_000;

    @TempDir
    Path work;

    private static int freePort() throws Exception {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }

    /** Threads the kernel runs for the process: platform threads, whatever the JVM reports. */
    private static int osThreads(long pid) {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/" + pid + "/status"))) {
                if (line.startsWith("Threads:")) {
                    return Integer.parseInt(line.substring(8).trim());
                }
            }
        } catch (Exception gone) {
            // the process ended
        }
        return 0;
    }

    /** The packaged hub on the production Java, a tenant with an agent and {@link #TURNS} conversations. */
    private final class LiveHub implements AutoCloseable {
        final Process process;
        private final java.util.concurrent.ExecutorService clientThreads = Executors.newFixedThreadPool(8);
        final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
                .executor(clientThreads).build();
        final String app;
        final String key;
        final List<String> conversations = new ArrayList<>();

        LiveHub(FakeOpenAi model) throws Exception {
            Path java = ProductionJava.executable();
            int port = freePort();
            int admin = freePort();
            String adminKey = "chk_LiveTurn_" + "A".repeat(40);
            ProcessBuilder pb = new ProcessBuilder(java.toString(), "-Xmx1g", "-jar",
                    "target/channelhub/channelhub.jar", "server", "bench/bench.yml").directory(ROOT.toFile())
                    .redirectErrorStream(true).redirectOutput(work.resolve("hub.out").toFile());
            Map<String, String> env = pb.environment();
            env.put("CHANNELHUB_PORT", Integer.toString(port));
            env.put("CHANNELHUB_ADMIN_PORT", Integer.toString(admin));
            env.put("CHANNELHUB_DB_URL", "jdbc:h2:" + work.resolve("hub") + ";MODE=MariaDB");
            env.put("CHANNELHUB_BOOTSTRAP_KEY", adminKey);
            env.put("OPENAI_BASE_URL", model.baseUrl());
            env.put("OPENAI_API_KEY", "sk-live");
            env.put("BENCH_WORK", work.toString());
            env.remove("CHANNELHUB_REDIS_URI");
            env.remove("CHANNELHUB_THREADS");
            process = pb.start();
            app = "http://127.0.0.1:" + port;
            Awaitility.await().atMost(Duration.ofSeconds(120)).pollInterval(Duration.ofMillis(500))
                    .until(() -> {
                        assertThat(process.isAlive()).as(Files.readString(work.resolve("hub.out"))).isTrue();
                        try {
                            return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + admin
                                    + "/ping")).build(), HttpResponse.BodyHandlers.discarding())
                                    .statusCode() == 200;
                        } catch (java.io.IOException notYet) {
                            return false;
                        }
                    });
            assertThat(Files.readString(work.resolve("hub.log"))).as("the start log")
                    .containsPattern("Requests and workers run on virtual threads \\(Java \\d+, (\\d{2,}|[89]) "
                            + "carriers\\)");

            String tenant = post(http, app + "/admin/tenants", adminKey,
                    "{\"slug\":\"live\",\"name\":\"Live\"}").path("id").asText();
            key = post(http, app + "/admin/tenants/" + tenant + "/api-keys", adminKey,
                    "{\"name\":\"live\",\"role\":\"admin\"}").path("key").asText();
            post(http, app + "/v1/agents", key, "{\"slug\":\"live\",\"name\":\"Live\",\"provider\":\"openai\","
                    + "\"model\":\"m\",\"instructions\":\"Answer briefly.\"}");
            post(http, app + "/admin/tenants/" + tenant + "/quotas", adminKey, "{\"usage_type\":"
                    + "\"messages.in\",\"period\":\"monthly\",\"limit\":1000000000,\"mode\":\"hard\"}");
            List<CompletableFuture<String>> opened = new ArrayList<>();
            for (int i = 0; i < TURNS; i++) {
                opened.add(http.sendAsync(request(app + "/v1/conversations", key, "{\"end_user_id\":\"u" + i
                        + "\"}"), HttpResponse.BodyHandlers.ofString()).thenApply(r -> {
                            assertThat(r.statusCode()).as(r.body()).isEqualTo(201);
                            return read(r.body()).path("id").asText();
                        }));
            }
            for (CompletableFuture<String> f : opened) {
                conversations.add(f.get(60, TimeUnit.SECONDS));
            }
        }

        @Override
        public void close() throws Exception {
            clientThreads.shutdownNow();
            process.destroy();
            if (!process.waitFor(30, TimeUnit.SECONDS)) {
                process.destroyForcibly();
            }
        }
    }

    /** Releases the model's held answers once all {@link #TURNS} calls are waiting on it at once. */
    private static java.util.concurrent.CountDownLatch releasedWhenAllWait(FakeOpenAi model,
                                                                          ScheduledExecutorService sampler) {
        java.util.concurrent.CountDownLatch allWaiting = new java.util.concurrent.CountDownLatch(1);
        sampler.scheduleAtFixedRate(() -> {
            if (model.peakInFlight() >= TURNS) {
                allWaiting.countDown();
            }
        }, 0, 20, TimeUnit.MILLISECONDS);
        return allWaiting;
    }

    @Test
    void aThousandWaitingTurnsHoldNoThreadEach() throws Exception {
        ScheduledExecutorService sampler = Executors.newSingleThreadScheduledExecutor();
        try (FakeOpenAi model = new FakeOpenAi(); LiveHub hub = new LiveHub(model)) {
            long pid = hub.process.pid();
            AtomicInteger peakThreads = new AtomicInteger();
            sampler.scheduleAtFixedRate(() -> peakThreads.accumulateAndGet(osThreads(pid), Math::max), 0, 50,
                    TimeUnit.MILLISECONDS);
            int threadsBefore = osThreads(pid);
            model.reset();
            // The model thinks until every turn is waiting on it: however fast or slow this machine gets them
            // there, they must all be in flight at once to be answered within the minute.
            model.always(new FakeOpenAi.Held(releasedWhenAllWait(model, sampler),
                    FakeOpenAi.chatReply("Pronto!", 9, 2)));
            // A thousand connections, each sending one turn at the same moment.
            HttpClient many = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
            List<CompletableFuture<HttpResponse<String>>> turns = new ArrayList<>();
            for (String c : hub.conversations) {
                turns.add(many.sendAsync(request(hub.app + "/v1/conversations/" + c + "/messages", hub.key,
                        "{\"content\":\"Oi, tudo bem?\"}"), HttpResponse.BodyHandlers.ofString()));
            }
            List<HttpResponse<String>> answers = new ArrayList<>();
            for (CompletableFuture<HttpResponse<String>> t : turns) {
                answers.add(t.get(120, TimeUnit.SECONDS));
            }
            sampler.shutdownNow();
            // Every turn was waiting on the model at the same time: none queued behind a busy thread.
            assertThat(model.peakInFlight()).as("turns waiting on the model at once").isEqualTo(TURNS);
            for (HttpResponse<String> r : answers) {
                assertThat(r.statusCode()).as(r.body()).isEqualTo(201);
                assertThat(read(r.body()).toString()).contains("Pronto!");
            }
            assertThat(model.problems()).isEmpty();
            // A thread per waiting turn would be over a thousand; the hub's own (GC, JIT, Jetty's selectors,
            // pools, the carriers of the virtual threads) stay in the low hundreds at most.
            assertThat(peakThreads.get()).as("platform threads of the hub at the peak (%d before the load)",
                    threadsBefore).isLessThan(TURNS / 3);
        } finally {
            sampler.shutdownNow();
        }
    }

    /**
     * A thousand streamed turns at once, the model's answers held until all of them wait on it and then streamed
     * in pieces to all of them together: every stream ends with its whole reply and {@code done}. The hub's readers
     * of those streams and its model calls' starts share the HTTP client's locks; when they convoyed, 10,000 streams
     * timed out waiting for replies the model had sent (docs/benchmarks.md, sixth pass).
     */
    @Test
    void aThousandStreamsAtOnceEachEndWithTheWholeReply() throws Exception {
        ScheduledExecutorService sampler = Executors.newSingleThreadScheduledExecutor();
        try (FakeOpenAi model = new FakeOpenAi(); LiveHub hub = new LiveHub(model)) {
            model.reset();
            String[] pieces = new String[24];
            for (int i = 0; i < pieces.length; i++) {
                pieces[i] = "p" + i + " ";
            }
            model.always(new FakeOpenAi.Held(releasedWhenAllWait(model, sampler),
                    FakeOpenAi.chatStream(25, pieces)));
            HttpClient many = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
            List<CompletableFuture<HttpResponse<String>>> streams = new ArrayList<>();
            for (String c : hub.conversations) {
                streams.add(many.sendAsync(request(hub.app + "/v1/conversations/" + c + "/messages", hub.key,
                        "{\"content\":\"Oi, tudo bem?\",\"stream\":true}"), HttpResponse.BodyHandlers.ofString()));
            }
            String whole = String.join("", pieces);
            for (CompletableFuture<HttpResponse<String>> s : streams) {
                HttpResponse<String> r = s.get(180, TimeUnit.SECONDS);
                assertThat(r.statusCode()).isEqualTo(200);
                // The pieces as deltas, and the whole reply in the last event, `done`.
                assertThat(r.body()).as("a stream").doesNotContain("event: error").contains("event: done")
                        .contains(whole);
            }
            assertThat(model.peakInFlight()).as("streams open at the model at once").isEqualTo(TURNS);
            assertThat(model.problems()).isEmpty();
        } finally {
            sampler.shutdownNow();
        }
    }

    private static HttpRequest request(String url, String key, String body) {
        return HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(120))
                .header("Authorization", "Bearer " + key).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body)).build();
    }

    private static JsonNode post(HttpClient http, String url, String key, String body) throws Exception {
        HttpResponse<String> r = http.send(request(url, key, body), HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).as(url + ": " + r.body()).isBetween(200, 201);
        return read(r.body());
    }

    private static JsonNode read(String body) {
        try {
            return JSON.readTree(body);
        } catch (java.io.IOException e) {
            throw new AssertionError(body, e);
        }
    }
}
