import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A fake OpenAI-compatible model (and WhatsApp Graph API) for the benchmark. It answers
 * {@code POST /v1/embeddings} (pseudo-random unit vectors, for the knowledge bench) and
 * {@code POST /v1/chat/completions} in OpenAI's JSON or SSE chunk shape with usage, after a configurable latency,
 * and a streamed reply in a configurable number of chunks spread over that latency. It also answers the Graph API's
 * {@code POST /{version}/{phone}/messages} with a wamid, so WhatsApp replies are delivered somewhere.
 *
 * <pre>java FakeModel --port 28490 --latency-ms 0 --chunks 8 --chunk-delay-ms 0</pre>
 *
 * Counters (requests, streams, graph sends) are served at {@code GET /stats} so the bench can check them.
 */
public final class FakeModel {

    static long latencyMs;
    static int chunks;
    static long chunkDelayMs;
    static final AtomicLong completions = new AtomicLong();
    static final AtomicLong streams = new AtomicLong();
    static final AtomicLong graphSends = new AtomicLong();
    static final AtomicLong openStreams = new AtomicLong();
    static final AtomicLong maxOpenStreams = new AtomicLong();

    public static void main(String[] args) throws IOException {
        int port = 28490;
        boolean virtualThreads = false;
        for (int i = 0; i < args.length; i += 2) {
            switch (args[i]) {
                case "--port" -> port = Integer.parseInt(args[i + 1]);
                case "--threads" -> virtualThreads = "virtual".equals(args[i + 1]);
                case "--latency-ms" -> latencyMs = Long.parseLong(args[i + 1]);
                case "--chunks" -> chunks = Integer.parseInt(args[i + 1]);
                case "--chunk-delay-ms" -> chunkDelayMs = Long.parseLong(args[i + 1]);
                default -> throw new IllegalArgumentException("unknown option " + args[i]);
            }
        }
        if (chunks <= 0) {
            chunks = 8;
        }
        HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", port), 4096);
        // One thread per open exchange: thousands of streams are held open at once in the SSE scenario. There a
        // platform thread each (10,000 stacks, and their scheduling, on the hub's two cores) made the fake model what
        // the box ran out of, so that scenario asks for virtual threads (Java 21+; this source compiles on 17).
        ExecutorService pool = virtualThreads ? virtualThreadPerTask() : null;
        if (pool == null) {
            pool = Executors.newCachedThreadPool(r -> {
                Thread t = new Thread(null, r, "fake-model", 256 * 1024);
                t.setDaemon(true);
                return t;
            });
        }
        server.setExecutor(pool);
        server.createContext("/v1/chat/completions", FakeModel::chat);
        server.createContext("/v1/embeddings", FakeModel::embeddings);
        server.createContext("/stats", FakeModel::stats);
        server.createContext("/", FakeModel::graph);
        server.start();
        System.out.println("fake model on 127.0.0.1:" + port + " latency " + latencyMs + " ms, " + chunks
                + " chunks, " + chunkDelayMs + " ms between chunks");
    }

    private static ExecutorService virtualThreadPerTask() {
        try {
            return (ExecutorService) Executors.class.getMethod("newVirtualThreadPerTaskExecutor").invoke(null);
        } catch (ReflectiveOperationException e) {
            System.out.println("no virtual threads on Java " + Runtime.version() + ": a platform thread per exchange");
            return null;
        }
    }

    /**
     * {@code POST /v1/embeddings}: one 384-dimension unit vector per input, the same for the same text (a hash seeds
     * it), with OpenAI's shape and a token count of about one per four characters. No latency: the knowledge bench
     * measures the hub's ingestion and search, not a model's.
     */
    private static void embeddings(HttpExchange ex) throws IOException {
        try {
            String body = readBody(ex);
            List<String> inputs = strings(body, "\"input\"");
            StringBuilder json = new StringBuilder("{\"object\":\"list\",\"model\":\"bench-embed\",\"data\":[");
            long tokens = 0;
            for (int i = 0; i < inputs.size(); i++) {
                String text = inputs.get(i);
                tokens += Math.max(1, text.length() / 4);
                java.util.Random r = new java.util.Random(text.hashCode());
                double[] v = new double[384];
                double sum = 0;
                for (int k = 0; k < v.length; k++) {
                    v[k] = r.nextGaussian();
                    sum += v[k] * v[k];
                }
                double inv = 1 / Math.sqrt(sum);
                json.append(i == 0 ? "" : ",").append("{\"object\":\"embedding\",\"index\":").append(i)
                        .append(",\"embedding\":[");
                for (int k = 0; k < v.length; k++) {
                    json.append(k == 0 ? "" : ",").append((float) (v[k] * inv));
                }
                json.append("]}");
            }
            json.append("],\"usage\":{\"prompt_tokens\":").append(tokens).append(",\"total_tokens\":").append(tokens)
                    .append("}}");
            byte[] b = json.toString().getBytes(StandardCharsets.UTF_8);
            ex.getResponseHeaders().add("Content-Type", "application/json");
            ex.sendResponseHeaders(200, b.length);
            ex.getResponseBody().write(b);
        } finally {
            ex.close();
        }
    }

    /** The JSON strings of the array after {@code key} (escapes kept as written: only their count and hash matter). */
    private static List<String> strings(String body, String key) {
        List<String> out = new java.util.ArrayList<>();
        int at = body.indexOf('[', body.indexOf(key) + key.length());
        int i = at + 1;
        while (i < body.length() && body.charAt(i) != ']') {
            if (body.charAt(i) == '"') {
                int start = ++i;
                while (body.charAt(i) != '"') {
                    i += body.charAt(i) == '\\' ? 2 : 1;
                }
                out.add(body.substring(start, i));
            }
            i++;
        }
        return out;
    }

