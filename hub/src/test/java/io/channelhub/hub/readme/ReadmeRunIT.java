package io.channelhub.hub.readme;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
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
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What a newcomer does, as the README says it: run the start command (the built runnable layout, config.yml, no
 * model key) with its output going to a pipe, not a terminal; read the start banner (ports, the first super-admin key
 * and the line that exports it); paste the README's curl sequence into a POSIX shell as it is written; open the demo
 * page as curl would. Only what a curl user sends is sent: the demo's widget in a browser is WidgetBrowserTest's.
 * Runs after packaging (failsafe), against the real jar and plugin directory.
 */
class ReadmeRunIT {

    private static final Path ROOT = Path.of(System.getProperty("channelhub.root", "..")).toAbsolutePath()
            .normalize();
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Duration START = Duration.ofSeconds(90);
    private final HttpClient http = HttpClient.newHttpClient();

    @TempDir
    Path data;

    private static int freePort() throws Exception {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }

    /** The sh blocks under "Quick start": the two commands, then the curl sequence. */
    private static List<String> quickStartBlocks() throws Exception {
        String readme = Files.readString(ROOT.resolve("README.md"));
        String section = readme.substring(readme.indexOf("## Quick start"));
        section = section.substring(0, section.indexOf("\n## ", 3));
        Matcher m = Pattern.compile("```sh\\n(.*?)\\n```", Pattern.DOTALL).matcher(section);
        List<String> blocks = new ArrayList<>();
        while (m.find()) {
            blocks.add(m.group(1));
        }
        assertThat(blocks).as("the quick start's sh blocks").hasSizeGreaterThanOrEqualTo(2);
        return blocks;
    }

    private static List<String> startCommand() throws Exception {
        String first = quickStartBlocks().get(0).lines().findFirst().orElseThrow().trim();
        String run = first.substring(first.indexOf("java -jar"));
        return Arrays.asList(run.split("\\s+"));
    }

    /** The hub's output, line by line, read on its own thread so a quiet process never blocks the test. */
    private static final class Output {
        final List<String> lines = Collections.synchronizedList(new ArrayList<>());
        final StringBuilder raw = new StringBuilder();

        Output(Process p) {
            Thread reader = new Thread(() -> new BufferedReader(new InputStreamReader(p.getInputStream(),
                    StandardCharsets.UTF_8)).lines().forEach(l -> {
                        synchronized (raw) {
                            raw.append(l).append('\n');
                        }
                        lines.add(l);
                    }), "hub-output");
            reader.setDaemon(true);
            reader.start();
        }

        String text() {
            synchronized (raw) {
                return raw.toString();
            }
        }

        String await(Predicate<String> line, Process hub) {
            Awaitility.await().atMost(START).until(() -> !hub.isAlive() || find(line) != null);
            String found = find(line);
            assertThat(found).as("the hub's output:\n" + text()).isNotNull();
            return found;
        }

        String find(Predicate<String> line) {
            synchronized (lines) {
                return lines.stream().filter(line).findFirst().orElse(null);
            }
        }
    }

