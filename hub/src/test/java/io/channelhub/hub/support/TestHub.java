package io.channelhub.hub.support;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.channelhub.hub.HubApplication;
import io.channelhub.hub.HubConfiguration;
import io.dropwizard.testing.ConfigOverride;
import io.dropwizard.testing.DropwizardTestSupport;
import io.dropwizard.testing.ResourceHelpers;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;

/**
 * The real hub (Dropwizard app, real plugin jars, real database) on random ports, and a small HTTP client for it.
 */
public final class TestHub implements AutoCloseable {

    /** The bootstrap super-admin key every test hub starts with. */
    public static final String ROOT_KEY = "chk_TestRoot_" + "r".repeat(16) + "0123456789abcdef";

    private static final ObjectMapper JSON = new ObjectMapper();
    /** Random per test run, so a key is not guessable from a database name. */
    private static final String SALT = Long.toString(new SecureRandom().nextLong());

    private final DropwizardTestSupport<HubConfiguration> support;
    private final TestDatabase db;
    private final HttpClient http = HttpClient.newHttpClient();
    private boolean ownsDatabase = true;

    /** A response: status, headers and body parsed as JSON when it is JSON. */
    public record Reply(int status, JsonNode json, String body, java.net.http.HttpHeaders headers) {
        public String code() {
            return json == null ? null : json.path("error").path("code").asText(null);
        }
    }

