package io.channelhub.hub.support;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.security.InvalidKeyException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Deque;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicLong;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * A local stand-in for Meta's Graph API as the WhatsApp Cloud API uses it. It checks every request against the
 * documented shapes (bearer token, path version, the bodies of {@code POST /{phone_number_id}/messages} per type,
 * read receipts and typing indicators, the multipart media upload, the template list's fields, limit and paging,
 * media metadata and download) and records what does not fit in {@link #problems()}. It answers with Meta's
 * documented responses, and a test can script failures per recipient (a 5xx, a Graph error such as 131026, a 429
 * with 130429 and {@code Retry-After}). Static helpers build signed webhook payloads of the documented shape.
 *
 * <pre>{@code
 * try (FakeGraphApi graph = new FakeGraphApi("token-1", "v23.0")) {
 *     graph.failNextSendsTo("5511999990000", 2, FakeGraphApi.serverError());
 *     ... settings graph_base_url = graph.baseUrl() ...
 *     assertThat(graph.problems()).isEmpty();
 * }
 * }</pre>
 */
public final class FakeGraphApi implements AutoCloseable {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Set<String> MESSAGE_TYPES = Set.of("text", "image", "audio", "video", "document",
            "sticker", "template", "interactive", "reaction", "location", "contacts");
    private static final Set<String> MEDIA_TYPES = Set.of("image", "audio", "video", "document", "sticker");
    private static final Set<String> TEMPLATE_FIELDS = Set.of("name", "language", "category", "status",
            "components");
    private static final String DOWNLOAD_PATH = "/whatsapp_business/attachments/";

    private final String accessToken;
    private final String version;
    private final HttpServer server;
    private final List<Request> requests = new CopyOnWriteArrayList<>();
    private final List<String> problems = new CopyOnWriteArrayList<>();
    private final Map<String, Deque<Failure>> failuresByRecipient = new ConcurrentHashMap<>();
    private final Map<String, Media> media = new ConcurrentHashMap<>();
    private final Map<String, Upload> uploads = new ConcurrentHashMap<>();
    private final List<JsonNode> templates = new CopyOnWriteArrayList<>();
    private final AtomicLong ids = new AtomicLong(1000);
    private volatile int templatePageSize = 100;

    // Types ------------------------------------------------------------------------------------------------------

    /**
     * One request as it arrived.
     *
     * @param method       the HTTP method
     * @param path         the path, e.g. {@code /v23.0/106540352242922/messages}
     * @param query        the raw query, or null
     * @param headers      the request headers
     * @param body         the raw body
     * @param arrivedNanos {@link System#nanoTime()} on arrival, for pacing assertions
     */
    public record Request(String method, String path, String query, Map<String, List<String>> headers, byte[] body,
                          long arrivedNanos) {

        public String text() {
            return new String(body, StandardCharsets.UTF_8);
        }

        /** The body as JSON; a missing node when it is not JSON. */
        public JsonNode json() {
            try {
                return JSON.readTree(body);
            } catch (IOException e) {
                return JSON.missingNode();
            }
        }

        /** Whether this is a {@code POST /{version}/{id}/messages}. */
        public boolean isSend() {
            return "POST".equals(method) && path.endsWith("/messages");
        }
    }

    /**
     * A scripted answer that replaces the documented success.
     *
     * @param status  the HTTP status
     * @param body    the JSON body
     * @param headers extra headers (Retry-After)
     */
    public record Failure(int status, String body, Map<String, String> headers) {
    }

    /** A file the fake serves through {@code GET /{version}/{media_id}} and its download URL. */
    private record Media(byte[] bytes, String mimeType) {
    }

    /**
     * A file a test's plugin uploaded with {@code POST /{version}/{phone_number_id}/media}.
     *
     * @param phoneNumberId the number it was uploaded for
     * @param type          the {@code type} field (the file's media type)
     * @param fileName      the file part's name
     * @param contentType   the file part's content type
     * @param bytes         the file
     */
    public record Upload(String phoneNumberId, String type, String fileName, String contentType, byte[] bytes) {
    }

    // Life cycle -------------------------------------------------------------------------------------------------

    /**
     * Starts the fake on 127.0.0.1 and a random port.
     *
     * @param accessToken the token every request must carry as {@code Authorization: Bearer ...}
     * @param version     the Graph API version every path must start with, e.g. {@code v23.0}
     */
    public FakeGraphApi(String accessToken, String version) throws IOException {
        this.accessToken = accessToken;
        this.version = version;
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.setExecutor(Executors.newCachedThreadPool(r -> {
            Thread t = new Thread(r, "fake-graph-api");
            t.setDaemon(true);
            return t;
        }));
        server.createContext("/", this::handle);
        server.start();
    }

    /** The {@code graph_base_url} setting for this fake: scheme, host and port, no path. */
    public String baseUrl() {
        return "http://127.0.0.1:" + server.getAddress().getPort();
    }

    /** Every request, in arrival order. */
    public List<Request> requests() {
        return requests;
    }

    /** The {@code POST .../messages} requests, in arrival order. */
    public List<Request> sends() {
        return requests.stream().filter(Request::isSend).toList();
    }

    /** Requests that did not follow the documented shapes; a test asserts it is empty. */
    public List<String> problems() {
        return problems;
    }

    /** Uploaded files by the media id the fake answered. */
    public Map<String, Upload> uploads() {
        return uploads;
    }

    /** Forgets requests, problems, scripts, templates, media and uploads. */
    public void reset() {
        requests.clear();
        problems.clear();
        failuresByRecipient.clear();
        media.clear();
        uploads.clear();
        templates.clear();
        templatePageSize = 100;
    }

    @Override
    public void close() {
        server.stop(0);
    }

    // Scripting --------------------------------------------------------------------------------------------------

    /** The next {@code count} sends to this recipient ({@code to}) answer with the failure instead. */
    public FakeGraphApi failNextSendsTo(String to, int count, Failure failure) {
        Deque<Failure> q = failuresByRecipient.computeIfAbsent(to, k -> new ArrayDeque<>());
        synchronized (q) {
            for (int i = 0; i < count; i++) {
                q.add(failure);
            }
        }
        return this;
    }

    /** A 500 with Graph error 131000 ("Something went wrong"). */
    public static Failure serverError() {
        return graphError(500, 131000, "Something went wrong", "Something went wrong.");
    }

    /** A Graph error of Meta's documented shape. */
    public static Failure graphError(int status, int code, String message, String details) {
        ObjectNode data = JSON.createObjectNode().put("messaging_product", "whatsapp").put("details", details);
        ObjectNode error = JSON.createObjectNode().put("message", "(#" + code + ") " + message)
                .put("type", "OAuthException").put("code", code);
        error.set("error_data", data);
        error.put("fbtrace_id", "AazFvR2Mu4bcSgBM8P4ZILU");
        return new Failure(status, JSON.createObjectNode().set("error", error).toString(), Map.of());
    }

    /** A 429 with Graph error 130429 (throughput) and {@code Retry-After}. */
    public static Failure throttled(int retryAfterSeconds) {
        Failure f = graphError(429, 130429, "Rate limit hit",
                "Cloud API message throughput has been reached.");
        return new Failure(f.status(), f.body(), Map.of("Retry-After", String.valueOf(retryAfterSeconds)));
    }

    /**
     * The templates {@code GET /{version}/{waba_id}/message_templates} lists, each a JSON object as Meta describes
     * it ({@code name}, {@code language}, {@code category}, {@code status}, {@code components}).
     */
    public FakeGraphApi templates(List<String> templateJson) {
        templates.clear();
        for (String t : templateJson) {
            templates.add(parse(t));
        }
        return this;
    }

    /** How many templates one page holds at most (the request's {@code limit} may lower it). */
    public FakeGraphApi templatePageSize(int size) {
        templatePageSize = size;
        return this;
    }

    /** A file the fake serves under this media id. */
    public FakeGraphApi media(String mediaId, byte[] bytes, String mimeType) {
        media.put(mediaId, new Media(bytes.clone(), mimeType));
        return this;
    }

    // Handling ---------------------------------------------------------------------------------------------------

    private void handle(HttpExchange ex) throws IOException {
        long arrived = System.nanoTime();
        try (ex) {
            byte[] body = ex.getRequestBody().readAllBytes();
            String method = ex.getRequestMethod();
            String path = ex.getRequestURI().getPath();
            String query = ex.getRequestURI().getRawQuery();
            requests.add(new Request(method, path, query, Map.copyOf(ex.getRequestHeaders()), body, arrived));
            checkToken(ex, method + " " + path);
            if ("GET".equals(method) && path.equals(DOWNLOAD_PATH)) {
                download(ex, query);
                return;
            }
            String prefix = "/" + version + "/";
            if (!path.startsWith(prefix)) {
                problems.add(method + " " + path + ": path does not start with the Graph version " + prefix);
                answer(ex, graphError(400, 2500, "Unknown path components", path));
                return;
            }
            String[] parts = path.substring(prefix.length()).split("/");
            if ("POST".equals(method) && parts.length == 2 && parts[1].equals("messages")) {
                send(ex, parts[0], body);
            } else if ("POST".equals(method) && parts.length == 2 && parts[1].equals("media")) {
                upload(ex, parts[0], body);
            } else if ("GET".equals(method) && parts.length == 2 && parts[1].equals("message_templates")) {
                templates(ex, path, query);
            } else if ("GET".equals(method) && parts.length == 1) {
                mediaInfo(ex, parts[0]);
            } else {
                problems.add("unexpected request " + method + " " + path);
                answer(ex, graphError(400, 100, "Unsupported request", method + " " + path));
            }
        } catch (RuntimeException e) {
            problems.add("fake failed on a request: " + e);
            ex.sendResponseHeaders(500, -1);
        }
    }

    private void checkToken(HttpExchange ex, String what) {
        String auth = ex.getRequestHeaders().getFirst("Authorization");
        if (auth == null || !auth.startsWith("Bearer ")) {
            problems.add(what + ": no bearer token");
        } else if (!auth.substring(7).equals(accessToken)) {
            problems.add(what + ": bearer token is not the configured access token");
        }
    }

    private void send(HttpExchange ex, String phoneNumberId, byte[] body) throws IOException {
        String where = "POST /" + phoneNumberId + "/messages";
        if (!isJson(ex)) {
            problems.add(where + ": Content-Type is not application/json");
        }
        JsonNode m = parse(new String(body, StandardCharsets.UTF_8));
        if (!"whatsapp".equals(m.path("messaging_product").asText())) {
            problems.add(where + ": messaging_product is not whatsapp");
        }
        if (m.has("status")) {
            checkReadReceipt(where, m);
            answer(ex, new Failure(200, "{\"success\":true}", Map.of()));
            return;
        }
        checkMessage(where, m);
        String to = m.path("to").asText();
        Deque<Failure> scripted = failuresByRecipient.get(to);
        if (scripted != null) {
            Failure f;
            synchronized (scripted) {
                f = scripted.poll();
            }
            if (f != null) {
                answer(ex, f);
                return;
            }
        }
        ObjectNode out = JSON.createObjectNode().put("messaging_product", "whatsapp");
        out.putArray("contacts").addObject().put("input", to).put("wa_id", to.replaceAll("[^0-9]", ""));
        out.putArray("messages").addObject().put("id", "wamid." + Base64.getEncoder().withoutPadding()
                .encodeToString(("fake-" + ids.incrementAndGet()).getBytes(StandardCharsets.UTF_8)))
                .put("message_status", "accepted");
        answer(ex, new Failure(200, out.toString(), Map.of()));
    }

    private void checkReadReceipt(String where, JsonNode m) {
        if (!"read".equals(m.path("status").asText())) {
            problems.add(where + ": status must be read");
        }
        if (!m.path("message_id").asText().startsWith("wamid.")) {
            problems.add(where + ": message_id must be a wamid");
        }
        if (m.has("typing_indicator") && !"text".equals(m.path("typing_indicator").path("type").asText())) {
            problems.add(where + ": typing_indicator.type must be text");
        }
        if (m.has("to") || m.has("type")) {
            problems.add(where + ": a read receipt carries no to or type");
        }
    }

    private void checkMessage(String where, JsonNode m) {
        if (m.has("recipient_type") && !"individual".equals(m.path("recipient_type").asText())) {
            problems.add(where + ": recipient_type must be individual");
        }
        if (m.path("to").asText().isBlank()) {
            problems.add(where + ": to is missing");
        }
        if (m.has("context") && !m.path("context").path("message_id").isTextual()) {
            problems.add(where + ": context needs a message_id");
        }
        String type = m.path("type").asText();
        if (!MESSAGE_TYPES.contains(type)) {
            problems.add(where + ": unknown type '" + type + "'");
            return;
        }
        JsonNode object = m.path(type);
        if (!object.isObject()) {
            problems.add(where + ": type " + type + " without its " + type + " object");
            return;
        }
        if (type.equals("text")) {
            String text = object.path("body").asText();
            if (text.isEmpty() || text.length() > 4096) {
                problems.add(where + ": text.body must be 1 to 4096 characters");
            }
        } else if (MEDIA_TYPES.contains(type)) {
            if (object.has("id") == object.has("link")) {
                problems.add(where + ": " + type + " needs exactly one of id and link");
            }
            if (object.has("caption") && (type.equals("audio") || type.equals("sticker"))) {
                problems.add(where + ": " + type + " takes no caption");
            }
            if (object.has("filename") && !type.equals("document")) {
                problems.add(where + ": only a document takes a filename");
            }
        } else if (type.equals("template")) {
            checkTemplate(where, object);
        } else if (type.equals("interactive")) {
            if (!object.path("type").isTextual() || !object.path("action").isObject()) {
                problems.add(where + ": interactive needs a type and an action");
            }
        } else if (type.equals("reaction")) {
            if (!object.path("message_id").isTextual() || !object.path("emoji").isTextual()) {
                problems.add(where + ": reaction needs message_id and emoji");
            }
        }
    }

    private void checkTemplate(String where, JsonNode t) {
        if (t.path("name").asText().isBlank() || t.path("language").path("code").asText().isBlank()) {
            problems.add(where + ": template needs name and language.code");
        }
        if (!t.has("components")) {
            return;
        }
        if (!t.path("components").isArray()) {
            problems.add(where + ": template.components must be an array");
            return;
        }
        for (JsonNode c : t.path("components")) {
            String type = c.path("type").asText();
            if (!Set.of("header", "body", "button").contains(type) || !c.path("parameters").isArray()) {
                problems.add(where + ": bad template component " + c);
                continue;
            }
            if (type.equals("button") && (!Set.of("quick_reply", "url", "copy_code").contains(
                    c.path("sub_type").asText()) || !c.path("index").asText().matches("[0-9]+"))) {
                problems.add(where + ": a button component needs sub_type and index");
            }
            for (JsonNode p : c.path("parameters")) {
                String pt = p.path("type").asText();
                boolean ok = switch (pt) {
                    case "text" -> p.path("text").isTextual();
                    case "payload" -> p.path("payload").isTextual();
                    case "image", "video", "document" -> p.path(pt).has("id") || p.path(pt).has("link");
                    case "currency", "date_time", "location", "coupon_code" -> true;
                    default -> false;
                };
                if (!ok) {
                    problems.add(where + ": bad template parameter " + p);
                }
            }
        }
    }

    private void upload(HttpExchange ex, String phoneNumberId, byte[] body) throws IOException {
        String where = "POST /" + phoneNumberId + "/media";
        String contentType = String.valueOf(ex.getRequestHeaders().getFirst("Content-Type"));
        int b = contentType.indexOf("boundary=");
        if (!contentType.startsWith("multipart/form-data") || b < 0) {
            problems.add(where + ": not multipart/form-data with a boundary");
            answer(ex, graphError(400, 100, "Invalid parameter", "not multipart"));
            return;
        }
        Map<String, Part> parts = multipart(body, contentType.substring(b + 9).replace("\"", "").trim());
        if (parts.get("messaging_product") == null || !"whatsapp".equals(parts.get("messaging_product").text())) {
            problems.add(where + ": messaging_product must be whatsapp");
        }
        Part file = parts.get("file");
        Part type = parts.get("type");
        if (file == null || file.bytes().length == 0) {
            problems.add(where + ": no file part");
        }
        if (type == null || !type.text().contains("/")) {
            problems.add(where + ": type must be the file's media type");
        }
        String id = String.valueOf(ids.incrementAndGet() + 4490709327380000L);
        if (file != null) {
            uploads.put(id, new Upload(phoneNumberId, type == null ? null : type.text(), file.fileName(),
                    file.contentType(), file.bytes()));
        }
        answer(ex, new Failure(200, "{\"id\":\"" + id + "\"}", Map.of()));
    }

    private void templates(HttpExchange ex, String path, String rawQuery) throws IOException {
        Map<String, String> q = query(rawQuery);
        String where = "GET " + path;
        List<String> fields = List.of(q.getOrDefault("fields", "").split(","));
        if (!fields.containsAll(TEMPLATE_FIELDS)) {
            problems.add(where + ": fields must include " + TEMPLATE_FIELDS);
        }
        int limit;
        try {
            limit = Integer.parseInt(q.getOrDefault("limit", ""));
        } catch (NumberFormatException e) {
            problems.add(where + ": limit missing or not a number");
            limit = 25;
        }
        int from = 0;
        if (q.containsKey("after")) {
            try {
                from = Integer.parseInt(new String(Base64.getUrlDecoder().decode(q.get("after")),
                        StandardCharsets.UTF_8));
            } catch (IllegalArgumentException e) {
                problems.add(where + ": after is not a cursor this fake handed out");
            }
        }
        int size = Math.max(1, Math.min(limit, templatePageSize));
        int to = Math.min(templates.size(), from + size);
        ObjectNode out = JSON.createObjectNode();
        ArrayNode data = out.putArray("data");
        for (int i = from; i < to; i++) {
            data.add(templates.get(i));
        }
        ObjectNode paging = out.putObject("paging");
        paging.putObject("cursors").put("before", cursor(from)).put("after", cursor(to));
        if (to < templates.size()) {
            paging.put("next", baseUrl() + path + "?fields=" + String.join(",", fields) + "&limit=" + limit
                    + "&after=" + cursor(to));
        }
        answer(ex, new Failure(200, out.toString(), Map.of()));
    }

    private void mediaInfo(HttpExchange ex, String mediaId) throws IOException {
        Media m = media.get(mediaId);
        if (m == null) {
            answer(ex, graphError(400, 100, "Invalid parameter", "Unsupported get request. Object with ID '"
                    + mediaId + "' does not exist"));
            return;
        }
        ObjectNode out = JSON.createObjectNode().put("messaging_product", "whatsapp")
                .put("url", baseUrl() + DOWNLOAD_PATH + "?mid=" + mediaId + "&ext=1&hash=fake")
                .put("mime_type", m.mimeType()).put("sha256", sha256Hex(m.bytes()))
                .put("file_size", String.valueOf(m.bytes().length)).put("id", mediaId);
        answer(ex, new Failure(200, out.toString(), Map.of()));
    }

    private void download(HttpExchange ex, String rawQuery) throws IOException {
        Media m = media.get(query(rawQuery).getOrDefault("mid", ""));
        if (m == null) {
            problems.add("GET " + DOWNLOAD_PATH + ": unknown media");
            ex.sendResponseHeaders(404, -1);
            return;
        }
        ex.getResponseHeaders().add("Content-Type", m.mimeType());
        ex.sendResponseHeaders(200, m.bytes().length);
        ex.getResponseBody().write(m.bytes());
    }

    private static void answer(HttpExchange ex, Failure f) throws IOException {
        f.headers().forEach((k, v) -> ex.getResponseHeaders().add(k, v));
        ex.getResponseHeaders().add("Content-Type", "application/json");
        byte[] b = f.body().getBytes(StandardCharsets.UTF_8);
        ex.sendResponseHeaders(f.status(), b.length);
        ex.getResponseBody().write(b);
    }

    // Parsing helpers --------------------------------------------------------------------------------------------

    private record Part(String fileName, String contentType, byte[] bytes) {
        String text() {
            return new String(bytes, StandardCharsets.UTF_8);
        }
    }

    /** A small multipart/form-data reader: enough for the three fields of a media upload. */
    private static Map<String, Part> multipart(byte[] body, String boundary) {
        Map<String, Part> parts = new LinkedHashMap<>();
        String all = new String(body, StandardCharsets.ISO_8859_1);
        for (String chunk : all.split("--" + java.util.regex.Pattern.quote(boundary))) {
            int headEnd = chunk.indexOf("\r\n\r\n");
            if (headEnd < 0) {
                continue;
            }
            String head = chunk.substring(0, headEnd);
            String content = chunk.substring(headEnd + 4);
            if (content.endsWith("\r\n")) {
                content = content.substring(0, content.length() - 2);
            }
            String name = attribute(head, "name");
            if (name == null) {
                continue;
            }
            String type = null;
            for (String line : head.split("\r\n")) {
                if (line.regionMatches(true, 0, "Content-Type:", 0, 13)) {
                    type = line.substring(13).trim();
                }
            }
            parts.put(name, new Part(attribute(head, "filename"), type, content.getBytes(StandardCharsets.ISO_8859_1)));
        }
        return parts;
    }

    private static String attribute(String head, String attribute) {
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("[; ]" + attribute + "=\"([^\"]*)\"").matcher(head);
        return m.find() ? m.group(1) : null;
    }

    private static Map<String, String> query(String raw) {
        Map<String, String> q = new LinkedHashMap<>();
        if (raw == null) {
            return q;
        }
        for (String pair : raw.split("&")) {
            int eq = pair.indexOf('=');
            String k = URLDecoder.decode(eq < 0 ? pair : pair.substring(0, eq), StandardCharsets.UTF_8);
            String v = eq < 0 ? "" : URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8);
            q.put(k, v);
        }
        return q;
    }

    private static boolean isJson(HttpExchange ex) {
        String t = ex.getRequestHeaders().getFirst("Content-Type");
        return t != null && t.startsWith("application/json");
    }

    private static String cursor(int index) {
        return Base64.getUrlEncoder().withoutPadding().encodeToString(String.valueOf(index)
                .getBytes(StandardCharsets.UTF_8));
    }

    private static JsonNode parse(String json) {
        try {
            return JSON.readTree(json);
        } catch (IOException e) {
            return JSON.missingNode();
        }
    }

    private static String sha256Hex(byte[] bytes) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    // Webhooks ---------------------------------------------------------------------------------------------------

    /** The {@code X-Hub-Signature-256} value Meta sends for this body: {@code sha256=} and the hex HMAC-SHA256. */
    public static String sign(byte[] body, String appSecret) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(appSecret.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
            return "sha256=" + HexFormat.of().formatHex(mac.doFinal(body));
        } catch (NoSuchAlgorithmException | InvalidKeyException e) {
            throw new IllegalStateException(e);
        }
    }

    /** A {@code messages} webhook with one text message from {@code waId} to the business number. */
    public static String textMessageWebhook(String phoneNumberId, String waId, String profileName, String wamid,
                                            String text, long epochSeconds) {
        ObjectNode value = value(phoneNumberId);
        value.putArray("contacts").addObject().put("wa_id", waId).putObject("profile").put("name", profileName);
        ObjectNode message = value.putArray("messages").addObject().put("from", waId).put("id", wamid)
                .put("timestamp", String.valueOf(epochSeconds)).put("type", "text");
        message.putObject("text").put("body", text);
        return envelope(value);
    }

    /**
     * A {@code messages} webhook with one status of an outbound message; {@code errorCode} non-null adds Meta's
     * {@code errors[]} (use it with {@code failed}).
     */
    public static String statusWebhook(String phoneNumberId, String recipientWaId, String wamid, String status,
                                       long epochSeconds, Integer errorCode) {
        ObjectNode value = value(phoneNumberId);
        ObjectNode s = value.putArray("statuses").addObject().put("id", wamid).put("status", status)
                .put("timestamp", String.valueOf(epochSeconds)).put("recipient_id", recipientWaId);
        if (errorCode == null) {
            s.putObject("pricing").put("billable", true).put("pricing_model", "PMP").put("type", "regular")
                    .put("category", "utility");
        } else {
            ObjectNode e = s.putArray("errors").addObject().put("code", errorCode)
                    .put("title", "Error " + errorCode).put("message", "Error " + errorCode);
            e.putObject("error_data").put("details", "Error " + errorCode);
            e.put("href", "https://developers.facebook.com/docs/whatsapp/cloud-api/support/error-codes/");
        }
        return envelope(value);
    }

    private static ObjectNode value(String phoneNumberId) {
        ObjectNode value = JSON.createObjectNode().put("messaging_product", "whatsapp");
        value.putObject("metadata").put("display_phone_number", "15550783881").put("phone_number_id", phoneNumberId);
        return value;
    }

    private static String envelope(ObjectNode value) {
        ObjectNode root = JSON.createObjectNode().put("object", "whatsapp_business_account");
        ObjectNode change = root.putArray("entry").addObject().put("id", "102290129340398").putArray("changes")
                .addObject();
        change.set("value", value);
        change.put("field", "messages");
        return root.toString();
    }
}
