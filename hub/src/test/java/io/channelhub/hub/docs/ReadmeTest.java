package io.channelhub.hub.docs;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** The README's quick start is exactly two commands, and CI runs the second one. */
class ReadmeTest {

    private static final Path ROOT = Path.of(System.getProperty("channelhub.root", ".."));

    private static List<String> quickStart() throws Exception {
        String readme = Files.readString(ROOT.resolve("README.md"));
        Matcher m = Pattern.compile("## Quick start.*?```sh\\n(.*?)\\n```", Pattern.DOTALL).matcher(readme);
        assertThat(m.find()).as("a sh block under Quick start").isTrue();
        return Arrays.stream(m.group(1).split("\\n")).map(String::trim).filter(l -> !l.isEmpty()).toList();
    }

    @Test
    void quickStartHasTwoCommandsAndCiRunsTheTestCommand() throws Exception {
        List<String> commands = quickStart();
        assertThat(commands).hasSize(2);
        assertThat(commands.get(0)).contains("java -jar target/channelhub/channelhub.jar server config.yml");
        String ci = Files.readString(ROOT.resolve(".ci/run"));
        assertThat(ci.lines().map(String::trim)).contains(commands.get(1));
    }

    @Test
    void theRunCommandUsesTheLayoutThatConfigYmlPointsAt() throws Exception {
        String config = Files.readString(ROOT.resolve("config.yml"));
        assertThat(config).contains("target/channelhub/plugins");
        assertThat(Path.of(System.getProperty("channelhub.dist", "../target/channelhub")).resolve("plugins"))
                .isDirectory();
    }
}
