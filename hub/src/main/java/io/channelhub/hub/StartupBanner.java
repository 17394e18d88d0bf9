package io.channelhub.hub;

import io.channelhub.hub.auth.ApiKeyService;
import io.dropwizard.lifecycle.ServerLifecycleListener;
import java.io.PrintStream;
import java.util.Arrays;
import java.util.Optional;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What a newcomer looks for once the hub is up, at the end of the start: the addresses it listens on (the ports
 * actually bound), and on a database without a super-admin the first super-admin key, generated here and shown
 * once. The key is made only once the server listens, so a start that fails never leaves a key nobody saw.
 */
final class StartupBanner implements ServerLifecycleListener {

    private static final Logger LOG = LoggerFactory.getLogger(StartupBanner.class);
    private static final String RULE = "=".repeat(78);

    private final ApiKeyService keys;
    private final boolean generateKey;
    private final boolean demo;
    private final PrintStream console;
    private final boolean jsonLines;
    private final com.fasterxml.jackson.databind.ObjectMapper json;

    /**
     * @param generateKey whether to generate the first super-admin key (no key is configured)
     * @param demo        whether the demo page is served
     */
    StartupBanner(ApiKeyService keys, boolean generateKey, boolean demo, PrintStream console) {
        this(keys, generateKey, demo, console, false, null);
    }

    /**
     * @param jsonLines whether the console carries JSON lines (production's log format): the key is then printed as
     *                  one JSON object, so that a log pipeline reads every line of the start
     */
    StartupBanner(ApiKeyService keys, boolean generateKey, boolean demo, PrintStream console, boolean jsonLines,
                  com.fasterxml.jackson.databind.ObjectMapper json) {
        this.keys = keys;
        this.generateKey = generateKey;
        this.demo = demo;
        this.console = console;
        this.jsonLines = jsonLines;
        this.json = json;
    }

    @Override
    public void serverStarted(Server server) {
        String app = url(server, "application");
        String admin = url(server, "admin");
        StringBuilder b = new StringBuilder("ChannelHub is running");
        line(b, "API", app + "/", "OpenAPI: " + app + "/openapi.json");
        line(b, "Console", app + "/console/", null);
        if (demo) {
            line(b, "Demo", app + "/demo", "the demo tenant's web chat widget");
        }
        line(b, "Admin", admin + "/", "health: " + admin + "/health/ready, metrics: " + admin + "/prometheus");
        LOG.info("{}", b);
        if (!generateKey) {
            return;
        }
        Optional<String> key;
        try {
            key = keys.bootstrap(null);
        } catch (RuntimeException e) {
            LOG.error("Could not create the first super-admin API key; the next start tries again", e);
            return;
        }
        key.ifPresent(k -> printKey(k, app));
    }

    /** Printed to the console only, never to the log: the hash is all the database keeps. */
    private void printKey(String key, String app) {
        if (jsonLines) {
            var line = json.createObjectNode();
            line.put("level", "WARN");
            line.put("logger", StartupBanner.class.getName());
            line.put("message", "First super-admin API key, shown once: only its hash is stored; keep it now");
            line.put("bootstrap_key", key);
            line.put("timestamp", java.time.Instant.now().toString());
            try {
                console.println(json.writeValueAsString(line));
            } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
                throw new IllegalStateException(e);
            }
            console.flush();
            return;
        }
        String text = String.join("\n", "", RULE,
                "  FIRST SUPER-ADMIN API KEY (shown once: only its hash is stored; keep it now)",
                "",
                "      " + key,
                "",
                "  In a shell, for the README's next steps:",
                "      export KEY=" + key,
                "      curl -H \"Authorization: Bearer $KEY\" " + app + "/admin/tenants",
                RULE, "");
        console.println(text);
        console.flush();
    }

    private static void line(StringBuilder b, String name, String url, String note) {
        b.append("\n  ").append(String.format("%-8s", name)).append(' ').append(url);
        if (note != null) {
            b.append("   (").append(note).append(')');
        }
    }

    /** The first connector Dropwizard named {@code name}, as a browser on this machine reaches it. */
    private static String url(Server server, String name) {
        return Arrays.stream(server.getConnectors()).filter(c -> name.equals(c.getName()))
                .filter(ServerConnector.class::isInstance).map(ServerConnector.class::cast).findFirst()
                .map(c -> (c.getProtocols().contains("ssl") ? "https" : "http") + "://" + host(c.getHost()) + ":"
                        + c.getLocalPort())
                .orElse("(no " + name + " connector)");
    }

    private static String host(String bound) {
        if (bound == null || bound.isBlank() || bound.equals("0.0.0.0") || bound.equals("::")
                || bound.equals("[::]")) {
            return "localhost";
        }
        return bound.contains(":") && !bound.startsWith("[") ? "[" + bound + "]" : bound;
    }
}
