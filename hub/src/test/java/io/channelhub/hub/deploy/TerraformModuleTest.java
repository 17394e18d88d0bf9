package io.channelhub.hub.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The Terraform module (terraform/) checked statically by {@code terraform/test/parse.mjs}: every .tf file parsed
 * with @cdktf/hcl2json and the production guarantees of terraform/README.md asserted (encryption, multi-AZ,
 * backups, least-privilege IAM, validated variables, canonical formatting). Node is required: without it this test
 * fails, it never skips.
 */
class TerraformModuleTest {

    private static final Path TEST = Path.of(System.getProperty("channelhub.root", "..")).resolve("terraform/test");

    @Test
    void theTerraformModuleParsesAndMeetsTheProductionChecks() throws Exception {
        installModules();
        Process node = new ProcessBuilder("node", "parse.mjs").directory(TEST.toFile()).redirectErrorStream(true)
                .start();
        String output = new String(node.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        boolean finished = node.waitFor(2, TimeUnit.MINUTES);
        if (!finished) {
            node.destroyForcibly();
        }
        assertThat(finished).as("parse.mjs finished in time:\n" + output).isTrue();
        assertThat(node.exitValue()).as("parse.mjs passed:\n" + output).isZero();
        assertThat(output).as("parse.mjs ran its checks:\n" + output).containsPattern("# pass [1-9]").contains("# fail 0");
    }

    /** npm ci from the committed lock file when the modules are missing (a fresh checkout). */
    private static void installModules() throws IOException, InterruptedException {
        if (Files.isDirectory(TEST.resolve("node_modules/@cdktf/hcl2json"))) {
            return;
        }
        Process npm = new ProcessBuilder("npm", "ci", "--no-audit", "--no-fund").directory(TEST.toFile())
                .redirectErrorStream(true).start();
        String out = new String(npm.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(npm.waitFor(5, TimeUnit.MINUTES)).as("npm ci finished").isTrue();
        assertThat(npm.exitValue()).as("npm ci:\n" + out).isZero();
    }
}
