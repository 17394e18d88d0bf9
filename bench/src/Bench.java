import java.io.IOException;
import java.io.PrintWriter;
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
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Flow;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * The benchmark's own tools, JDK only: seeding tenants through the admin API, the open-loop signed WhatsApp webhook
 * load and chat turns at a fixed rate (latency measured from each request's intended send time, so a stalled hub
 * cannot hide its queueing: coordinated omission corrected), and the concurrent SSE streams. Closed-loop HTTP load is wrk's job (bench/lua).
 *
 * <pre>
 * java Bench seed --hub URL --admin-key KEY --tenants N --conversations C --whatsapp W --graph URL --out DIR
 * java Bench webhook --hub URL --seed DIR --rate R --seconds S --run ID --out FILE
 * java Bench sse --hub URL --seed DIR --streams N --ramp-per-second R --out FILE
 * java Bench chat-rate --hub URL --seed DIR --rate R --seconds S --out FILE
 * </pre>
 */
public final class Bench {

    static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(10)).build();

    public static void main(String[] args) throws Exception {
        Map<String, String> o = new LinkedHashMap<>();
        for (int i = 1; i < args.length; i += 2) {
            o.put(args[i].replaceFirst("^--", ""), args[i + 1]);
        }
        switch (args[0]) {
            case "seed" -> seed(o);
            case "webhook" -> webhook(o);
            case "sse" -> sse(o);
            case "chat-rate" -> chatRate(o);
            case "knowledge" -> knowledge(o);
            default -> throw new IllegalArgumentException("seed, webhook, sse, chat-rate or knowledge");
        }
    }

    // Seeding ------------------------------------------------------------------------------------------------------

    record Answer(int status, String body) {
    }

    static Answer call(String method, String url, String key, String body) throws IOException, InterruptedException {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(60))
                .header("Authorization", "Bearer " + key).header("Content-Type", "application/json");
        b.method(method, body == null ? HttpRequest.BodyPublishers.noBody()
                : HttpRequest.BodyPublishers.ofString(body));
        HttpResponse<String> r = HTTP.send(b.build(), HttpResponse.BodyHandlers.ofString());
        return new Answer(r.statusCode(), r.body());
    }

    static String must(String method, String url, String key, String body, String field) throws Exception {
        for (int attempt = 0; ; attempt++) {
            Answer a = call(method, url, key, body);
            if (a.status() / 100 == 2) {
                return field == null ? a.body() : str(a.body(), field);
            }
            if (attempt >= 3 || a.status() != 429 && a.status() < 500) {
                throw new IllegalStateException(method + " " + url + " -> " + a.status() + " " + a.body());
            }
            Thread.sleep(500);
        }
    }

    static String str(String json, String field) {
        Matcher m = Pattern.compile("\"" + field + "\"\\s*:\\s*\"([^\"]*)\"").matcher(json);
        if (!m.find()) {
            throw new IllegalStateException("no " + field + " in " + json);
        }
        return m.group(1);
    }

    /**
     * Tenants, each with an admin key, an agent on the operator model, a hard quota (so every turn is quota-checked)
     * and conversations; the first {@code whatsapp} tenants also get a WhatsApp number whose Graph API is the fake.
     * Writes {@code chat.txt} (key, conversation, agent slug per line) and {@code whatsapp.txt} (phone number id,
     * app secret).
     */
    static void seed(Map<String, String> o) throws Exception {
        String hub = o.get("hub");
        String admin = o.get("admin-key");
        int tenants = Integer.parseInt(o.getOrDefault("tenants", "1"));
        int conversations = Integer.parseInt(o.getOrDefault("conversations", "64"));
        int whatsapp = Integer.parseInt(o.getOrDefault("whatsapp", "0"));
        int history = Integer.parseInt(o.getOrDefault("history", "0"));
        String graph = o.getOrDefault("graph", "http://127.0.0.1:28490");
        Path out = Path.of(o.get("out"));
        Files.createDirectories(out);
        String tag = Long.toString(System.currentTimeMillis(), 36);
        ConcurrentLinkedQueue<String> chat = new ConcurrentLinkedQueue<>();
        ConcurrentLinkedQueue<String> numbers = new ConcurrentLinkedQueue<>();
        ExecutorService pool = Executors.newFixedThreadPool(Integer.parseInt(o.getOrDefault("parallel", "8")));
        List<Future<?>> work = new ArrayList<>();
        AtomicInteger done = new AtomicInteger();
        long started = System.nanoTime();
        for (int t = 0; t < tenants; t++) {
            final int n = t;
            work.add(pool.submit(() -> {
                String slug = "bench-" + tag + "-" + n;
                String tid = must("POST", hub + "/admin/tenants", admin,
                        "{\"slug\":\"" + slug + "\",\"name\":\"Bench " + n + "\"}", "id");
                String key = must("POST", hub + "/admin/tenants/" + tid + "/api-keys", admin,
                        "{\"name\":\"bench\",\"role\":\"admin\"}", "key");
                must("POST", hub + "/v1/agents", key, "{\"slug\":\"bench\",\"name\":\"Bench\",\"provider\":\"openai\","
                        + "\"model\":\"bench-model\",\"instructions\":\"You answer briefly.\","
                        + "\"history\":{\"max_messages\":20,\"max_tokens\":4000}}", "id");
                must("POST", hub + "/admin/tenants/" + tid + "/quotas", admin, "{\"usage_type\":\"messages.in\","
                        + "\"period\":\"monthly\",\"limit\":1000000000000,\"mode\":\"hard\"}", null);
                for (int c = 0; c < conversations; c++) {
                    String cid = must("POST", hub + "/v1/conversations", key, "{\"end_user_id\":\"u" + c + "\"}",
                            "id");
                    for (int h = 0; h < history / 2; h++) {
                        must("POST", hub + "/v1/conversations/" + cid + "/messages", key,
                                "{\"content\":\"history message " + h + "\"}", null);
                    }
                    chat.add(key + " " + cid + " bench");
                }
                if (n < whatsapp) {
                    String phone = (100000000000L + Math.abs((tag + n).hashCode()) % 800000000000L) + "";
                    String secret = "appsecret" + tag + n;
                    must("POST", hub + "/v1/channel-instances", key, "{\"plugin_id\":\"channel-whatsapp\","
                            + "\"name\":\"bench\",\"settings\":{\"phone_number_id\":\"" + phone + "\","
                            + "\"waba_id\":\"1\",\"access_token\":\"token\",\"app_secret\":\"" + secret + "\","
                            + "\"verify_token\":\"verify" + tag + n + "\",\"graph_base_url\":\"" + graph + "\","
                            + "\"agent\":\"bench\"}}", "id");
                    numbers.add(phone + " " + secret);
                }
                int d = done.incrementAndGet();
                if (d % 500 == 0) {
                    System.out.println("seeded " + d + " tenants");
                }
                return null;
            }));
        }
        for (Future<?> f : work) {
            f.get();
        }
        pool.shutdown();
        Files.write(out.resolve("chat.txt"), chat);
        Files.write(out.resolve("whatsapp.txt"), numbers);
        System.out.printf("seeded %d tenants, %d conversations, %d WhatsApp numbers in %.1f s%n", tenants,
                chat.size(), numbers.size(), (System.nanoTime() - started) / 1e9);
    }

    // Percentiles --------------------------------------------------------------------------------------------------

    /** Exact percentiles of the recorded samples (microseconds); a run records at most a few hundred thousand. */
    static Map<String, Object> summary(long[] us, int n) {
        long[] s = Arrays.copyOf(us, n);
        Arrays.sort(s);
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("count", n);
        for (double p : new double[] {50, 90, 95, 99, 99.9}) {
            m.put("p" + (p == Math.floor(p) ? Integer.toString((int) p) : Double.toString(p)) + "_ms",
                    n == 0 ? 0 : s[Math.min(n - 1, (int) Math.ceil(p / 100 * n) - 1)] / 1000.0);
        }
        m.put("max_ms", n == 0 ? 0 : s[n - 1] / 1000.0);
        return m;
    }

    static String json(Map<String, Object> m) {
        StringBuilder b = new StringBuilder("{");
        m.forEach((k, v) -> {
            if (b.length() > 1) {
                b.append(',');
            }
            b.append('"').append(k).append("\":");
            if (v instanceof Map<?, ?> inner) {
                @SuppressWarnings("unchecked")
                Map<String, Object> im = (Map<String, Object>) inner;
                b.append(json(im));
            } else if (v instanceof String sv) {
                b.append('"').append(sv).append('"');
            } else {
                b.append(v);
            }
        });
        return b.append('}').toString();
    }

    static void write(Map<String, String> o, Map<String, Object> result) throws IOException {
        String text = json(result);
        System.out.println(text);
        if (o.containsKey("out")) {
            try (PrintWriter w = new PrintWriter(Files.newBufferedWriter(Path.of(o.get("out"))))) {
                w.println(text);
            }
        }
    }

    // Knowledge ----------------------------------------------------------------------------------------------------

    /** Words of the synthetic documents: a few hundred common ones and a long tail, as prose has (Zipf-like). */
    static String[] vocabulary(int size) {
        String[] common = ("the of and to in is for on with as by at from that this be are it or an was which "
                + "delivery price shop bike order store hours warranty return refund customer day week month service "
                + "payment card cash city street open close free fee zone rental insurance battery frame policy").split(" ");
        String[] v = new String[size];
        for (int i = 0; i < size; i++) {
            v[i] = i < common.length ? common[i] : "term" + Integer.toString(i * 7919, 36);
        }
        return v;
    }

    /** One page: about {@code words} words in sentences and paragraphs. */
    static String page(java.util.Random r, String[] vocab, int words) {
        StringBuilder b = new StringBuilder();
        for (int w = 0; w < words; w++) {
            // Rank by a power law: the first words are by far the most frequent.
            int rank = (int) Math.min(vocab.length - 1, Math.floor(Math.pow(vocab.length, r.nextDouble()) - 1));
            b.append(vocab[rank]);
            b.append(w % 17 == 16 ? (w % 85 == 84 ? ".\n\n" : ". ") : " ");
        }
        return b.append(".\n").toString();
    }

    static Answer upload(String hub, String key, String name, byte[] content) throws Exception {
        String boundary = "----bench" + System.nanoTime();
        byte[] head = ("--" + boundary + "\r\nContent-Disposition: form-data; name=\"purpose\"\r\n\r\nassistants\r\n--"
                + boundary + "\r\nContent-Disposition: form-data; name=\"file\"; filename=\"" + name
                + "\"\r\nContent-Type: text/plain\r\n\r\n").getBytes(StandardCharsets.UTF_8);
        byte[] tail = ("\r\n--" + boundary + "--\r\n").getBytes(StandardCharsets.UTF_8);
        byte[] all = new byte[head.length + content.length + tail.length];
        System.arraycopy(head, 0, all, 0, head.length);
        System.arraycopy(content, 0, all, head.length, content.length);
        System.arraycopy(tail, 0, all, head.length + content.length, tail.length);
        HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(URI.create(hub + "/v1/files"))
                .header("Authorization", "Bearer " + key)
                .header("Content-Type", "multipart/form-data; boundary=" + boundary)
                .POST(HttpRequest.BodyPublishers.ofByteArray(all)).build(), HttpResponse.BodyHandlers.ofString());
        return new Answer(r.statusCode(), r.body());
    }

    /** Uploads {@code files} files of {@code pages} pages into a new store; returns [store id, seconds to ingest]. */
    static Object[] ingest(String hub, String key, String embedding, int files, int pages, String chunking, long seed)
            throws Exception {
        java.util.Random r = new java.util.Random(seed);
        String[] vocab = vocabulary(20_000);
        List<String> ids = new ArrayList<>();
        List<byte[]> bodies = new ArrayList<>();
        for (int f = 0; f < files; f++) {
            StringBuilder doc = new StringBuilder("Document " + f + "\n\n");
            for (int p = 0; p < pages; p++) {
                doc.append("Section ").append(p).append("\n\n").append(page(r, vocab, 500));
            }
            bodies.add(doc.toString().getBytes(StandardCharsets.UTF_8));
        }
        for (int f = 0; f < files; f++) {
            Answer a = upload(hub, key, "doc-" + f + ".txt", bodies.get(f));
            if (a.status() != 200) {
                throw new IllegalStateException("upload -> " + a.status() + " " + a.body());
            }
            ids.add(str(a.body(), "id"));
        }
        long started = System.nanoTime();
        String store = must("POST", hub + "/v1/vector_stores", key, "{\"name\":\"bench\",\"embedding\":" + embedding
                + ",\"chunking_strategy\":" + chunking + ",\"file_ids\":[" + String.join(",", ids.stream()
                .map(i -> "\"" + i + "\"").toList()) + "]}", "id");
        while (true) {
            String v = must("GET", hub + "/v1/vector_stores/" + store, key, null, null);
            Matcher done = Pattern.compile("\"completed\":(\\d+)").matcher(v);
            Matcher failed = Pattern.compile("\"failed\":(\\d+)").matcher(v);
            done.find();
            failed.find();
            if (Integer.parseInt(failed.group(1)) > 0) {
                throw new IllegalStateException("ingestion failed: " + v);
            }
            if (Integer.parseInt(done.group(1)) == files) {
                break;
            }
            Thread.sleep(250);
        }
        return new Object[] {store, (System.nanoTime() - started) / 1e9};
    }

    /** A closed loop of {@code threads} callers for {@code seconds}; latency samples in microseconds. */
    static Map<String, Object> loop(int threads, int seconds, java.util.function.IntFunction<Answer> call)
            throws Exception {
        long end = System.nanoTime() + seconds * 1_000_000_000L;
        long[][] samples = new long[threads][200_000];
        int[] counts = new int[threads];
        AtomicInteger failures = new AtomicInteger();
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        List<Future<?>> work = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
            final int me = t;
            work.add(pool.submit(() -> {
                int i = 0;
                while (System.nanoTime() < end) {
                    long s0 = System.nanoTime();
                    Answer a = call.apply(me * 1_000_000 + i++);
                    long us = (System.nanoTime() - s0) / 1000;
                    if (a == null || a.status() / 100 != 2) {
                        failures.incrementAndGet();
                    } else if (counts[me] < samples[me].length) {
                        samples[me][counts[me]++] = us;
                    }
                }
                return null;
            }));
        }
        for (Future<?> f : work) {
            f.get();
        }
        pool.shutdown();
        int n = 0;
        for (int c : counts) {
            n += c;
        }
        long[] all = new long[n];
        int k = 0;
        for (int t = 0; t < threads; t++) {
            System.arraycopy(samples[t], 0, all, k, counts[t]);
            k += counts[t];
        }
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("rps", Math.round(n * 10.0 / seconds) / 10.0);
        m.put("failed", failures.get());
        m.put("latency", summary(all, n));
        return m;
    }

    static Answer quietly(String method, String url, String key, String body) {
        try {
            return call(method, url, key, body);
        } catch (Exception e) {
            return null;
        }
    }

    /**
     * Knowledge: ingestion speed with the in-process model and with a provider's embeddings (the fake model's), search
     * latency over a store of about {@code chunks} chunks, and a chat turn with retrieval beside one without.
     */
    @SuppressWarnings("unchecked")
    static void knowledge(Map<String, String> o) throws Exception {
        String hub = o.get("hub");
        String admin = o.get("admin-key");
        int seconds = Integer.parseInt(o.getOrDefault("seconds", "20"));
        int threads = Integer.parseInt(o.getOrDefault("connections", "8"));
        int target = Integer.parseInt(o.getOrDefault("chunks", "100000"));
        String tag = Long.toString(System.currentTimeMillis(), 36);
        String tid = must("POST", hub + "/admin/tenants", admin, "{\"slug\":\"bench-kn-" + tag
                + "\",\"name\":\"Bench knowledge\"}", "id");
        String key = must("POST", hub + "/admin/tenants/" + tid + "/api-keys", admin,
                "{\"name\":\"bench\",\"role\":\"admin\"}", "key");
        Map<String, Object> result = new LinkedHashMap<>();
        result.put("scenario", "knowledge");

        // The in-process model: 20 pages of 500 words, chunked as the local model's default (256 / 64).
        Object[] local = ingest(hub, key, "{\"provider\":\"local\",\"model\":\"all-minilm-l6-v2\"}", 4, 5,
                "{\"type\":\"auto\"}", 1);
        Map<String, Object> l = new LinkedHashMap<>();
        l.put("pages", 20);
        l.put("seconds", Math.round((double) local[1] * 100) / 100.0);
        l.put("pages_per_s", Math.round(20 / (double) local[1] * 10) / 10.0);
        result.put("ingest_local", l);
        System.out.println("local model: 20 pages in " + l.get("seconds") + " s");

        // A provider's embeddings (no model latency): pages of 500 words in 100-token chunks up to the target.
        // A page of 500 of these words makes about 20 chunks of 100 tokens (the long tail splits into word pieces).
        int pages = Math.max(1, target / 20);
        int files = Math.max(1, pages / 100);
        Object[] big = ingest(hub, key, "{\"provider\":\"openai\",\"model\":\"bench-embed\"}", files, pages / files,
                "{\"type\":\"static\",\"static\":{\"max_chunk_size_tokens\":100,\"chunk_overlap_tokens\":0}}", 2);
        String store = (String) big[0];
        long chunks = 0;
        String after = null;
        while (true) {
            String page = must("GET", hub + "/v1/vector_stores/" + store + "/files?limit=100"
                    + (after == null ? "" : "&after=" + after), key, null, null);
            Matcher cc = Pattern.compile("\"chunk_count\":(\\d+)").matcher(page);
            while (cc.find()) {
                chunks += Long.parseLong(cc.group(1));
            }
            if (!page.contains("\"has_more\":true")) {
                break;
            }
            after = str(page, "last_id");
        }
        Map<String, Object> p = new LinkedHashMap<>();
        p.put("files", files);
        p.put("pages", (long) files * (pages / files));
        p.put("chunks", chunks);
        p.put("seconds", Math.round((double) big[1] * 10) / 10.0);
        p.put("pages_per_s", Math.round(files * (pages / files) / (double) big[1] * 10) / 10.0);
        p.put("chunks_per_s", Math.round(chunks / (double) big[1]));
        result.put("ingest_provider", p);
        System.out.println("provider embeddings: " + p);

        // Search over the big store: 3 to 6 words of the documents' vocabulary, hybrid.
        String[] vocab = vocabulary(20_000);
        java.util.function.IntFunction<Answer> search = i -> {
            java.util.Random r = new java.util.Random(i);
            StringBuilder q = new StringBuilder();
            for (int w = 0, n = 3 + r.nextInt(4); w < n; w++) {
                q.append(vocab[(int) Math.min(vocab.length - 1, Math.floor(Math.pow(vocab.length, r.nextDouble())))])
                        .append(' ');
            }
            return quietly("POST", hub + "/v1/vector_stores/" + store + "/search", key,
                    "{\"query\":\"" + q.toString().strip() + "\",\"max_num_results\":5}");
        };
        // Right after ingestion the index still merges its segments in the background (minutes of CPU for 100,000
        // vectors), which is what a search meets while files are being added; then, settled, what it meets the rest
        // of the time.
        loop(threads, Math.min(5, seconds), search);
        result.put("search_while_merging", loop(threads, seconds, search));
        System.out.println("search while merging: " + json((Map<String, Object>) result.get("search_while_merging")));
        int settle = Integer.parseInt(o.getOrDefault("settle", "300"));
        System.out.println("waiting " + settle + " s for the index to settle");
        Thread.sleep(settle * 1000L);
        loop(threads, Math.min(5, seconds), search);
        result.put("search", loop(threads, seconds, search));
        System.out.println("search, settled: " + json((Map<String, Object>) result.get("search")));

        // A chat turn with retrieval beside one without (the fake model answers at once).
        must("POST", hub + "/v1/agents", key, "{\"slug\":\"plain\",\"name\":\"Plain\",\"provider\":\"openai\","
                + "\"model\":\"bench-model\"}", "id");
        must("POST", hub + "/v1/agents", key, "{\"slug\":\"grounded\",\"name\":\"Grounded\",\"provider\":\"openai\","
                + "\"model\":\"bench-model\",\"knowledge\":{\"vector_store_ids\":[\"" + store + "\"]}}", "id");
        for (String agent : List.of("plain", "grounded")) {
            List<String> conversations = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                conversations.add(must("POST", hub + "/v1/conversations", key, "{\"agent\":\"" + agent + "\"}", "id"));
            }
            java.util.function.IntFunction<Answer> turn = i -> quietly("POST", hub + "/v1/conversations/"
                    + conversations.get(i / 1_000_000) + "/messages", key, "{\"content\":\"what is the delivery fee "
                    + "and the return policy for bike " + (i % 97) + "?\"}");
            loop(threads, Math.min(5, seconds), turn);
            result.put("chat_" + agent, loop(threads, seconds, turn));
            System.out.println("chat " + agent + ": " + json((Map<String, Object>) result.get("chat_" + agent)));
        }
        write(o, result);
    }

    // WhatsApp webhook, open loop ----------------------------------------------------------------------------------

    static String sign(String secret, byte[] body) throws Exception {
        Mac mac = Mac.getInstance("HmacSHA256");
        mac.init(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
        return "sha256=" + HexFormat.of().formatHex(mac.doFinal(body));
    }

    static byte[] event(String phone, String wamid, String from) {
        return ("{\"object\":\"whatsapp_business_account\",\"entry\":[{\"id\":\"1\",\"changes\":[{\"field\":"
                + "\"messages\",\"value\":{\"messaging_product\":\"whatsapp\",\"metadata\":{\"display_phone_number\":"
                + "\"" + phone + "\",\"phone_number_id\":\"" + phone + "\"},\"contacts\":[{\"profile\":{\"name\":"
                + "\"Bench\"},\"wa_id\":\"" + from + "\"}],\"messages\":[{\"from\":\"" + from + "\",\"id\":\""
                + wamid + "\",\"timestamp\":\"" + (System.currentTimeMillis() / 1000) + "\",\"type\":\"text\","
                + "\"text\":{\"body\":\"hello from the bench\"}}]}}]}]}").getBytes(StandardCharsets.UTF_8);
    }

    /**
     * Sends {@code rate} signed events a second for {@code seconds}, each a new message (unique wamid) from one of
     * {@code contacts} contacts per number, spread over the seeded numbers. Latency is counted from the moment the
     * event was due, not from when it was sent.
     */
    static void webhook(Map<String, String> o) throws Exception {
        List<String[]> numbers = Files.readAllLines(Path.of(o.get("seed"), "whatsapp.txt")).stream()
                .filter(l -> !l.isBlank()).map(l -> l.split(" ")).toList();
        double rate = Double.parseDouble(o.getOrDefault("rate", "3000"));
        int seconds = Integer.parseInt(o.getOrDefault("seconds", "30"));
        int contacts = Integer.parseInt(o.getOrDefault("contacts", "1000"));
        String run = o.getOrDefault("run", Long.toString(System.currentTimeMillis(), 36));
        int total = (int) (rate * seconds);
        // Bodies are built and signed before the clock starts, so the generator spends its time sending.
        byte[][] bodies = new byte[total][];
        String[] sigs = new String[total];
        for (int i = 0; i < total; i++) {
            String[] num = numbers.get(i % numbers.size());
            String from = "5511" + (900000000L + (i / numbers.size()) % contacts);
            bodies[i] = event(num[0], "wamid.bench." + run + "." + i, from);
            sigs[i] = sign(num[1], bodies[i]);
        }
        URI hub = URI.create(o.get("hub"));
        byte[][] requests = new byte[total][];
        for (int i = 0; i < total; i++) {
            requests[i] = post(hub, "/hooks/plugins/channel-whatsapp/webhook",
                    "X-Hub-Signature-256: " + sigs[i] + "\r\n", bodies[i]);
        }
        OpenLoop sent = openLoop(hub, Integer.parseInt(o.getOrDefault("connections", "256")), rate, total,
                i -> requests[i]);
        Map<String, Object> r = new LinkedHashMap<>();
        r.put("scenario", "whatsapp-webhook-open-loop");
        r.put("run", run);
        r.put("target_rate", rate);
        r.put("sent", total);
        r.put("acked_200", sent.ok());
        r.put("failed", sent.failed());
        r.put("failed_by_status", sent.failedByStatus());
        r.put("achieved_send_rate", sent.achievedRate());
        r.put("ack_rate", sent.okRate());
        r.put("latency", sent.latency());
        write(o, r);
    }

    /** Parks until {@code dueNanos} (System.nanoTime), in slices short enough to keep an open loop's schedule. */
    static void waitUntil(long dueNanos) {
        long wait;
        while ((wait = dueNanos - System.nanoTime()) > 0) {
            LockSupport.parkNanos(Math.min(wait, 200_000));
        }
    }

    /** What an open-loop run saw: answers with a 2xx, failures by status (-1: no answer), latency from the due time. */
    record OpenLoop(long ok, long failed, String failedByStatus, long achievedRate, long okRate,
                    Map<String, Object> latency) {
    }

    /**
     * Sends {@code total} requests at {@code rate} a second over {@code connections} kept-alive connections, each
     * request at its due time; one due while every connection is busy waits in a queue, and that wait counts in its
     * latency. Requests are whole HTTP/1.1 messages written before the clock starts: the JDK's HttpClient cost the
     * generator about 1-3 ms of CPU a request, as much as the hub's own work, on the same two cores. Waits up to a
     * minute for the last answers.
     */
    static OpenLoop openLoop(URI hub, int connections, double rate, int total,
                             java.util.function.IntFunction<byte[]> request) throws InterruptedException {
        long[] lat = new long[total];
        AtomicInteger recorded = new AtomicInteger();
        AtomicLong ok = new AtomicLong();
        AtomicLong failed = new AtomicLong();
        Map<Integer, AtomicLong> statuses = new java.util.concurrent.ConcurrentHashMap<>();
        var due = new java.util.concurrent.LinkedBlockingQueue<long[]>();
        CountDownLatch finished = new CountDownLatch(total);
        for (int c = 0; c < connections; c++) {
            Thread t = new Thread(() -> {
                java.net.Socket socket = null;
                java.io.InputStream in = null;
                while (true) {
                    long[] job;
                    try {
                        job = due.take();
                    } catch (InterruptedException e) {
                        return;
                    }
                    int status = -1;
                    try {
                        if (socket == null) {
                            socket = new java.net.Socket(hub.getHost(), hub.getPort());
                            socket.setTcpNoDelay(true);
                            socket.setSoTimeout(30_000);
                            in = new java.io.BufferedInputStream(socket.getInputStream());
                        }
                        socket.getOutputStream().write(request.apply((int) job[1]));
                        status = readResponse(in);
                    } catch (IOException e) {
                        try {
                            if (socket != null) {
                                socket.close();
                            }
                        } catch (IOException ignored) {
                            // already broken
                        }
                        socket = null;
                    }
                    lat[recorded.getAndIncrement()] = (System.nanoTime() - job[0]) / 1000;
                    if (status / 100 == 2) {
                        ok.incrementAndGet();
                    } else {
                        failed.incrementAndGet();
                        statuses.computeIfAbsent(status, k -> new AtomicLong()).incrementAndGet();
                    }
                    finished.countDown();
                }
            });
            t.setDaemon(true);
            t.start();
        }
        long periodNs = (long) (1e9 / rate);
        long start = System.nanoTime() + 100_000_000L;
        for (int i = 0; i < total; i++) {
            long at = start + i * periodNs;
            waitUntil(at);
            due.add(new long[] {at, i});
        }
        long sendEnd = System.nanoTime();
        finished.await(60, java.util.concurrent.TimeUnit.SECONDS);
        long end = System.nanoTime();
        return new OpenLoop(ok.get(), failed.get(),
                statuses.toString().replace("=", ":").replace("{", "").replace("}", ""),
                Math.round(total / ((sendEnd - start) / 1e9)), Math.round(ok.get() / ((end - start) / 1e9)),
                summary(lat, recorded.get()));
    }

    /** A whole HTTP/1.1 POST of a JSON body, with {@code headers} (each line ending in CRLF). */
    static byte[] post(URI hub, String path, String headers, byte[] body) {
        byte[] head = ("POST " + path + " HTTP/1.1\r\nHost: " + hub.getHost() + ":" + hub.getPort() + "\r\n" + headers
                + "Content-Type: application/json\r\nAccept: application/json\r\nContent-Length: " + body.length
                + "\r\n\r\n").getBytes(StandardCharsets.UTF_8);
        byte[] all = java.util.Arrays.copyOf(head, head.length + body.length);
        System.arraycopy(body, 0, all, head.length, body.length);
        return all;
    }

    // Chat turns, open loop ----------------------------------------------------------------------------------------

    /**
     * Chat turns (the JSON turn, as wrk's {@code chat}) at {@code rate} a second for {@code seconds}, round robin over
     * the seeded conversations, so that the latency is the hub's own at a load it can carry, not queueing behind a
     * closed loop's backlog.
     */
    static void chatRate(Map<String, String> o) throws Exception {
        List<String[]> pairs = Files.readAllLines(Path.of(o.get("seed"), "chat.txt")).stream()
                .filter(l -> !l.isBlank()).map(l -> l.split(" ")).toList();
        double rate = Double.parseDouble(o.get("rate"));
        int seconds = Integer.parseInt(o.getOrDefault("seconds", "20"));
        int total = (int) (rate * seconds);
        URI hub = URI.create(o.get("hub"));
        byte[] body = "{\"content\":\"hello from the bench\"}".getBytes(StandardCharsets.UTF_8);
        byte[][] requests = new byte[pairs.size()][];
        for (int i = 0; i < pairs.size(); i++) {
            requests[i] = post(hub, "/v1/conversations/" + pairs.get(i)[1] + "/messages",
                    "Authorization: Bearer " + pairs.get(i)[0] + "\r\n", body);
        }
        OpenLoop sent = openLoop(hub, Integer.parseInt(o.getOrDefault("connections", "256")), rate, total,
                i -> requests[i % requests.length]);
        Map<String, Object> r = new LinkedHashMap<>();
        r.put("scenario", "chat-open-loop");
        r.put("target_rate", rate);
        r.put("sent", total);
        r.put("answered_2xx", sent.ok());
        r.put("failed", sent.failed());
        r.put("failed_by_status", sent.failedByStatus());
        r.put("achieved_send_rate", sent.achievedRate());
        r.put("answer_rate", sent.okRate());
        r.put("latency", sent.latency());
        write(o, r);
    }

    /** Reads one HTTP/1.1 response (Content-Length or chunked) and returns its status. */
    static int readResponse(java.io.InputStream in) throws IOException {
        String statusLine = line(in);
        int status = Integer.parseInt(statusLine.split(" ")[1]);
        long length = -1;
        boolean chunked = false;
        for (String h = line(in); !h.isEmpty(); h = line(in)) {
            String lower = h.toLowerCase(java.util.Locale.ROOT);
            if (lower.startsWith("content-length:")) {
                length = Long.parseLong(lower.substring(15).trim());
            } else if (lower.startsWith("transfer-encoding:") && lower.contains("chunked")) {
                chunked = true;
            }
        }
        if (chunked) {
            for (long size = Long.parseLong(line(in).split(";")[0].trim(), 16); size > 0;
                 size = Long.parseLong(line(in).split(";")[0].trim(), 16)) {
                in.skipNBytes(size);
                line(in);
            }
            line(in);
        } else if (length > 0) {
            in.skipNBytes(length);
        }
        return status;
    }

    static String line(java.io.InputStream in) throws IOException {
        StringBuilder b = new StringBuilder();
        for (int c = in.read(); c != '\n'; c = in.read()) {
            if (c < 0) {
                throw new java.io.EOFException("connection closed");
            }
            if (c != '\r') {
                b.append((char) c);
            }
        }
        return b.toString();
    }

    // Concurrent SSE streams ---------------------------------------------------------------------------------------

    /**
     * Opens {@code streams} streamed turns at {@code ramp} a second, one per seeded conversation (round robin), and
     * waits for each to end; counts the streams that reached {@code done}, the most that were open at once, the time
     * to the first event and the whole stream.
     */
    static void sse(Map<String, String> o) throws Exception {
        String hub = o.get("hub");
        List<String[]> chats = Files.readAllLines(Path.of(o.get("seed"), "chat.txt")).stream()
                .filter(l -> !l.isBlank()).map(l -> l.split(" ")).toList();
        int streams = Integer.parseInt(o.getOrDefault("streams", "5000"));
        int ramp = Integer.parseInt(o.getOrDefault("ramp-per-second", "500"));
        HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(Duration.ofSeconds(30)).build();
        long[] firstByte = new long[streams];
        long[] whole = new long[streams];
        AtomicInteger nFirst = new AtomicInteger();
        AtomicInteger nWhole = new AtomicInteger();
        AtomicInteger open = new AtomicInteger();
        AtomicInteger maxOpen = new AtomicInteger();
        AtomicLong done = new AtomicLong();
        AtomicLong errors = new AtomicLong();
        Map<String, AtomicLong> errorKinds = new java.util.concurrent.ConcurrentHashMap<>();
        CountDownLatch finished = new CountDownLatch(streams);
        long periodNs = 1_000_000_000L / ramp;
        long start = System.nanoTime();
        for (int i = 0; i < streams; i++) {
            long due = start + i * periodNs;
            waitUntil(due);
            String[] c = chats.get(i % chats.size());
            HttpRequest req = HttpRequest.newBuilder(URI.create(hub + "/v1/conversations/" + c[1] + "/messages"))
                    .timeout(Duration.ofMinutes(5)).header("Authorization", "Bearer " + c[0])
                    .header("Content-Type", "application/json").header("Accept", "text/event-stream")
                    .POST(HttpRequest.BodyPublishers.ofString("{\"content\":\"stream " + i + "\"}")).build();
            long sent = System.nanoTime();
            boolean[] sawFirst = {false};
            boolean[] sawDone = {false};
            boolean[] inError = {false};
            int now = open.incrementAndGet();
            maxOpen.accumulateAndGet(now, Math::max);
            Flow.Subscriber<String> lines = new Flow.Subscriber<>() {
                @Override
                public void onSubscribe(Flow.Subscription s) {
                    s.request(Long.MAX_VALUE);
                }

                @Override
                public void onNext(String line) {
                    if (!sawFirst[0] && line.startsWith("event:")) {
                        sawFirst[0] = true;
                        firstByte[nFirst.getAndIncrement()] = (System.nanoTime() - sent) / 1000;
                    }
                    if (line.startsWith("event: done") || line.startsWith("event:done")) {
                        sawDone[0] = true;
                    }
                    if (line.startsWith("event: error") || line.startsWith("event:error")) {
                        errorKinds.computeIfAbsent("sse_error_event", k -> new AtomicLong()).incrementAndGet();
                        inError[0] = true;
                    } else if (inError[0] && line.startsWith("data:")) {
                        // The error's stable code says why (model timeout, quota, a busy conversation, ...).
                        Matcher m = Pattern.compile("\"code\"\\s*:\\s*\"([^\"]*)\"").matcher(line);
                        String code = m.find() ? m.group(1) : "unknown";
                        errorKinds.computeIfAbsent("error_code_" + code, k -> new AtomicLong()).incrementAndGet();
                        inError[0] = false;
                    }
                }

                @Override
                public void onError(Throwable t) {
                }

                @Override
                public void onComplete() {
                }
            };
            client.sendAsync(req, HttpResponse.BodyHandlers.fromLineSubscriber(lines)).whenComplete((r, e) -> {
                open.decrementAndGet();
                whole[nWhole.getAndIncrement()] = (System.nanoTime() - sent) / 1000;
                if (e == null && r.statusCode() == 200 && sawDone[0]) {
                    done.incrementAndGet();
                } else {
                    errors.incrementAndGet();
                    String kind = e != null ? e.getClass().getSimpleName() : "status_" + r.statusCode();
                    errorKinds.computeIfAbsent(kind, k -> new AtomicLong()).incrementAndGet();
                }
                finished.countDown();
            });
        }
        finished.await(10, java.util.concurrent.TimeUnit.MINUTES);
        Map<String, Object> r = new LinkedHashMap<>();
        r.put("scenario", "sse-concurrent-streams");
        r.put("streams", streams);
        r.put("completed_with_done", done.get());
        r.put("errors", errors.get());
        r.put("error_kinds", errorKinds.toString().replace("=", ":").replace("{", "").replace("}", ""));
        r.put("max_open_at_client", maxOpen.get());
        r.put("seconds", Math.round((System.nanoTime() - start) / 1e8) / 10.0);
        r.put("first_event", summary(firstByte, nFirst.get()));
        r.put("whole_stream", summary(whole, nWhole.get()));
        write(o, r);
    }
}
