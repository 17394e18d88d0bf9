package io.channelhub.hub.observability;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.channelhub.hub.support.HubIntegrationTest;
import io.channelhub.hub.support.TestDatabase;
import io.channelhub.hub.support.TestHub;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * The Prometheus scrape passes {@code promtool check metrics}, the repo's alert rules pass
 * {@code promtool check rules}, and after traffic from 1,000 tenants no label carries a tenant.
 */
class MetricsTest extends HubIntegrationTest {

    private static final Path ROOT = Path.of(System.getProperty("channelhub.root", ".."));

    @Override
    protected TestDatabase.Kind database() {
        return TestDatabase.Kind.H2;
    }

    private String scrape() {
        TestHub.Reply r = hub.send(null, "GET", hub.adminUrl("/prometheus"), null);
        assertThat(r.status()).isEqualTo(200);
        return r.body();
    }

    /** promtool (Debian package prometheus, installed by .ci/run) must be there: the check must not be skipped. */
    private static String promtool(String input, String... args) throws Exception {
        List<String> cmd = new ArrayList<>(List.of("promtool"));
        cmd.addAll(List.of(args));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        if (input != null) {
            p.getOutputStream().write(input.getBytes(StandardCharsets.UTF_8));
        }
        p.getOutputStream().close();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).as(out).isZero();
        return out;
    }

    @Test
    void theScrapePassesPromtoolAndHasTheHubsMetrics() throws Exception {
        String t = hub.createTenant(slug("metrics"));
        String key = hub.createKey(t, "admin").get("key").asText();
        TestHub.check(hub.post(key, "/v1/agents", Map.of("slug", "m-agent", "name", "M")), 201);
        String c = TestHub.check(hub.post(key, "/v1/conversations", Map.of()), 201).json().get("id").asText();
        TestHub.check(hub.post(key, "/v1/conversations/" + c + "/messages", Map.of("content", "hi")), 201);
        hub.get(key, "/v1/nothing");
        String body = scrape();
        assertThat(body).contains("channelhub_http_request_duration_seconds_bucket{method=\"POST\","
                + "route=\"/v1/conversations/{conversationId}/messages\",status=\"2xx\"");
        assertThat(body).contains("route=\"unmatched\",status=\"4xx\"");
        assertThat(body).contains("channelhub_model_calls_total{api=\"chat_completions\",outcome=\"ok\","
                + "provider=\"demo\"}");
        assertThat(body).contains("channelhub_model_tokens_total{kind=\"completion\",model=\"demo\"");
        assertThat(body).contains("channelhub_plugin_state{plugin=\"test-channel\",state=\"started\"} 1");
        assertThat(body).contains("channelhub_outbox_pending ");
        // The connectors' timers: one metric with the port as a label, never a name per port and bind address.
        assertThat(body).containsPattern("jetty_connections_count\\{port=\"\\d+\"}");
        assertThat(body).doesNotContainPattern("(?m)^[a-z_]*http_connection_factory");
        // Standard JVM metrics only, not Dropwizard's second set beside them.
        assertThat(body).contains("jvm_threads_current").doesNotContain("jvm_threads_count");
        promtool(body, "check", "metrics");
    }

    @Test
    void theAlertRulesPassPromtool() throws Exception {
        String out = promtool(null, "check", "rules",
                ROOT.resolve("docs/observability/alert-rules.yml").toAbsolutePath().toString());
        assertThat(out).contains("SUCCESS");
        JsonNode dashboard = new ObjectMapper().readTree(Files.readString(
                ROOT.resolve("docs/observability/grafana-dashboard.json")));
        assertThat(dashboard.get("panels").size()).isGreaterThan(5);
    }

    @Test
    void metricsAfterAThousandTenantsCarryNoTenant() {
        Set<String> identifiers = new HashSet<>();
        for (int i = 0; i < 1000; i++) {
            String slug = slug("card" + i);
            String t = hub.createTenant(slug);
            identifiers.add(t);
            identifiers.add(slug);
            String key = hub.createKey(t, "viewer").get("key").asText();
            assertThat(hub.get(key, "/v1/me").status()).isEqualTo(200);
        }
        String body = scrape();
        Matcher labels = Pattern.compile("\\{([^}]*)}").matcher(body);
        Set<String> names = new HashSet<>();
        while (labels.find()) {
            for (String pair : labels.group(1).split(",(?=[a-z_]+=)")) {
                String[] kv = pair.split("=", 2);
                names.add(kv[0]);
                String value = kv.length > 1 ? kv[1].replace("\"", "") : "";
                assertThat(identifiers).as("label value " + value).doesNotContain(value);
            }
        }
        assertThat(names).noneMatch(n -> n.contains("tenant") || n.contains("key") || n.contains("user"));
        long series = body.lines().filter(l -> !l.startsWith("#") && !l.isBlank()).count();
        assertThat(series).as("series stay bounded").isLessThan(3000);
    }
}
