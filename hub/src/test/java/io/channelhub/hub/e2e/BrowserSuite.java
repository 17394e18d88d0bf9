package io.channelhub.hub.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import io.channelhub.hub.support.TestPlugins;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

/**
 * What the browser tests share: a plugins directory with the bundled jars the build assembled, and a run of one of
 * the Node suites in {@code hub/src/test/e2e} (Node's test runner, playwright-core driving Debian's headless
 * Chromium) that must finish in time with no failure. Without Node or Chromium the run fails; it never skips.
 */
final class BrowserSuite {

    static final Path E2E = Path.of(System.getProperty("channelhub.root", "..")).resolve("hub/src/test/e2e");
    /** Where the suites write their screenshots (docs/screenshots holds the copies the docs show). */
    static final Path SHOTS = Path.of("target", "screenshots").toAbsolutePath();

    private BrowserSuite() {
    }

    /** A fresh plugins directory: the assembled plugin jars whose file names pass {@code jars}, and the test channel. */
    static Path plugins(Predicate<String> jars) throws IOException {
        Path dir = Files.createTempDirectory("plugins");
        Path dist = Path.of(System.getProperty("channelhub.dist", "../target/channelhub")).resolve("plugins");
        try (var files = Files.list(dist)) {
            var chosen = files.filter(p -> p.getFileName().toString().endsWith(".jar"))
                    .filter(p -> jars.test(p.getFileName().toString())).toList();
            assertThat(chosen).as("plugin jars in " + dist + " (run mvn package)").isNotEmpty();
            for (Path jar : chosen) {
                Files.copy(jar, dir.resolve(jar.getFileName()), StandardCopyOption.REPLACE_EXISTING);
            }
        }
        TestPlugins.testChannel(dir);
        return dir;
    }

    /** Runs {@code node --test script} with {@code env} (plus SCREENSHOT_DIR); returns its output once it passed. */
    static String run(String script, Map<String, String> env) throws IOException, InterruptedException {
        installModules();
        Files.createDirectories(SHOTS);
        Path log = Path.of("target", script.replace(".mjs", ".log")).toAbsolutePath();
        ProcessBuilder pb = new ProcessBuilder("node", "--test", script).directory(E2E.toFile())
                .redirectErrorStream(true).redirectOutput(log.toFile());
        Map<String, String> all = new HashMap<>(env);
        all.put("SCREENSHOT_DIR", SHOTS.toString());
        pb.environment().putAll(all);
        Process p = pb.start();
        boolean finished = p.waitFor(5, TimeUnit.MINUTES);
        if (!finished) {
            p.destroyForcibly();
        }
        String output = Files.readString(log, StandardCharsets.UTF_8);
        assertThat(finished).as("the browser suite finished in time:\n" + output).isTrue();
        assertThat(p.exitValue()).as("the browser suite passed:\n" + output).isZero();
        assertThat(output).contains("# fail 0").doesNotContain("# pass 0");
        return output;
    }

    /** npm ci from the committed lock file when the modules are missing (a fresh checkout). */
    private static void installModules() throws IOException, InterruptedException {
        if (Files.isDirectory(E2E.resolve("node_modules/playwright-core"))) {
            return;
        }
        Process npm = new ProcessBuilder("npm", "ci", "--no-audit", "--no-fund").directory(E2E.toFile())
                .redirectErrorStream(true).start();
        String out = new String(npm.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(npm.waitFor(5, TimeUnit.MINUTES)).as("npm ci finished").isTrue();
        assertThat(npm.exitValue()).as("npm ci:\n" + out).isZero();
    }
}