    @Test
    void theReadmeQuickStartRunsAsWritten() throws Exception {
        int port = freePort();
        int admin = freePort();
        ProcessBuilder pb = new ProcessBuilder(startCommand()).directory(ROOT.toFile()).redirectErrorStream(true);
        Map<String, String> env = pb.environment();
        for (String unset : List.of("OPENAI_API_KEY", "OPENAI_BASE_URL", "CHANNELHUB_BOOTSTRAP_KEY",
                "CHANNELHUB_LOG_FORMAT")) {
            env.remove(unset);
        }
        // Only where it listens and keeps its files differ from a newcomer's run.
        env.put("CHANNELHUB_PORT", Integer.toString(port));
        env.put("CHANNELHUB_ADMIN_PORT", Integer.toString(admin));
        env.put("CHANNELHUB_DB_URL", "jdbc:h2:" + data.resolve("hub") + ";MODE=MariaDB");
        env.put("CHANNELHUB_SECRETS_KEY_FILE", data.resolve("secrets.key").toString());
        Process hub = pb.start();
        try {
            Output out = new Output(hub);
            String export = out.await(l -> l.trim().startsWith("export KEY=chk_"), hub).trim();
            String key = export.substring("export KEY=".length());
            String app = "http://localhost:" + port;
            // The admin port listens on loopback only, and the banner says so.
            String adminUrl = "http://127.0.0.1:" + admin;

            // The start banner: the ports bound, then the key, framed, with the line to paste.
            String started = out.text();
            assertThat(started).contains(app + "/console/", app + "/demo", adminUrl + "/health/ready")
                    .contains("FIRST SUPER-ADMIN API KEY").containsPattern("(?m)^ {6}" + Pattern.quote(key) + "$");
            assertThat(started.indexOf("ChannelHub is running")).isLessThan(started.indexOf(key));
            // Readable text logs, nothing for a terminal only, and no warning about the logging libraries.
            assertThat(out.find(l -> l.contains("ChannelHub is running"))).startsWith("INFO ");
            assertThat(out.find(l -> l.startsWith("{\""))).as("a JSON log line").isNull();
            assertThat(started).doesNotContain("\u001b").doesNotContain("|-WARN").doesNotContain("|-ERROR")
                    .doesNotContain("are different").doesNotContain("Expected version");

            // The README's curl sequence, pasted into a shell after the exported key.
            String sequence = quickStartBlocks().get(1).replace("localhost:8080", "localhost:" + port)
                    .replace("localhost:8081", "localhost:" + admin);
            Process sh = new ProcessBuilder("sh", "-c", export + "\n" + sequence).redirectErrorStream(true).start();
            String answers = new String(sh.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertThat(sh.waitFor(60, TimeUnit.SECONDS)).isTrue();
            assertThat(sh.exitValue()).as(answers).isZero();
            assertThat(answers).as("the agent's reply").contains("\"content\":\"[demo] ").contains("Oi, tudo bem?")
                    .contains("\"slug\":\"support\"").contains("\"plugin-channel-web\":{\"healthy\":true")
                    .contains("# TYPE ").doesNotContain("\"error\"");

            // The demo page, as curl sees it: the page and the widget's script. Its widget answers only a browser
            // on the page (WidgetBrowserTest); a request that names no page is refused, and the log says why.
            HttpResponse<String> demo = http.send(HttpRequest.newBuilder(URI.create(app + "/demo")).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(demo.statusCode()).isEqualTo(200);
            assertThat(demo.headers().firstValue("Content-Security-Policy")).isPresent();
            Matcher w = Pattern.compile("data-widget=\"(ci_[A-Za-z0-9]+)\"").matcher(demo.body());
            assertThat(w.find()).as(demo.body()).isTrue();
            HttpResponse<String> script = http.send(HttpRequest.newBuilder(URI.create(app
                    + "/hooks/plugins/channel-web/v1/widget.js")).build(), HttpResponse.BodyHandlers.ofString());
            assertThat(script.statusCode()).isEqualTo(200);
            HttpResponse<String> config = http.send(HttpRequest.newBuilder(URI.create(app + "/hooks/instances/"
                    + w.group(1) + "/config")).build(), HttpResponse.BodyHandlers.ofString());
            assertThat(config.statusCode()).isEqualTo(403);
            assertThat(JSON.readTree(config.body()).path("error").path("code").asText())
                    .isEqualTo("origin_not_allowed");
            String refusal = out.await(l -> l.contains("Refused a widget request"), hub);
            assertThat(refusal).contains("page origin unknown").contains("allowed origins [" + app + ", ");

            HttpResponse<String> health = http.send(HttpRequest.newBuilder(URI.create(adminUrl + "/healthcheck"))
                    .build(), HttpResponse.BodyHandlers.ofString());
            assertThat(health.statusCode()).isEqualTo(200);
            JsonNode checks = JSON.readTree(health.body());
            for (String plugin : List.of("channel-web", "channel-whatsapp", "billing-asaas", "compliance-privacy")) {
                assertThat(checks.get("plugin-" + plugin).get("healthy").asBoolean()).isTrue();
            }
            assertThat(out.text()).doesNotContain("\u001b");
        } finally {
            hub.destroy();
            if (!hub.waitFor(20, TimeUnit.SECONDS)) {
                hub.destroyForcibly();
            }
        }
    }

    /**
     * Production's log format from the first line to the last: every line of a start, the migrations' summary,
     * the request log and the first super-admin key included, is a JSON object a log pipeline can parse.
     */
    @Test
    void withJsonLogsEveryLineOfAStartIsJson() throws Exception {
        int port = freePort();
        int admin = freePort();
        ProcessBuilder pb = new ProcessBuilder(startCommand()).directory(ROOT.toFile()).redirectErrorStream(true);
        Map<String, String> env = pb.environment();
        for (String unset : List.of("OPENAI_API_KEY", "OPENAI_BASE_URL", "CHANNELHUB_BOOTSTRAP_KEY")) {
            env.remove(unset);
        }
        env.put("CHANNELHUB_LOG_FORMAT", "json");
        env.put("CHANNELHUB_PORT", Integer.toString(port));
        env.put("CHANNELHUB_ADMIN_PORT", Integer.toString(admin));
        env.put("CHANNELHUB_DB_URL", "jdbc:h2:" + data.resolve("json-hub") + ";MODE=MariaDB");
        env.put("CHANNELHUB_SECRETS_KEY_FILE", data.resolve("json-secrets.key").toString());
        Process hub = pb.start();
        Output out = new Output(hub);
        try {
            String keyLine = out.await(l -> l.contains("bootstrap_key"), hub);
            assertThat(JSON.readTree(keyLine).path("bootstrap_key").asText()).startsWith("chk_");
            HttpClient http = HttpClient.newHttpClient();
            HttpResponse<String> me = http.send(HttpRequest.newBuilder(URI.create("http://localhost:" + port
                    + "/v1/me")).build(), HttpResponse.BodyHandlers.ofString());
            assertThat(me.statusCode()).isEqualTo(401);
            // The request log's line carries the trace id the caller was given.
            String access = out.await(l -> l.contains("/v1/me"), hub);
            assertThat(JSON.readTree(access).path("requestAttributes").path("trace_id").asText())
                    .isEqualTo(me.headers().firstValue("X-Trace-Id").orElseThrow());
        } finally {
            hub.destroy();
            if (!hub.waitFor(20, TimeUnit.SECONDS)) {
                hub.destroyForcibly();
            }
        }
        // The stop's lines too, once the reader has them all.
        Thread.sleep(500);
        List<String> lines;
        synchronized (out.lines) {
            lines = List.copyOf(out.lines);
        }
        assertThat(lines).hasSizeGreaterThan(10);
        for (String line : lines) {
            if (!line.isBlank()) {
                JsonNode parsed;
                try {
                    parsed = JSON.readTree(line);
                } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
                    throw new AssertionError("not a JSON line: " + line);
                }
                assertThat(parsed.isObject()).as(line).isTrue();
            }
        }
    }
}
