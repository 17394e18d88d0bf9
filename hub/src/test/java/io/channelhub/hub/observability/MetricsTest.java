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
        // Refusals, counted by the code the caller got: no key, a wrong key, a viewer's write.
        assertThat(hub.get(null, "/v1/me").status()).isEqualTo(401);
        assertThat(hub.get("chk_AAAAAAAA_" + "B".repeat(40), "/v1/me").status()).isEqualTo(401);
        String viewer = hub.createKey(t, "viewer").get("key").asText();
        assertThat(hub.post(viewer, "/v1/agents", Map.of("slug", "nope", "name", "N")).status()).isEqualTo(403);
        String body = scrape();
        assertThat(body).contains("channelhub_auth_failures_total{reason=\"missing_credentials\",status=\"401\"}")
                .contains("channelhub_auth_failures_total{reason=\"invalid_api_key\",status=\"401\"}")
                .contains("channelhub_auth_failures_total{reason=\"permission_denied\",status=\"403\"}");
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
        assertThat(body).containsPattern("channelhub_build_info\\{java=\"\\d+\",version=\"[^\"]+\"} 1");
        assertThat(body).contains("channelhub_inbound_events_pending ", "channelhub_inbound_events_oldest_pending_seconds ",
                "channelhub_billing_events_pending ", "channelhub_billing_events_failed_total ",
                "channelhub_knowledge_ingestion_pending ", "channelhub_knowledge_index_files ",
                "channelhub_knowledge_index_reconciled_age_seconds ");
        // Every series the dashboard and the alerts query is one the hub exports (kube-state-metrics' and
        // Prometheus's own aside): a renamed metric would leave a panel or an alert silently empty.
        String queries = Files.readString(ROOT.resolve("docs/observability/grafana-dashboard.json"))
                + Files.readString(ROOT.resolve("docs/observability/alert-rules.yml"));
        Set<String> used = new java.util.TreeSet<>(Pattern.compile(
                        "\\b((?:channelhub|jvm|io_dropwizard|sql|quota|ratelimit|process)_[a-z0-9_]+)").matcher(queries)
                .results().map(m -> m.group(1)).toList());
        assertThat(used).contains("jvm_memory_used_bytes", "io_dropwizard_db_managed_pooled_data_source_database_waiting",
                "quota_redis_fallback_total");
        // A labelled counter has no series until it first counts: those must at least be the hub's own names.
        Set<String> defined = new HashSet<>();
        try (var sources = Files.walk(ROOT.resolve("hub/src/main/java"))) {
            for (Path f : sources.filter(f -> f.toString().endsWith(".java")).toList()) {
                Pattern.compile("name\\(\"(channelhub_[a-z0-9_]+)\"\\)").matcher(Files.readString(f)).results()
                        .forEach(m -> defined.add(m.group(1)));
            }
        }
        for (String metric : used) {
            boolean scraped = Pattern.compile("(?m)^" + metric + "[{ ]").matcher(body).find();
            assertThat(scraped || defined.contains(metric.replaceAll("_(bucket|count|sum)$", "")))
                    .as("the scrape has " + metric + " or the hub defines it").isTrue();
        }
        promtool(body, "check", "metrics");
    }

    @Test
    void theAlertRulesPassPromtool() throws Exception {
        String out = promtool(null, "check", "rules",
                ROOT.resolve("docs/observability/alert-rules.yml").toAbsolutePath().toString());
        assertThat(out).contains("SUCCESS");
        assertThat(Integer.parseInt(out.replaceAll("(?s).*SUCCESS: (\\d+) rules found.*", "$1")))
                .isGreaterThanOrEqualTo(15);
        // Each rule fires on the series it is for (and some stay quiet on healthy ones): promtool's unit tests.
        String tested = promtool(null, "test", "rules",
                ROOT.resolve("docs/observability/alert-rules.test.yml").toAbsolutePath().toString());
        assertThat(tested).contains("SUCCESS");
        String tests = Files.readString(ROOT.resolve("docs/observability/alert-rules.test.yml"));
        for (String rule : Pattern.compile("(?m)^\\s*- alert: (\\w+)").matcher(Files.readString(
                ROOT.resolve("docs/observability/alert-rules.yml"))).results().map(m -> m.group(1)).toList()) {
            assertThat(tests).as("a unit test for " + rule).contains("alertname: " + rule);
            assertThat(Files.readString(ROOT.resolve("docs/operations.md"))).as("a runbook entry for " + rule)
                    .contains("`" + rule + "`");
        }
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
