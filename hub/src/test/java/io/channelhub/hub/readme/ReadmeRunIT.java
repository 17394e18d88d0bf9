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
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What a newcomer does: run the README's start command (the built runnable layout, config.yml, no model key), take
 * the super-admin key it prints, set up a tenant and an agent, and send a message with curl: the demo provider
 * answers. Runs after packaging (failsafe), against the real jar and plugin directory.
 */
class ReadmeRunIT {

    private static final Path ROOT = Path.of(System.getProperty("channelhub.root", "..")).toAbsolutePath()
            .normalize();
    private static final ObjectMapper JSON = new ObjectMapper();
    private final HttpClient http = HttpClient.newHttpClient();

    @TempDir
    Path data;

    private static int freePort() throws Exception {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }

    private static List<String> startCommand() throws Exception {
        String readme = Files.readString(ROOT.resolve("README.md"));
        Matcher m = Pattern.compile("## Quick start.*?```sh\\n(.*?)\\n", Pattern.DOTALL).matcher(readme);
        assertThat(m.find()).isTrue();
        String first = m.group(1).trim();
        String run = first.substring(first.indexOf("java -jar"));
        return Arrays.asList(run.split("\\s+"));
    }

    private JsonNode post(int port, String key, String path, Object body) throws Exception {
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create("http://localhost:" + port + path))
                .header("Authorization", "Bearer " + key).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(JSON.writeValueAsString(body))).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).as(path + ": " + r.body()).isEqualTo(201);
        return JSON.readTree(r.body());
    }

    @Test
    void theReadmeRunCommandServesTheDemoReplyWithoutAKey() throws Exception {
        int port = freePort();
        int admin = freePort();
        ProcessBuilder pb = new ProcessBuilder(startCommand()).directory(ROOT.toFile()).redirectErrorStream(true);
        Map<String, String> env = pb.environment();
        env.remove("OPENAI_API_KEY");
        env.remove("OPENAI_BASE_URL");
        env.remove("CHANNELHUB_BOOTSTRAP_KEY");
        // Only where it listens and keeps its files differ from a newcomer's run.
        env.put("CHANNELHUB_PORT", Integer.toString(port));
        env.put("CHANNELHUB_ADMIN_PORT", Integer.toString(admin));
        env.put("CHANNELHUB_DB_URL", "jdbc:h2:" + data.resolve("hub") + ";MODE=MariaDB");
        env.put("CHANNELHUB_SECRETS_KEY_FILE", data.resolve("secrets.key").toString());
        Process hub = pb.start();
        List<String> output = new ArrayList<>();
        try {
            // Output is read on its own thread so a quiet process can never block the test past its deadline.
            java.util.concurrent.BlockingQueue<String> lines = new java.util.concurrent.LinkedBlockingQueue<>();
            Thread reader = new Thread(() -> new BufferedReader(new InputStreamReader(hub.getInputStream(),
                    StandardCharsets.UTF_8)).lines().forEach(lines::add), "hub-output");
            reader.setDaemon(true);
            reader.start();
            Pattern keyLine = Pattern.compile("^\\s+(chk_[A-Za-z0-9]{8}_[A-Za-z0-9]+)\\s*$");
            String key = null;
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(90);
            while (key == null && System.nanoTime() < deadline && hub.isAlive()) {
                String line = lines.poll(1, TimeUnit.SECONDS);
                if (line == null) {
                    continue;
                }
                output.add(line);
                Matcher km = keyLine.matcher(line);
                if (km.matches()) {
                    key = km.group(1);
                }
            }
            assertThat(key).as(String.join("\n", output)).isNotNull();
            org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(60)).ignoreExceptions()
                    .until(() -> http.send(HttpRequest.newBuilder(URI.create("http://localhost:" + admin
                            + "/healthcheck")).build(), HttpResponse.BodyHandlers.discarding()).statusCode() == 200);

            String tenant = post(port, key, "/admin/tenants", Map.of("slug", "newcomer", "name", "Newcomer"))
                    .get("id").asText();
            String tenantKey = post(port, key, "/admin/tenants/" + tenant + "/api-keys",
                    Map.of("name", "app", "role", "admin")).get("key").asText();
            post(port, tenantKey, "/v1/agents", Map.of("slug", "support", "name", "Support"));
            String conversation = post(port, tenantKey, "/v1/conversations", Map.of()).get("id").asText();

            Process curl = new ProcessBuilder("curl", "-s", "-H", "Authorization: Bearer " + tenantKey,
                    "-H", "Content-Type: application/json", "-d", "{\"content\":\"Oi, tudo bem?\"}",
                    "http://localhost:" + port + "/v1/conversations/" + conversation + "/messages")
                    .redirectErrorStream(true).start();
            String answer = new String(curl.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertThat(curl.waitFor(30, TimeUnit.SECONDS)).isTrue();
            JsonNode reply = JSON.readTree(answer).get("reply");
            assertThat(reply.get("content").asText()).startsWith("[demo]").contains("Oi, tudo bem?");

            // The demo page's widget works right away: the page, a visitor session and a streamed reply.
            HttpResponse<String> demo = http.send(HttpRequest.newBuilder(URI.create("http://localhost:" + port
                    + "/demo")).build(), HttpResponse.BodyHandlers.ofString());
            assertThat(demo.statusCode()).isEqualTo(200);
            assertThat(demo.headers().firstValue("Content-Security-Policy")).isPresent();
            Matcher w = Pattern.compile("data-widget=\"(ci_[A-Za-z0-9]+)\"").matcher(demo.body());
            assertThat(w.find()).as(demo.body()).isTrue();
            String hooks = "http://localhost:" + port + "/hooks/instances/" + w.group(1);
            String origin = "http://localhost:" + port;
            HttpResponse<String> session = http.send(HttpRequest.newBuilder(URI.create(hooks + "/sessions"))
                    .header("Origin", origin).header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString("{}")).build(), HttpResponse.BodyHandlers.ofString());
            assertThat(session.statusCode()).as(session.body()).isEqualTo(200);
            String visitor = JSON.readTree(session.body()).get("visitor_token").asText();
            HttpResponse<String> streamed = http.send(HttpRequest.newBuilder(URI.create(hooks + "/messages"))
                    .header("Origin", origin).header("Authorization", "Bearer " + visitor)
                    .header("Accept", "text/event-stream").header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString("{\"client_message_id\":\"1\",\"text\":\"Oi!\"}"))
                    .build(), HttpResponse.BodyHandlers.ofString());
            assertThat(streamed.body()).contains("event: delta").contains("event: done").contains("Oi!");

            HttpResponse<String> health = http.send(HttpRequest.newBuilder(
                    URI.create("http://localhost:" + admin + "/healthcheck")).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(health.statusCode()).isEqualTo(200);
            for (String plugin : List.of("channel-web", "channel-whatsapp", "billing-asaas", "compliance-privacy")) {
                assertThat(JSON.readTree(health.body()).get("plugin-" + plugin).get("healthy").asBoolean()).isTrue();
            }
        } finally {
            hub.destroy();
            if (!hub.waitFor(20, TimeUnit.SECONDS)) {
                hub.destroyForcibly();
            }
        }
    }
}
