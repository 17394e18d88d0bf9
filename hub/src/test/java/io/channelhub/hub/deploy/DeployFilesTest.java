package io.channelhub.hub.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.channelhub.hub.support.TestDatabase;
import io.channelhub.hub.support.TestHub;
import io.channelhub.hub.support.TestPlugins;
import io.channelhub.hub.web.HealthEndpoints;
import io.dropwizard.testing.ConfigOverride;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The deployment files beside the chart, checked as far as this machine allows: the systemd units by
 * {@code systemd-analyze verify}, the compose stack's Prometheus by {@code promtool check config} (with the hub's
 * rules), the compose file's shape (the chart's image, a locked-down hub, only the API published, every mounted file
 * present, only variables config.yml reads), and the compose health check run against live hubs.
 */
class DeployFilesTest {

    private static final Path ROOT = Path.of(System.getProperty("channelhub.root", ".."));
    private static final Path DEPLOY = ROOT.resolve("docs/deploy");
    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());

    @TempDir
    Path work;

    record Run(int exit, String output) {
    }

    private static Run run(Path dir, String... command) throws Exception {
        Process p = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(2, TimeUnit.MINUTES)).as(out).isTrue();
        return new Run(p.exitValue(), out);
    }

    @Test
    void theSystemdUnitsVerify() throws Exception {
        Path units = DEPLOY.resolve("systemd");
        Run verify = run(units, "systemd-analyze", "verify", "channelhub.service", "channelhub-backup.service",
                "channelhub-backup.timer");
        assertThat(verify.exit()).as(verify.output()).isZero();
        String service = Files.readString(units.resolve("channelhub.service"));
        assertThat(service).contains("User=channelhub", "ProtectSystem=strict", "NoNewPrivileges=yes",
                "/etc/channelhub/config.yml", "KillSignal=SIGTERM");
        assertVariablesAreRead(Files.readString(units.resolve("channelhub.env")) + service);
    }

    @Test
    void theComposeStackRunsTheChartsImageLockedDownWithTheHubsRulesAndDashboard() throws Exception {
        Path compose = DEPLOY.resolve("compose");
        JsonNode doc = YAML.readTree(compose.resolve("compose.yaml").toFile());
        JsonNode services = doc.path("services");
        assertThat(services.fieldNames()).toIterable().containsExactlyInAnyOrder("hub", "mariadb", "redis",
                "prometheus", "grafana", "otel-collector");

        JsonNode values = YAML.readTree(ROOT.resolve("helm/channelhub/values.yaml").toFile());
        JsonNode chart = YAML.readTree(ROOT.resolve("helm/channelhub/Chart.yaml").toFile());
        JsonNode hub = services.path("hub");
        assertThat(hub.path("image").asText()).isEqualTo(values.path("image").path("repository").asText()
                + ":${CHANNELHUB_VERSION:-" + chart.path("appVersion").asText() + "}");
        assertThat(hub.path("user").asText()).isEqualTo("10001:10001");
        assertThat(hub.path("read_only").asBoolean()).isTrue();
        assertThat(hub.path("ports")).extracting(JsonNode::asText).containsExactly("8080:8080");
        assertThat(hub.path("healthcheck").path("test").toString()).contains(HealthEndpoints.READY);
        assertThat(hub.path("environment").path("CHANNELHUB_DB_URL").asText()).contains("//mariadb:3306/");
        assertThat(hub.path("environment").path("CHANNELHUB_REDIS_URI").asText()).startsWith("redis://redis:");
        List<String> names = new ArrayList<>();
        hub.path("environment").fieldNames().forEachRemaining(names::add);
        assertVariablesAreRead(String.join("\n", names.stream().map(n -> n + "=").toList()));
        for (String other : List.of("prometheus", "grafana")) {
            for (JsonNode port : services.path(other).path("ports")) {
                assertThat(port.asText()).as(other + " is published on loopback only").startsWith("127.0.0.1:");
            }
        }
        // Every file the stack mounts is in the repository.
        for (JsonNode service : services) {
            for (JsonNode volume : service.path("volumes")) {
                String source = volume.asText().split(":")[0];
                if (source.startsWith(".")) {
                    assertThat(compose.resolve(source)).as(volume.asText()).exists();
                }
            }
        }
        // Prometheus's configuration, with the rules file where the compose file mounts it.
        String prometheus = Files.readString(compose.resolve("prometheus.yml")).replace(
                "/etc/prometheus/alert-rules.yml", ROOT.resolve("docs/observability/alert-rules.yml").toAbsolutePath()
                        .toString());
        Files.writeString(work.resolve("prometheus.yml"), prometheus);
        Run check = run(work, "promtool", "check", "config", "prometheus.yml");
        assertThat(check.exit()).as(check.output()).isZero();
        assertThat(check.output()).contains("rules found");
        assertThat(prometheus).contains("metrics_path: /prometheus", "hub:8081");
        JsonNode dashboards = YAML.readTree(compose.resolve("grafana/dashboards.yml").toFile());
        assertThat(dashboards.path("providers").path(0).path("options").path("path").asText())
                .isEqualTo("/var/lib/grafana/dashboards");
    }

    /** The compose file's health check, as Java's source launcher runs it: 0 while ready, 1 when not. */
    @Test
    void theHealthProbeFollowsReadiness() throws Exception {
        Path plugins = Files.createTempDirectory("plugins");
        TestPlugins.testChannel(plugins);
        String probe = ROOT.resolve("hub/src/main/scripts/HealthProbe.java").toAbsolutePath().toString();
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        try (TestHub ready = TestHub.start(TestDatabase.create(TestDatabase.Kind.H2), plugins)) {
            assertThat(run(work, java, probe, ready.adminUrl(HealthEndpoints.READY)).exit()).isZero();
        }
        try (TestHub unready = TestHub.start(TestDatabase.create(TestDatabase.Kind.H2), plugins,
                ConfigOverride.config("plugins.required", "channel-nowhere"))) {
            assertThat(run(work, java, probe, unready.adminUrl(HealthEndpoints.READY)).exit()).isEqualTo(1);
        }
        assertThat(run(work, java, probe, "http://127.0.0.1:1/health/ready").exit()).isEqualTo(1);
    }

    /** Every CHANNELHUB_ variable set is one config.yml reads (a typo would be silently ignored). */
    private static void assertVariablesAreRead(String text) throws Exception {
        Set<String> read = new TreeSet<>(Pattern.compile("\\$\\{(CHANNELHUB_[A-Z_]+)").matcher(
                Files.readString(ROOT.resolve("config.yml"))).results().map(m -> m.group(1)).toList());
        Set<String> set = new TreeSet<>(Pattern.compile("(?m)^\\s*(?:Environment=)?(CHANNELHUB_[A-Z_]+)=").matcher(text)
                .results().map(m -> m.group(1)).toList());
        assertThat(set).isNotEmpty();
        assertThat(read).containsAll(set);
    }
}
