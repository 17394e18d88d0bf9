package io.channelhub.hub.plugins;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The plugin API's compatibility gate (japicmp in plugin-api's build, against the last released jar in
 * plugin-api/baseline) on a copy of the module with a deliberately broken API: Metering.record loses a parameter,
 * which breaks every plugin compiled against the release: the build fails at the released version and passes once the
 * version says a new major. A compatible addition needs a new minor. Versions follow the baseline, so the test holds
 * across releases. The gate passing on main is every build of this
 * repository.
 */
class ApiCompatibilityGateTest {

    private static final Path ROOT = Path.of(System.getProperty("channelhub.root", ".."));

    @TempDir
    Path work;

    @Test
    void aBreakingChangeFailsTheBuildUnlessTheMajorVersionChanges() throws Exception {
        meteringRecordBecomes("void record(String usageType, long quantity, String unit);");
        Build same = buildAt(baseline());
        assertThat(same.exit()).as(same.output()).isNotZero();
        assertThat(same.output()).as("the gate, not the compiler, refused it")
                .contains("japicmp-maven-plugin", "binary incompatible changes found");
        Build major = buildAt((baselinePart(0) + 1) + ".0.0");
        assertThat(major.exit()).as(major.output()).isZero();
    }

    @Test
    void anAdditionNeedsAtLeastANewMinorVersion() throws Exception {
        meteringRecordBecomes(RECORD + "\n\n    default void recordOne(String usageType, String unit, String key) {\n"
                + "        record(usageType, 1, unit, key);\n    }");
        Build same = buildAt(baseline());
        assertThat(same.exit()).as(same.output()).isNotZero();
        assertThat(same.output()).contains("japicmp-maven-plugin", "binary compatible changes found");
        Build minor = buildAt(baselinePart(0) + "." + (baselinePart(1) + 1) + ".0");
        assertThat(minor.exit()).as(minor.output()).isZero();
    }

    /** The last released API version: what the gate compares with (the root pom's property). */
    private static String baseline() throws IOException {
        java.util.regex.Matcher m = java.util.regex.Pattern.compile(
                "<channelhub.plugin-api.baseline>([0-9.]+)<").matcher(Files.readString(ROOT.resolve("pom.xml")));
        assertThat(m.find()).as("the root pom names the baseline").isTrue();
        return m.group(1);
    }

    private static int baselinePart(int i) throws IOException {
        return Integer.parseInt(baseline().split("\\.")[i]);
    }

    private static final String RECORD = "void record(String usageType, long quantity, String unit, "
            + "String idempotencyKey);";

    /** A copy of plugin-api (and the root pom, its parent) whose Metering.record declaration is {@code replacement}. */
    private void meteringRecordBecomes(String replacement) throws IOException {
        copy(ROOT.resolve("plugin-api"), work.resolve("plugin-api"));
        Files.copy(ROOT.resolve("pom.xml"), work.resolve("pom.xml"));
        Path metering = work.resolve("plugin-api/src/main/java/io/channelhub/plugin/Metering.java");
        String source = Files.readString(metering);
        assertThat(source).as("the declaration to change is still there").contains(RECORD);
        Files.writeString(metering, source.replace(RECORD, replacement));
    }

    /** The copy built again at {@code version}. */
    private Build buildAt(String version) throws IOException, InterruptedException {
        Path pom = work.resolve("plugin-api/pom.xml");
        Files.writeString(pom, Files.readString(pom).replaceFirst("<version>[0-9.]+</version>",
                "<version>" + version + "</version>"));
        return build();
    }

    private record Build(int exit, String output) {
    }

    /** plugin-api's jar and its gate, offline (the main build resolved the plugin), without javadoc. */
    private Build build() throws IOException, InterruptedException {
        Path log = work.resolve("build.log");
        Process p = new ProcessBuilder(List.of("mvn", "-B", "-o", "-f", "plugin-api/pom.xml", "-Dmaven.test.skip=true",
                "-Dmaven.javadoc.skip=true", "-Dmaven.source.skip=true", "package", "japicmp:cmp@api-compatibility"))
                .directory(work.toFile()).redirectErrorStream(true).redirectOutput(log.toFile()).start();
        assertThat(p.waitFor(5, TimeUnit.MINUTES)).as("the build finished").isTrue();
        return new Build(p.exitValue(), Files.readString(log, StandardCharsets.UTF_8));
    }

    private static void copy(Path from, Path to) throws IOException {
        try (Stream<Path> walk = Files.walk(from)) {
            for (Path p : walk.filter(p -> !from.relativize(p).startsWith("target")).toList()) {
                Path dest = to.resolve(from.relativize(p).toString());
                if (Files.isDirectory(p)) {
                    Files.createDirectories(dest);
                } else {
                    Files.copy(p, dest);
                }
            }
        }
    }
}
