package io.channelhub.hub.deploy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.marcnuri.helm.DryRun;
import com.marcnuri.helm.Helm;
import com.marcnuri.helm.LintResult;
import com.marcnuri.helm.TemplateCommand;
import io.channelhub.hub.web.PrometheusEndpoint;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * helm/channelhub lints strictly and renders with its default and production values (Helm runs in process, from
 * helm-java's bundled native library), and what it renders runs the hub as the repository describes it: every
 * container sized and locked down, probes on the admin port, secrets only by reference, migrations in a hook, the
 * repository's own config.yml and alert rules, images without a registry host.
 *
 * <p>helm-java's {@code template} returns the release manifest without hooks, so each set of values is also rendered
 * from a copy of the chart whose hook annotations are renamed: Helm then keeps the hook resources in the manifest,
 * with their annotations, for the checks that cover every workload.
 */
class HelmChartTest {

    private static final Path ROOT = Path.of(System.getProperty("channelhub.root", ".."));
    private static final Path CHART = ROOT.resolve("helm/channelhub");
    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());
    private static final String HOOK = "helm.sh/hook";
    private static final String VISIBLE_HOOK = "test.channelhub.io/hook";
    private static final String CONFIG_PATH = "/etc/channelhub/config.yml";
    private static final Path BACKUP_SCRIPT = ROOT.resolve("hub/src/main/scripts/backup-mariadb.sh");
    private static final List<String> HUB_SECRET_VARS = List.of("CHANNELHUB_DB_PASSWORD", "CHANNELHUB_SECRETS_KEY",
            "CHANNELHUB_REDIS_URI", "OPENAI_API_KEY", "CHANNELHUB_BOOTSTRAP_KEY");
    /** config.yml variables the chart leaves unset: the secrets key always comes from the Secret. */
    private static final Set<String> UNSET_CONFIG_VARS = Set.of("CHANNELHUB_SECRETS_KEY_FILE");
    private static final Pattern SECRET_NAME =
            Pattern.compile("(?i).*(PASSWORD|PWD|SECRET|TOKEN|CREDENTIAL).*|.*_KEYS?|.*REDIS_URI");
    private static final Pattern SECRET_VALUE = Pattern.compile(String.join("|",
            "chk_[A-Za-z0-9]{8}_[A-Za-z0-9]{32,}",          // a hub API key
            "sk-[A-Za-z0-9_-]{20,}",                         // an OpenAI key
            "[A-Za-z0-9+/]{40,}={1,2}",                      // base64 key material (the secrets key)
            "[a-z][a-z0-9+.-]*://[^/\\s:@]*:[^/\\s@]+@",     // a URL with a password
            "-----BEGIN [A-Z ]*PRIVATE KEY-----"));

    @TempDir
    static Path work;

    private static Path hooksVisibleChart;
    private static Render defaults;
    private static Render production;

    @BeforeAll
    static void render() throws IOException {
        hooksVisibleChart = copyChart(work.resolve("hooks-visible"));
        try (Stream<Path> templates = Files.list(hooksVisibleChart.resolve("templates"))) {
            for (Path t : templates.toList()) {
                Files.writeString(t, Files.readString(t).replace(HOOK, VISIBLE_HOOK));
            }
        }
        defaults = Render.of(null, Map.of());
        production = Render.of(CHART.resolve("values-production.yaml"), Map.of());
    }

    @Test
    void lintsStrictlyWithDefaultValues() {
        assertLintPasses(CHART);
    }

    @Test
    void lintsStrictlyWithProductionValues() throws IOException {
        // helm-java's lint takes no values file: lint a copy whose values.yaml is the production overlay applied.
        Path chart = copyChart(work.resolve("production-lint"));
        JsonNode merged = overlay(YAML.readTree(CHART.resolve("values.yaml").toFile()),
                YAML.readTree(CHART.resolve("values-production.yaml").toFile()));
        Files.writeString(chart.resolve("values.yaml"), YAML.writeValueAsString(merged));
        assertLintPasses(chart);
    }

    @Test
    void sizesEveryContainerWithRequestsAndLimits() {
        for (Render r : allRenders()) {
            for (JsonNode c : containers(r.all())) {
                JsonNode res = c.path("resources");
                for (String kind : List.of("requests", "limits")) {
                    for (String resource : List.of("cpu", "memory")) {
                        assertThat(res.path(kind).path(resource).asText())
                                .as("%s %s.%s in %s", c.path("name").asText(), kind, resource, r.name())
                                .isNotBlank();
                    }
                }
            }
        }
    }

    @Test
    void probesTheHubOnTheAdminPort() {
        for (Render r : List.of(defaults, production)) {
            JsonNode hub = hubContainer(r);
            int adminPort = namedPort(hub, "admin");
            assertThat(adminPort).isEqualTo(8081);
            assertThat(env(hub, "CHANNELHUB_ADMIN_PORT").path("value").asText()).isEqualTo("8081");
            assertThat(env(hub, "CHANNELHUB_PORT").path("value").asText())
                    .isEqualTo(String.valueOf(namedPort(hub, "http")));
            assertProbe(hub, "livenessProbe", io.channelhub.hub.web.HealthEndpoints.LIVE, adminPort);
            assertProbe(hub, "readinessProbe", io.channelhub.hub.web.HealthEndpoints.READY, adminPort);
            assertProbe(hub, "startupProbe", io.channelhub.hub.web.HealthEndpoints.LIVE, adminPort);
            // The hub binds the admin port to loopback unless told; in a pod the kubelet and Prometheus need it.
            assertThat(env(hub, "CHANNELHUB_ADMIN_HOST").path("value").asText()).isEqualTo("0.0.0.0");
        }
    }

    @Test
    void admitsOnlyTheMonitoringNamespaceToTheAdminPort() {
        for (Render r : List.of(defaults, production)) {
            List<JsonNode> policies = r.manifest().stream()
                    .filter(d -> d.path("kind").asText().equals("NetworkPolicy")).toList();
            assertThat(policies).as(r.name()).hasSize(1);
            JsonNode spec = policies.get(0).path("spec");
            JsonNode pods = hub(r).path("spec").path("template").path("metadata").path("labels");
            spec.path("podSelector").path("matchLabels").fields().forEachRemaining(l ->
                    assertThat(pods.path(l.getKey()).asText()).as("selects the hub's pods").isEqualTo(
                            l.getValue().asText()));
            assertThat(spec.path("podSelector").path("matchLabels").path("app.kubernetes.io/component").asText())
                    .isEqualTo("hub");
            assertThat(spec.path("policyTypes")).extracting(JsonNode::asText).containsExactly("Ingress");
            JsonNode admin = null;
            JsonNode http = null;
            for (JsonNode rule : spec.path("ingress")) {
                String port = rule.path("ports").path(0).path("port").asText();
                assertThat(rule.path("ports")).hasSize(1);
                if (port.equals("admin")) {
                    admin = rule;
                } else if (port.equals("http")) {
                    http = rule;
                }
            }
            assertThat(spec.path("ingress")).hasSize(2);
            assertThat(http).as("the HTTP port's rule").isNotNull();
            assertThat(http.has("from")).as("HTTP from anywhere by default").isFalse();
            assertThat(admin).as("the admin port's rule").isNotNull();
            assertThat(admin.path("from")).hasSize(1);
            assertThat(admin.path("from").path(0).path("namespaceSelector").path("matchLabels")
                    .path("kubernetes.io/metadata.name").asText()).isEqualTo("monitoring");
        }
        Render off = Render.of(null, Map.of("networkPolicy.enabled", "false"));
        assertThat(off.manifest()).noneMatch(d -> d.path("kind").asText().equals("NetworkPolicy"));
    }

    @Test
    void referencesSecretsOnlyBySecretKeyRef() {
        for (Render r : allRenders()) {
            assertThat(ofKind(r.all(), "Secret")).as("Secrets rendered in %s", r.name()).isEmpty();
            for (JsonNode c : containers(r.all())) {
                for (JsonNode e : c.path("env")) {
                    String name = e.path("name").asText();
                    if (SECRET_NAME.matcher(name).matches()) {
                        assertThat(e.has("value")).as("%s has a plain value in %s", name, r.name()).isFalse();
                        assertThat(e.path("valueFrom").path("secretKeyRef").path("key").asText())
                                .as("%s from a secretKeyRef in %s", name, r.name()).isNotBlank();
                    }
                }
            }
            List<String> leaks = new ArrayList<>();
            r.all().forEach(doc -> strings(doc, leaks));
            assertThat(leaks.stream().filter(s -> SECRET_VALUE.matcher(s).find()))
                    .as("values that look like secrets in %s", r.name()).isEmpty();
        }
        for (Render r : List.of(defaults, production)) {
            JsonNode hub = hubContainer(r);
            for (String name : HUB_SECRET_VARS) {
                assertThat(env(hub, name).path("valueFrom").path("secretKeyRef").isObject()).as(name).isTrue();
            }
        }
        JsonNode prodHub = hubContainer(production);
        assertThat(env(prodHub, "CHANNELHUB_DB_URL").path("valueFrom").path("secretKeyRef").path("name").asText())
                .isEqualTo("channelhub-database");
        assertThat(env(prodHub, "CHANNELHUB_REDIS_URI").path("valueFrom").path("secretKeyRef").path("optional")
                .asBoolean(false)).as("Redis is required in production").isFalse();
    }

    @Test
    void passesOldSecretsKeysFromTheSecretWhileRotating() {
        JsonNode hub = hubContainer(Render.of(null, Map.of("secrets.previousKeys.key", "previous-keys")));
        assertThat(env(hub, "CHANNELHUB_SECRETS_PREVIOUS_KEYS").path("valueFrom").path("secretKeyRef")
                .path("key").asText()).isEqualTo("previous-keys");
        assertThat(texts(hub.path("args")))
                .contains("-Ddw.secrets.previousKeys=$(CHANNELHUB_SECRETS_PREVIOUS_KEYS)");
    }

    @Test
    void shipsTheRepositoryConfigYmlUnchanged() throws IOException {
        String repo = Files.readString(ROOT.resolve("config.yml"));
        assertThat(Files.readString(CHART.resolve("files/config.yml")))
                .as("helm/channelhub/files/config.yml drifted from config.yml: cp config.yml helm/channelhub/files/")
                .isEqualTo(repo);
        for (Render r : List.of(defaults, production)) {
            for (JsonNode cm : ofKind(r.all(), "ConfigMap")) {
                assertThat(cm.path("data").path("config.yml").asText()).isEqualTo(repo.stripTrailing());
            }
            JsonNode hub = hubContainer(r);
            assertThat(mountPath(hub, "config")).isEqualTo("/etc/channelhub");
            assertThat(volume(podSpec(hub(r)), "config").path("configMap").path("name").asText())
                    .isEqualTo(one(r.manifest(), "ConfigMap").path("metadata").path("name").asText());
        }
    }

    @Test
    void setsEveryVariableThatConfigYmlReads() throws IOException {
        String config = Files.readString(ROOT.resolve("config.yml")).replaceAll("(?m)^\\s*#.*$", "");
        Matcher m = Pattern.compile("\\$\\{([A-Z0-9_]+):-").matcher(config);
        Set<String> read = new TreeSet<>();
        while (m.find()) {
            read.add(m.group(1));
        }
        read.removeAll(UNSET_CONFIG_VARS);
        for (Render r : List.of(defaults, production)) {
            Set<String> set = new TreeSet<>();
            hubContainer(r).path("env").forEach(e -> set.add(e.path("name").asText()));
            assertThat(set).as("config.yml variables set by the chart (%s)", r.name()).containsAll(read);
            assertThat(set).doesNotContainAnyElementsOf(UNSET_CONFIG_VARS);
        }
    }

    @Test
    void runsTheJarWithTheMountedConfigWithoutDemoOrMigrationOnStart() {
        for (Render r : List.of(defaults, production)) {
            JsonNode hub = hubContainer(r);
            assertThat(texts(hub.path("command"))).containsExactly("java");
            List<String> args = texts(hub.path("args"));
            assertThat(args.subList(args.size() - 4, args.size()))
                    .containsExactly("-jar", "/opt/channelhub/channelhub.jar", "server", CONFIG_PATH);
            assertThat(env(hub, "CHANNELHUB_DEMO").path("value").asText()).isEqualTo("false");
            assertThat(env(hub, "CHANNELHUB_MIGRATE_ON_START").path("value").asText()).isEqualTo("false");
            assertThat(env(hub, "CHANNELHUB_WEBHOOKS_ALLOW_PRIVATE").path("value").asText()).isEqualTo("false");
        }
        assertThat(texts(hubContainer(production).path("args")))
                .contains("-Ddw.server.applicationConnectors[0].useForwardedHeaders=true");
        assertThat(texts(hubContainer(defaults).path("args"))).noneMatch(a -> a.contains("trustedSigners"));
        String fingerprint = "ab".repeat(32);
        Render signed = Render.of(null, Map.of("plugins.trustedSigners[0]", fingerprint,
                "plugins.trustedSigners[1]", "cd".repeat(32)));
        assertThat(texts(hubContainer(signed).path("args")))
                .contains("-Ddw.plugins.trustedSigners=" + fingerprint + "," + "cd".repeat(32));
    }

    @Test
    void migratesInAPreInstallAndPreUpgradeHookJob() {
        for (Render r : List.of(defaults, production)) {
            assertThat(ofKind(r.manifest(), "Job")).as("Helm takes the Job as a hook").isEmpty();
            assertThat(ofKind(r.manifest(), "ConfigMap")).hasSize(1);
            JsonNode job = one(r.all(), "Job");
            JsonNode hookConfig = ofKind(r.all(), "ConfigMap").stream()
                    .filter(cm -> cm.path("metadata").path("annotations").has(VISIBLE_HOOK)).findFirst().orElseThrow();
            assertThat(annotation(job, VISIBLE_HOOK)).isEqualTo("pre-install,pre-upgrade");
            assertThat(annotation(hookConfig, VISIBLE_HOOK)).isEqualTo("pre-install,pre-upgrade");
            assertThat(Integer.parseInt(annotation(hookConfig, VISIBLE_HOOK + "-weight")))
                    .isLessThan(Integer.parseInt(annotation(job, VISIBLE_HOOK + "-weight")));
            JsonNode pod = podSpec(job);
            assertThat(pod.path("restartPolicy").asText()).isEqualTo("Never");
            assertThat(volume(pod, "config").path("configMap").path("name").asText())
                    .isEqualTo(hookConfig.path("metadata").path("name").asText());
            JsonNode migrate = pod.path("containers").get(0);
            assertMigrates(migrate);
            assertThat(labels(job.path("spec").path("template")))
                    .as("no Service or PDB selects the Job's pod").doesNotContainEntry("app.kubernetes.io/component", "hub");
        }
    }

    @Test
    void migratesInAnInitContainerWhenAsked() {
        Render r = Render.of(null, Map.of("migrations.mode", "initContainer"));
        assertThat(ofKind(r.all(), "Job")).isEmpty();
        JsonNode pod = podSpec(hub(r));
        JsonNode migrate = byName(pod.path("initContainers"), "migrate");
        assertMigrates(migrate);
        assertThat(env(hubContainer(r), "CHANNELHUB_MIGRATE_ON_START").path("value").asText()).isEqualTo("false");
    }

    @Test
    void locksDownEveryContainer() {
        for (Render r : allRenders()) {
            for (JsonNode workload : workloads(r.all())) {
                JsonNode pod = podSpec(workload);
                String what = workload.path("kind").asText() + " in " + r.name();
                assertThat(pod.path("automountServiceAccountToken").asBoolean(true)).as(what).isFalse();
                for (JsonNode c : containers(pod)) {
                    JsonNode sc = c.path("securityContext");
                    String where = c.path("name").asText() + " of " + what;
                    assertThat(sc.path("runAsNonRoot").asBoolean(false)
                            || pod.path("securityContext").path("runAsNonRoot").asBoolean(false)).as(where).isTrue();
                    assertThat(sc.path("readOnlyRootFilesystem").asBoolean(false)).as(where).isTrue();
                    assertThat(sc.path("allowPrivilegeEscalation").asBoolean(true)).as(where).isFalse();
                    assertThat(sc.path("privileged").asBoolean(false)).as(where).isFalse();
                    assertThat(texts(sc.path("capabilities").path("drop"))).as(where).contains("ALL");
                }
                for (JsonNode c : pod.path("containers")) {
                    String tmp = mountName(c, "/tmp");
                    assertThat(volume(pod, tmp).has("emptyDir")).as("/tmp of %s", what).isTrue();
                }
            }
            for (JsonNode sa : ofKind(r.all(), "ServiceAccount")) {
                assertThat(sa.path("automountServiceAccountToken").asBoolean(true)).isFalse();
            }
        }
    }

    @Test
    void eachPodKeepsItsUsageSpoolOnItsOwnClaimUnlessToldOtherwise() {
        for (Render r : List.of(defaults, production)) {
            JsonNode workload = hub(r);
            assertThat(workload.path("kind").asText()).as(r.name()).isEqualTo("StatefulSet");
            JsonNode claim = byName(namesOfClaims(workload), "usage-spool");
            assertThat(claim.path("spec").path("resources").path("requests").path("storage").asText()).isNotBlank();
            JsonNode pod = podSpec(workload);
            String mount = mountName(byName(pod.path("containers"), "hub"), "/var/lib/channelhub/usage-spool");
            assertThat(mount).isEqualTo("usage-spool");
            assertThat(names(pod.path("volumes"))).as("the claim, not a pod volume").doesNotContain("usage-spool");
            // Rows a pod could not write stay on its claim when it is scaled away or the release deleted.
            assertThat(workload.path("spec").path("persistentVolumeClaimRetentionPolicy").path("whenScaled").asText())
                    .isEqualTo("Retain");
            assertThat(workload.path("spec").path("persistentVolumeClaimRetentionPolicy").path("whenDeleted").asText())
                    .isEqualTo("Retain");
            assertThat(workload.path("spec").path("serviceName").asText())
                    .isEqualTo(one(r.all(), "Service").path("metadata").path("name").asText());
            assertThat(env(hubContainer(r), "CHANNELHUB_USAGE_SPOOL_DIR").path("value").asText())
                    .isEqualTo("/var/lib/channelhub/usage-spool");
        }
        assertThat(one(production.all(), "HorizontalPodAutoscaler").path("spec").path("scaleTargetRef").path("kind")
                .asText()).isEqualTo("StatefulSet");

        Render ephemeral = Render.of(null, Map.of("usageSpool.persistence.enabled", "false"));
        JsonNode deployment = hub(ephemeral);
        assertThat(deployment.path("kind").asText()).isEqualTo("Deployment");
        assertThat(deployment.path("spec").has("volumeClaimTemplates")).isFalse();
        assertThat(deployment.path("spec").path("strategy").path("rollingUpdate").path("maxUnavailable").asInt())
                .isZero();
        assertThat(volume(podSpec(deployment), "usage-spool").path("emptyDir").path("sizeLimit").asText())
                .isEqualTo("1Gi");
    }

    private static JsonNode namesOfClaims(JsonNode workload) {
        com.fasterxml.jackson.databind.node.ArrayNode out = YAML.createArrayNode();
        for (JsonNode c : workload.path("spec").path("volumeClaimTemplates")) {
            out.add(((ObjectNode) c.deepCopy()).put("name", c.path("metadata").path("name").asText()));
        }
        return out;
    }

    @Test
    void scalesAndSurvivesDisruptionInProduction() {
        JsonNode deployment = hub(production);
        JsonNode hpa = one(production.all(), "HorizontalPodAutoscaler");
        assertThat(hpa.path("spec").path("scaleTargetRef").path("name").asText())
                .isEqualTo(deployment.path("metadata").path("name").asText());
        assertThat(hpa.path("spec").path("minReplicas").asInt()).isGreaterThanOrEqualTo(3);
        assertThat(deployment.path("spec").has("replicas")).as("the HPA owns replicas").isFalse();
        JsonNode pdb = one(production.all(), "PodDisruptionBudget");
        assertThat(pdb.path("spec").path("minAvailable").asInt()).isGreaterThanOrEqualTo(2);
        assertThat(pdb.path("spec").has("maxUnavailable")).isFalse();
        assertThat(pdb.path("spec").path("selector").path("matchLabels"))
                .isEqualTo(deployment.path("spec").path("selector").path("matchLabels"));

        JsonNode ingress = one(production.all(), "Ingress");
        assertThat(ingress.path("metadata").path("annotations").has("cert-manager.io/cluster-issuer")).isTrue();
        assertThat(ingress.path("spec").path("tls").path(0).path("secretName").asText()).isNotBlank();
        ingress.findValues("backend").forEach(b ->
                assertThat(b.path("service").path("port").path("name").asText()).isEqualTo("http"));

        assertThat(hub(defaults).path("spec").path("replicas").asInt()).isEqualTo(2);
        assertThat(ofKind(defaults.all(), "HorizontalPodAutoscaler")).isEmpty();
        assertThat(ofKind(defaults.all(), "Ingress")).isEmpty();
        assertThat(ofKind(defaults.all(), "PodDisruptionBudget")).hasSize(1);
    }

    @Test
    void monitorsWithTheRepositoryAlertRules() throws IOException {
        Path repoRules = ROOT.resolve("docs/observability/alert-rules.yml");
        assertThat(Files.readString(CHART.resolve("files/alert-rules.yml")))
                .as("helm/channelhub/files/alert-rules.yml drifted: cp docs/observability/alert-rules.yml "
                        + "helm/channelhub/files/")
                .isEqualTo(Files.readString(repoRules));

        JsonNode monitor = one(production.all(), "ServiceMonitor");
        assertThat(monitor.path("apiVersion").asText()).isEqualTo("monitoring.coreos.com/v1");
        JsonNode endpoint = monitor.path("spec").path("endpoints").get(0);
        assertThat(endpoint.path("port").asText()).isEqualTo("admin");
        assertThat(endpoint.path("path").asText()).isEqualTo(PrometheusEndpoint.PATH);
        JsonNode service = one(production.all(), "Service");
        assertThat(labels(service)).containsAllEntriesOf(labelsOf(monitor.path("spec").path("selector")
                .path("matchLabels")));
        assertThat(names(service.path("spec").path("ports"))).contains("admin");

        JsonNode rule = one(production.all(), "PrometheusRule");
        assertThat(rule.path("apiVersion").asText()).isEqualTo("monitoring.coreos.com/v1");
        assertThat(rule.path("spec").path("groups")).isEqualTo(YAML.readTree(repoRules.toFile()).path("groups"));

        assertThat(ofKind(defaults.all(), "ServiceMonitor")).isEmpty();
        assertThat(ofKind(defaults.all(), "PrometheusRule")).isEmpty();
    }

    @Test
    void backsUpMariaDbWithTheRepositoryBackupScript() throws IOException {
        // Every variable hub/src/main/scripts/backup-mariadb.sh reads, and MYSQL_PWD (read by the client itself).
        Matcher m = Pattern.compile("\\$\\{([A-Z0-9_]+):[-?]").matcher(Files.readString(BACKUP_SCRIPT));
        Set<String> read = new TreeSet<>(Set.of("MYSQL_PWD"));
        while (m.find()) {
            read.add(m.group(1));
        }
        assertThat(read).contains("DB_NAME", "DB_HOST", "BACKUP_DIR", "BACKUP_S3_URI");

        JsonNode cron = one(production.all(), "CronJob");
        JsonNode pod = podSpec(cron);
        JsonNode backup = pod.path("containers").get(0);
        assertThat(texts(backup.path("command"))).containsExactly("/opt/channelhub/scripts/"
                + BACKUP_SCRIPT.getFileName());
        // The backup image the build makes beside the hub's (hub/image; ImageIT runs the script in it).
        assertThat(backup.path("image").asText()).isEqualTo("channelhub/hub-backup:"
                + YAML.readTree(CHART.resolve("Chart.yaml").toFile()).path("appVersion").asText());
        assertThat(names(backup.path("env"))).containsAll(read);
        assertThat(env(backup, "MYSQL_PWD").path("valueFrom").path("secretKeyRef").path("key").asText())
                .isEqualTo(env(hubContainer(production), "CHANNELHUB_DB_PASSWORD").path("valueFrom")
                        .path("secretKeyRef").path("key").asText());
        assertThat(env(backup, "BACKUP_S3_URI").path("value").asText()).startsWith("s3://");
        String dir = env(backup, "BACKUP_DIR").path("value").asText();
        String claim = volume(pod, mountName(backup, dir)).path("persistentVolumeClaim").path("claimName").asText();
        JsonNode pvc = one(production.all(), "PersistentVolumeClaim");
        assertThat(pvc.path("metadata").path("name").asText()).isEqualTo(claim);
        assertThat(annotation(pvc, "helm.sh/resource-policy")).isEqualTo("keep");
        assertThat(cron.path("spec").path("concurrencyPolicy").asText()).isEqualTo("Forbid");
        JsonNode account = ofKind(production.all(), "ServiceAccount").stream()
                .filter(sa -> sa.path("metadata").path("name").asText().equals(pod.path("serviceAccountName").asText()))
                .findFirst().orElseThrow();
        assertThat(account.path("metadata").path("annotations").has("eks.amazonaws.com/role-arn"))
                .as("the backup job has its own (IRSA) service account").isTrue();
        assertThat(pod.path("serviceAccountName").asText())
                .isNotEqualTo(podSpec(hub(production)).path("serviceAccountName").asText());

        assertThat(ofKind(defaults.all(), "CronJob")).isEmpty();
        Render local = Render.of(null, Map.of("backup.enabled", "true", "backup.persistence.enabled", "false",
                "backup.s3.bucket", "acme-backups", "backup.s3.prefix", "hub/", "backup.s3.region", "sa-east-1"));
        JsonNode localPod = podSpec(one(local.all(), "CronJob"));
        JsonNode localBackup = localPod.path("containers").get(0);
        assertThat(volume(localPod, "backup").has("emptyDir")).isTrue();
        assertThat(ofKind(local.all(), "PersistentVolumeClaim")).isEmpty();
        assertThat(env(localBackup, "DB_HOST").path("value").asText()).as("parsed from database.url")
                .isEqualTo("mariadb");
        assertThat(env(localBackup, "DB_PORT").path("value").asText()).isEqualTo("3306");
        assertThat(env(localBackup, "DB_NAME").path("value").asText()).isEqualTo("channelhub");
        assertThat(env(localBackup, "BACKUP_S3_URI").path("value").asText()).isEqualTo("s3://acme-backups/hub");
        assertThat(env(localBackup, "AWS_REGION").path("value").asText()).isEqualTo("sa-east-1");
    }

    @Test
    void acceptsTheValuesThatTerraformOutputs() throws IOException {
        // The shape of `terraform output -json helm_values` (terraform/outputs.tf).
        Path values = work.resolve("terraform-values.json");
        Files.writeString(values, """
                {"serviceAccount": {"name": "channelhub",
                   "annotations": {"eks.amazonaws.com/role-arn": "arn:aws:iam::123456789012:role/hub"}},
                 "backup": {"serviceAccount": {"name": "channelhub-backup",
                     "annotations": {"eks.amazonaws.com/role-arn": "arn:aws:iam::123456789012:role/backup"}},
                   "s3": {"bucket": "acme-backups", "prefix": "channelhub/", "region": "sa-east-1"}},
                 "media": {"bucket": "acme-media", "prefix": "media/"},
                 "awsSecrets": {"secretsKey": "channelhub/secrets-key", "database": "channelhub/database",
                   "redis": "channelhub/redis"}}
                """);
        Render r = Render.of(values, Map.of("backup.enabled", "true"));
        JsonNode pod = podSpec(one(r.all(), "CronJob"));
        assertThat(pod.path("serviceAccountName").asText()).isEqualTo("channelhub-backup");
        assertThat(env(pod.path("containers").get(0), "BACKUP_S3_URI").path("value").asText())
                .isEqualTo("s3://acme-backups/channelhub");
        assertThat(podSpec(hub(r)).path("serviceAccountName").asText()).isEqualTo("channelhub");
    }

    @Test
    void loadsExtraPluginsFromAnImageOrAVolume() {
        JsonNode plain = hubContainer(defaults);
        assertThat(env(plain, "CHANNELHUB_PLUGINS_DIR").path("value").asText()).isEqualTo("/opt/channelhub/plugins");
        assertThat(podSpec(hub(defaults)).has("initContainers")).isFalse();

        Render r = pluginsRender();
        JsonNode pod = podSpec(hub(r));
        JsonNode hub = hubContainer(r);
        String dir = env(hub, "CHANNELHUB_PLUGINS_DIR").path("value").asText();
        String volume = mountName(hub, dir);
        assertThat(volume(pod, volume).has("emptyDir")).isTrue();
        assertThat(names(pod.path("initContainers"))).containsExactly("bundled-plugins", "extra-plugins-image", "volume-plugins");
        for (JsonNode init : pod.path("initContainers")) {
            assertThat(mountName(init, "/dst")).isEqualTo(volume);
        }
        assertThat(byName(pod.path("initContainers"), "extra-plugins-image").path("image").asText())
                .isEqualTo("acme/channelhub-plugins:1.2.0");
        assertThat(volume(pod, mountName(byName(pod.path("initContainers"), "volume-plugins"), "/src"))
                .path("persistentVolumeClaim").path("claimName").asText()).isEqualTo("channelhub-plugins");
    }

    @Test
    void namesNoRegistryHostInAnyImage() throws IOException {
        for (Render r : allRenders()) {
            for (JsonNode c : containers(r.all())) {
                String image = c.path("image").asText();
                String first = image.split("/")[0];
                assertThat(image).as("image of %s in %s", c.path("name").asText(), r.name()).contains("/");
                assertThat(first.contains(".") || first.contains(":") || first.equals("localhost"))
                        .as("registry host in %s", image).isFalse();
            }
        }
        assertThat(YAML.readTree(CHART.resolve("values.yaml").toFile()).path("image").path("repository").asText())
                .isEqualTo("channelhub/hub");
    }

    @Test
    void rejectsValuesTheSchemaForbids() {
        for (Map<String, Object> bad : List.of(Map.<String, Object>of("migrations.mode", "sometimes"),
                Map.<String, Object>of("image.pullPolicy", "Sometimes"),
                Map.<String, Object>of("replicas", "3"),
                Map.<String, Object>of("rateLimits.onRedisFailure", "MAYBE"),
                Map.<String, Object>of("securityContext.allowPrivilegeEscalation", "true"))) {
            assertThatThrownBy(() -> template(CHART, null, bad).call()).as("%s", bad)
                    .hasMessageContaining("schema");
        }
    }

    @Test
    void notesNameTheSecretToCreateAndTheAdminPort() {
        String notes = new Helm(CHART).install().withName("channelhub").withNamespace("channelhub")
                .dryRun().withDryRunOption(DryRun.CLIENT).clientOnly().call().getOutput();
        assertThat(notes).contains("create secret generic channelhub", "db-password", "secrets-key",
                "port-forward svc/channelhub 8081:8081", "/health/ready", "hook Job channelhub-migrate");
    }

    // --- rendering

    /** One set of values rendered twice: as Helm installs it, and with the hook resources kept in the manifest. */
    private record Render(String name, List<JsonNode> manifest, List<JsonNode> all) {

        static Render of(Path valuesFile, Map<String, Object> sets) {
            String name = (valuesFile == null ? "values.yaml" : valuesFile.getFileName().toString())
                    + (sets.isEmpty() ? "" : " " + sets);
            return new Render(name, parse(template(CHART, valuesFile, sets).call()),
                    parse(template(hooksVisibleChart, valuesFile, sets).call()));
        }
    }

    private static TemplateCommand template(Path chart, Path valuesFile, Map<String, Object> sets) {
        TemplateCommand t = new Helm(chart).template().withName("channelhub").withNamespace("channelhub");
        if (valuesFile != null) {
            t = t.withValuesFile(valuesFile.toAbsolutePath());
        }
        for (Map.Entry<String, Object> s : new LinkedHashMap<>(sets).entrySet()) {
            t = t.set(s.getKey(), s.getValue());
        }
        return t;
    }

    private static Render pluginsRender() {
        return Render.of(null, Map.of(
                "plugins.extraPluginsImage.repository", "acme/channelhub-plugins",
                "plugins.extraPluginsImage.tag", "1.2.0",
                "plugins.volume.persistentVolumeClaim.claimName", "channelhub-plugins"));
    }

    private static List<Render> allRenders() {
        return List.of(defaults, production, pluginsRender(),
                Render.of(null, Map.of("migrations.mode", "initContainer", "backup.enabled", "true")));
    }

    private static List<JsonNode> parse(String manifests) {
        try (var parser = YAML.getFactory().createParser(manifests)) {
            return YAML.readValues(parser, JsonNode.class).readAll().stream()
                    .filter(d -> d != null && d.isObject() && d.has("kind")).toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static Path copyChart(Path target) throws IOException {
        try (Stream<Path> files = Files.walk(CHART)) {
            for (Path source : files.toList()) {
                Path dest = target.resolve(CHART.relativize(source).toString());
                if (Files.isDirectory(source)) {
                    Files.createDirectories(dest);
                } else {
                    Files.copy(source, dest);
                }
            }
        }
        return target;
    }

    /** Helm's coalescing of a values file over the chart's: maps merge, null removes, anything else replaces. */
    private static JsonNode overlay(JsonNode base, JsonNode top) {
        if (!(base instanceof ObjectNode b) || !top.isObject()) {
            return top;
        }
        ObjectNode out = b.deepCopy();
        top.fields().forEachRemaining(e -> {
            if (e.getValue().isNull()) {
                out.remove(e.getKey());
            } else {
                out.set(e.getKey(), out.has(e.getKey()) ? overlay(out.get(e.getKey()), e.getValue()) : e.getValue());
            }
        });
        return out;
    }

    private static void assertLintPasses(Path chart) {
        LintResult result = new Helm(chart).lint().strict().call();
        assertThat(result.isFailed()).as(String.join("\n", result.getMessages())).isFalse();
        assertThat(result.getMessages()).noneMatch(m -> m.contains("[ERROR]") || m.contains("[WARNING]"));
    }

    // --- reading manifests

    private static List<JsonNode> ofKind(List<JsonNode> docs, String kind) {
        return docs.stream().filter(d -> d.path("kind").asText().equals(kind)).toList();
    }

    private static JsonNode one(List<JsonNode> docs, String kind) {
        List<JsonNode> found = ofKind(docs, kind);
        assertThat(found).as(kind).hasSize(1);
        return found.get(0);
    }

    private static List<JsonNode> workloads(List<JsonNode> docs) {
        return docs.stream().filter(d -> Set.of("Deployment", "StatefulSet", "DaemonSet", "Job", "CronJob")
                .contains(d.path("kind").asText())).toList();
    }

    private static JsonNode podSpec(JsonNode workload) {
        JsonNode spec = workload.path("spec");
        if (workload.path("kind").asText().equals("CronJob")) {
            spec = spec.path("jobTemplate").path("spec");
        }
        return spec.path("template").path("spec");
    }

    private static List<JsonNode> containers(JsonNode pod) {
        List<JsonNode> all = new ArrayList<>();
        pod.path("initContainers").forEach(all::add);
        pod.path("containers").forEach(all::add);
        return all;
    }

    private static List<JsonNode> containers(List<JsonNode> docs) {
        return workloads(docs).stream().flatMap(w -> containers(podSpec(w)).stream()).toList();
    }

    /** The hub's workload: a StatefulSet with a claim per pod for the usage spool, or a Deployment without. */
    private static JsonNode hub(Render r) {
        List<JsonNode> found = r.all().stream().filter(d -> Set.of("Deployment", "StatefulSet")
                .contains(d.path("kind").asText())).toList();
        assertThat(found).as("the hub's workload in " + r.name()).hasSize(1);
        return found.get(0);
    }

    private static JsonNode hubContainer(Render r) {
        return byName(podSpec(hub(r)).path("containers"), "hub");
    }

    private static JsonNode byName(JsonNode list, String name) {
        for (JsonNode n : list) {
            if (n.path("name").asText().equals(name)) {
                return n;
            }
        }
        throw new AssertionError("no " + name + " in " + list);
    }

    private static JsonNode env(JsonNode container, String name) {
        return byName(container.path("env"), name);
    }

    private static JsonNode volume(JsonNode pod, String name) {
        return byName(pod.path("volumes"), name);
    }

    private static int namedPort(JsonNode container, String name) {
        return byName(container.path("ports"), name).path("containerPort").asInt();
    }

    private static String mountPath(JsonNode container, String volume) {
        return byName(container.path("volumeMounts"), volume).path("mountPath").asText();
    }

    private static String mountName(JsonNode container, String path) {
        for (JsonNode m : container.path("volumeMounts")) {
            if (m.path("mountPath").asText().equals(path)) {
                return m.path("name").asText();
            }
        }
        throw new AssertionError("nothing mounted at " + path + " in " + container.path("name"));
    }

    private static void assertProbe(JsonNode container, String probe, String path, int port) {
        JsonNode get = container.path(probe).path("httpGet");
        assertThat(get.path("path").asText()).as(probe).isEqualTo(path);
        JsonNode p = get.path("port");
        assertThat(p.isInt() ? p.asInt() : namedPort(container, p.asText())).as(probe + " port").isEqualTo(port);
    }

    private static void assertMigrates(JsonNode container) {
        assertThat(texts(container.path("args"))).containsSubsequence(
                "-jar", "/opt/channelhub/channelhub.jar", "db", "migrate", CONFIG_PATH);
        assertThat(mountPath(container, "config")).isEqualTo("/etc/channelhub");
        assertThat(env(container, "CHANNELHUB_DB_PASSWORD").path("valueFrom").path("secretKeyRef").isObject())
                .isTrue();
        assertThat(env(container, "CHANNELHUB_DB_URL").isObject()).isTrue();
    }

    private static String annotation(JsonNode doc, String key) {
        return doc.path("metadata").path("annotations").path(key).asText();
    }

    private static Map<String, String> labels(JsonNode doc) {
        return labelsOf(doc.path("metadata").path("labels"));
    }

    private static Map<String, String> labelsOf(JsonNode map) {
        Map<String, String> out = new LinkedHashMap<>();
        map.fields().forEachRemaining(e -> out.put(e.getKey(), e.getValue().asText()));
        return out;
    }

    private static List<String> texts(JsonNode array) {
        List<String> out = new ArrayList<>();
        array.forEach(n -> out.add(n.asText()));
        return out;
    }

    private static List<String> names(JsonNode list) {
        List<String> out = new ArrayList<>();
        list.forEach(n -> out.add(n.path("name").asText()));
        return out;
    }

    private static void strings(JsonNode node, List<String> out) {
        if (node.isTextual()) {
            out.add(node.asText());
        }
        node.forEach(child -> strings(child, out));
    }
}