    private TestHub(TestDatabase db, Path pluginsDir, List<ConfigOverride> extra) {
        this.db = db;
        // One key per database: replicas of one installation share it, or none could open the others' secrets.
        byte[] key;
        try {
            key = java.security.MessageDigest.getInstance("SHA-256").digest((db.url() + SALT)
                    .getBytes(java.nio.charset.StandardCharsets.UTF_8));
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
        List<ConfigOverride> overrides = new ArrayList<>(List.of(
                ConfigOverride.config("database.driverClass", db.driver()),
                ConfigOverride.config("database.url", db.url()),
                ConfigOverride.config("database.user", db.user()),
                ConfigOverride.config("database.password", db.password()),
                ConfigOverride.config("plugins.directory", pluginsDir.toString()),
                ConfigOverride.config("secrets.key", Base64.getEncoder().encodeToString(key)),
                ConfigOverride.config("apiKeys.bootstrapKey", ROOT_KEY),
                // Each hub its own usage spool: a spool belongs to one installation (one database).
                ConfigOverride.config("usage.spoolDirectory", spoolDirectory().toString())));
        overrides.addAll(extra);
        this.support = new DropwizardTestSupport<>(HubApplication.class,
                ResourceHelpers.resourceFilePath("test-config.yml"), overrides.toArray(ConfigOverride[]::new));
    }

    private static Path spoolDirectory() {
        try {
            return java.nio.file.Files.createTempDirectory("usage-spool");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public static TestHub start(TestDatabase db, Path pluginsDir, ConfigOverride... extra) {
        TestHub hub = new TestHub(db, pluginsDir, List.of(extra));
        try {
            hub.support.before();
        } catch (Exception e) {
            throw new IllegalStateException("hub did not start", e);
        }
        return hub;
    }

    /** A second hub (replica) on a database another hub owns; closing it leaves the database alone. */
    public static TestHub replica(TestDatabase db, Path pluginsDir, ConfigOverride... extra) {
        TestHub hub = start(db, pluginsDir, extra);
        hub.ownsDatabase = false;
        return hub;
    }

    /** A count from the hub's database, positional {@code ?} arguments (what a test checks was stored). */
    public long count(String sql, Object... args) {
        return app().jdbi().withHandle(h -> {
            var q = h.createQuery(sql);
            for (int i = 0; i < args.length; i++) {
                q.bind(i, args[i]);
            }
            return q.mapTo(Long.class).one();
        });
    }

    public HubApplication app() {
        return support.getApplication();
    }

    public io.dropwizard.core.setup.Environment environment() {
        return support.getEnvironment();
    }

    public TestDatabase database() {
        return db;
    }

    public String url(String path) {
        return "http://localhost:" + support.getLocalPort() + path;
    }

    public String adminUrl(String path) {
        return "http://localhost:" + support.getAdminPort() + path;
    }

    public Reply get(String key, String path) {
        return send(key, "GET", path, null);
    }

    public Reply post(String key, String path, Object body) {
        return send(key, "POST", path, body);
    }

    public Reply patch(String key, String path, Object body) {
        return send(key, "PATCH", path, body);
    }

    public Reply delete(String key, String path) {
        return send(key, "DELETE", path, null);
    }

    /** {@code body} is a Map/record serialised as JSON, or a String sent as it is. */
    public Reply send(String key, String method, String path, Object body) {
        String text;
        try {
            text = body == null ? null : body instanceof String s ? s : JSON.writeValueAsString(body);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        Map<String, String> headers = new java.util.LinkedHashMap<>();
        if (text != null) {
            headers.put("Content-Type", "application/json");
        }
        if (key != null) {
            headers.put("Authorization", "Bearer " + key);
        }
        return call(method, path, headers, text);
    }

    /** A binary answer (an export's ZIP), after checking its status. */
    public byte[] download(String key, String path, int status) {
        try {
            HttpResponse<byte[]> r = http.send(HttpRequest.newBuilder(URI.create(url(path)))
                    .header("Authorization", "Bearer " + key).build(), HttpResponse.BodyHandlers.ofByteArray());
            if (r.statusCode() != status) {
                throw new AssertionError("expected " + status + " but got " + r.statusCode() + " for " + path);
            }
            return r.body();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** The entries of a ZIP, by name, as UTF-8 text. */
    public static Map<String, String> unzip(byte[] zip) {
        Map<String, String> out = new java.util.LinkedHashMap<>();
        try (java.util.zip.ZipInputStream in = new java.util.zip.ZipInputStream(new java.io.ByteArrayInputStream(zip))) {
            for (java.util.zip.ZipEntry e = in.getNextEntry(); e != null; e = in.getNextEntry()) {
                out.put(e.getName(), new String(in.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8));
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out;
    }

    /** A multipart upload as OpenAI's clients send it ({@code POST /v1/files}): a file part and its purpose. */
    public Reply upload(String key, String path, String purpose, String filename, byte[] content) {
        String boundary = "----hubtest" + System.nanoTime();
        java.io.ByteArrayOutputStream body = new java.io.ByteArrayOutputStream();
        byte[] head = ("--" + boundary + "\r\nContent-Disposition: form-data; name=\"file\"; filename=\"" + filename
                + "\"\r\nContent-Type: application/octet-stream\r\n\r\n")
                .getBytes(java.nio.charset.StandardCharsets.UTF_8);
        byte[] tail = ("\r\n--" + boundary + "\r\nContent-Disposition: form-data; name=\"purpose\"\r\n\r\n" + purpose
                + "\r\n--" + boundary + "--\r\n").getBytes(java.nio.charset.StandardCharsets.UTF_8);
        body.writeBytes(head);
        body.writeBytes(content);
        body.writeBytes(tail);
        Map<String, String> headers = new java.util.LinkedHashMap<>();
        headers.put("Content-Type", "multipart/form-data; boundary=" + boundary);
        if (key != null) {
            headers.put("Authorization", "Bearer " + key);
        }
        return callBinary("POST", path, headers, body.toByteArray());
    }

    /**
     * One call of a route as a client of it would make it: a multipart upload for the upload route, JSON (or
     * nothing) otherwise. For the tests that walk every route.
     */
    public Reply sendAs(String key, String method, String template, String path, Object body) {
        if (method.equals("POST") && template.endsWith("/files") && !template.contains("vector_stores")) {
            return upload(key, path, "assistants", "walk.txt",
                    ("walk upload " + System.nanoTime()).getBytes(java.nio.charset.StandardCharsets.UTF_8));
        }
        return send(key, method, path, body);
    }

    /** A request with exactly these headers (no API key), for the public channel routes. */
    public Reply call(String method, String path, Map<String, String> headers, String body) {
        return callBinary(method, path, headers, body == null ? null
                : body.getBytes(java.nio.charset.StandardCharsets.UTF_8));
    }

    /** The same with a binary body (an upload). */
    public Reply callBinary(String method, String path, Map<String, String> headers, byte[] body) {
        try {
            HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(path.startsWith("http") ? path : url(path)))
                    .method(method, body == null ? HttpRequest.BodyPublishers.noBody()
                            : HttpRequest.BodyPublishers.ofByteArray(body));
            headers.forEach(b::header);
            HttpResponse<String> r = http.send(b.build(), HttpResponse.BodyHandlers.ofString());
            JsonNode json = null;
            String ct = r.headers().firstValue("Content-Type").orElse("");
            if (ct.contains("json") && !r.body().isEmpty()) {
                json = JSON.readTree(r.body());
            }
            return new Reply(r.statusCode(), json, r.body(), r.headers());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    // Convenience for test setup -------------------------------------------------------------------------------

    /** Creates a tenant and returns its id. */
    public String createTenant(String slug) {
        Reply r = post(ROOT_KEY, "/admin/tenants", Map.of("slug", slug, "name", "Tenant " + slug));
        check(r, 201);
        return r.json().get("id").asText();
    }

    /** Issues a key of a role in a tenant (through the operator route) and returns the created key JSON. */
    public JsonNode createKey(String tenantId, String role) {
        Reply r = post(ROOT_KEY, "/admin/tenants/" + tenantId + "/api-keys", Map.of("name", role + " key",
                "role", role));
        check(r, 201);
        return r.json();
    }

    /** A tenant's admin key and the messages route of a new conversation with its default agent. */
    public record Chat(String tenant, String key, String messages) {
    }

    /** A new tenant with an admin key, an agent and one conversation: the set-up of a test that sends turns. */
    public Chat newChat(String slug) {
        String tenant = createTenant(slug);
        String key = createKey(tenant, "admin").get("key").asText();
        check(post(key, "/v1/agents", Map.of("slug", "agent", "name", "Agent")), 201);
        String conv = check(post(key, "/v1/conversations", Map.of("end_user_id", "u-1")), 201).json().get("id")
                .asText();
        return new Chat(tenant, key, "/v1/conversations/" + conv + "/messages");
    }

    public static Reply check(Reply r, int status) {
        if (r.status() != status) {
            throw new AssertionError("expected " + status + " but got " + r.status() + ": " + r.body());
        }
        return r;
    }

    @Override
    public void close() {
        support.after();
        // Overrides travel as dw.* system properties; with two hubs started from the same overrides the support
        // class can restore the other hub's value instead of clearing it, so clear them all here.
        System.getProperties().stringPropertyNames().stream().filter(k -> k.startsWith("dw."))
                .forEach(System::clearProperty);
        if (ownsDatabase) {
            db.close();
        }
    }
}