    private static String readBody(HttpExchange ex) throws IOException {
        try (InputStream in = ex.getRequestBody()) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    private static void chat(HttpExchange ex) throws IOException {
        try {
            String body = readBody(ex);
            String model = field(body, "model", "bench-model");
            boolean stream = body.contains("\"stream\":true") || body.contains("\"stream\": true");
            if (!stream) {
                completions.incrementAndGet();
                sleep(latencyMs);
                String json = "{\"id\":\"chatcmpl-bench\",\"object\":\"chat.completion\",\"created\":1764547200,"
                        + "\"model\":\"" + model + "\",\"choices\":[{\"index\":0,\"message\":{\"role\":\"assistant\","
                        + "\"content\":\"Hello from the fake model: this is a short reply.\",\"refusal\":null},"
                        + "\"logprobs\":null,\"finish_reason\":\"stop\"}],\"usage\":{\"prompt_tokens\":42,"
                        + "\"completion_tokens\":12,\"total_tokens\":54}}";
                byte[] b = json.getBytes(StandardCharsets.UTF_8);
                ex.getResponseHeaders().add("Content-Type", "application/json");
                ex.sendResponseHeaders(200, b.length);
                ex.getResponseBody().write(b);
                return;
            }
            streams.incrementAndGet();
            long open = openStreams.incrementAndGet();
            maxOpenStreams.accumulateAndGet(open, Math::max);
            try {
                sleep(latencyMs);
                ex.getResponseHeaders().add("Content-Type", "text/event-stream");
                ex.sendResponseHeaders(200, 0);
                OutputStream out = ex.getResponseBody();
                for (int i = 0; i < chunks; i++) {
                    String delta = (i == 0 ? "{\"role\":\"assistant\",\"content\":\"" : "{\"content\":\"")
                            + "word" + i + " \"}";
                    out.write(("data: {\"id\":\"chatcmpl-bench\",\"object\":\"chat.completion.chunk\",\"created\":"
                            + "1764547200,\"model\":\"" + model + "\",\"choices\":[{\"index\":0,\"delta\":" + delta
                            + ",\"finish_reason\":null}]}\n\n").getBytes(StandardCharsets.UTF_8));
                    out.flush();
                    sleep(chunkDelayMs);
                }
                out.write(("data: {\"id\":\"chatcmpl-bench\",\"object\":\"chat.completion.chunk\",\"created\":"
                        + "1764547200,\"model\":\"" + model + "\",\"choices\":[{\"index\":0,\"delta\":{},"
                        + "\"finish_reason\":\"stop\"}]}\n\n").getBytes(StandardCharsets.UTF_8));
                out.write(("data: {\"id\":\"chatcmpl-bench\",\"object\":\"chat.completion.chunk\",\"created\":"
                        + "1764547200,\"model\":\"" + model + "\",\"choices\":[],\"usage\":{\"prompt_tokens\":42,"
                        + "\"completion_tokens\":" + chunks + ",\"total_tokens\":" + (42 + chunks) + "}}\n\n"
                        + "data: [DONE]\n\n").getBytes(StandardCharsets.UTF_8));
                out.flush();
            } finally {
                openStreams.decrementAndGet();
            }
        } catch (IOException gone) {
            // The hub cancelled the stream (its client left); nothing to answer.
        } finally {
            ex.close();
        }
    }

    private static void graph(HttpExchange ex) throws IOException {
        try {
            readBody(ex);
            String path = ex.getRequestURI().getPath();
            String json;
            if ("POST".equals(ex.getRequestMethod()) && path.endsWith("/messages")) {
                long n = graphSends.incrementAndGet();
                json = "{\"messaging_product\":\"whatsapp\",\"contacts\":[{\"input\":\"x\",\"wa_id\":\"x\"}],"
                        + "\"messages\":[{\"id\":\"wamid.bench" + n + "\"}]}";
            } else {
                json = "{\"success\":true}";
            }
            byte[] b = json.getBytes(StandardCharsets.UTF_8);
            ex.getResponseHeaders().add("Content-Type", "application/json");
            ex.sendResponseHeaders(200, b.length);
            ex.getResponseBody().write(b);
        } finally {
            ex.close();
        }
    }

    private static void stats(HttpExchange ex) throws IOException {
        String json = "{\"completions\":" + completions.get() + ",\"streams\":" + streams.get()
                + ",\"graph_sends\":" + graphSends.get() + ",\"open_streams\":" + openStreams.get()
                + ",\"max_open_streams\":" + maxOpenStreams.get() + "}";
        byte[] b = json.getBytes(StandardCharsets.UTF_8);
        ex.getResponseHeaders().add("Content-Type", "application/json");
        ex.sendResponseHeaders(200, b.length);
        ex.getResponseBody().write(b);
        ex.close();
    }

    private static String field(String json, String name, String otherwise) {
        int i = json.indexOf("\"" + name + "\"");
        if (i < 0) {
            return otherwise;
        }
        int start = json.indexOf('"', json.indexOf(':', i) + 1);
        int end = json.indexOf('"', start + 1);
        return start < 0 || end < 0 ? otherwise : json.substring(start + 1, end);
    }

    private static void sleep(long ms) {
        if (ms <= 0) {
            return;
        }
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
