package io.channelhub.hub.plugins;

import static org.assertj.core.api.Assertions.assertThat;

import io.channelhub.plugin.PluginApi;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.jar.JarFile;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.tools.JavaCompiler;
import javax.tools.ToolProvider;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What the build publishes for plugin authors (the release repository every verify writes, see the root pom's
 * "published" profile): plugin-api and plugin-testkit at the plugin API's version, each with sources and javadoc, and
 * poms that resolve on their own (no parent). A plugin and its contract test compile against those jars alone, with
 * nothing of this build on the class path but the third-party libraries a plugin's build gets from Maven Central.
 */
class ReleaseRepositoryTest {

    private static final Path REPO = Path.of(System.getProperty("channelhub.root", "..")).resolve(
            "target/release-repo/io/channelhub");

    @TempDir
    Path work;

    private static Path artifact(String id, String classifier, String extension) {
        return REPO.resolve(id).resolve(PluginApi.VERSION).resolve(id + "-" + PluginApi.VERSION
                + (classifier == null ? "" : "-" + classifier) + "." + extension);
    }

    @Test
    void pluginApiAndTheTestKitArePublishedWithSourcesJavadocAndStandalonePoms() throws IOException {
        for (String id : List.of("plugin-api", "plugin-testkit")) {
            for (String classifier : new String[] {null, "sources", "javadoc"}) {
                assertThat(artifact(id, classifier, "jar")).as(id + " " + classifier
                        + " (written by mvn verify; run it online or offline from the root)").isRegularFile();
            }
            String pom = Files.readString(artifact(id, null, "pom"));
            assertThat(pom).as(id + "'s pom must resolve without this build's parent").doesNotContain("<parent>")
                    .contains("<groupId>io.channelhub</groupId>", "<version>" + PluginApi.VERSION + "</version>");
            Matcher unresolved = Pattern.compile("\\$\\{[^}]+}").matcher(pom);
            assertThat(unresolved.find()).as(id + "'s pom has every version resolved").isFalse();
        }
        try (JarFile sources = new JarFile(artifact("plugin-api", "sources", "jar").toFile());
             JarFile javadoc = new JarFile(artifact("plugin-api", "javadoc", "jar").toFile())) {
            assertThat(sources.getEntry("io/channelhub/plugin/channel/ChannelConnector.java")).isNotNull();
            assertThat(javadoc.getEntry("io/channelhub/plugin/channel/ChannelConnector.html")).isNotNull();
            assertThat(new String(javadoc.getInputStream(javadoc.getEntry("index.html")).readAllBytes(),
                    StandardCharsets.UTF_8)).contains("Semantic Versioning");
        }
        assertThat(Files.readString(artifact("plugin-testkit", null, "pom"))).containsPattern(
                "<artifactId>plugin-api</artifactId>\\s*<version>" + Pattern.quote(PluginApi.VERSION)
                        + "</version>\\s*<scope>provided</scope>");
    }

    @Test
    void aPluginAndItsContractTestCompileAgainstThePublishedJarsAlone() throws IOException {
        Path src = Files.createDirectories(work.resolve("src/com/example/echo"));
        Files.writeString(src.resolve("EchoChannel.java"), """
                package com.example.echo;

                import io.channelhub.plugin.*;
                import io.channelhub.plugin.channel.*;
                import java.util.*;

                public class EchoChannel implements ChannelConnector {
                    public ChannelDescriptor descriptor() {
                        return new ChannelDescriptor("echo", "Echo", Set.of(), SettingsSchema.empty(), null, 1);
                    }
                    public InboundResult handleInbound(InboundRequest request, InboundScope scope) {
                        return InboundResult.answerOnly(HttpAnswer.status(400));
                    }
                    public SendResult send(OutboundMessage message, PluginContext context) {
                        return new SendResult.Permanent("unsupported", "echo sends nothing");
                    }
                }
                """);
        Files.writeString(src.resolve("EchoContractTest.java"), """
                package com.example.echo;

                import io.channelhub.plugin.InboundRequest;
                import io.channelhub.plugin.channel.ChannelConnector;
                import io.channelhub.plugin.testing.*;
                import java.util.Map;

                class EchoContractTest extends ChannelConnectorContract {
                    protected ChannelConnector connector() { return new EchoChannel(); }
                    protected FakePluginContext context() { return FakePluginContext.forInstance("echo", Map.of()); }
                    protected InboundRequest genuineInbound(FakePluginContext c) { return null; }
                    protected InboundRequest forgedInbound(FakePluginContext c) { return null; }
                    protected ProviderAnswer sendAccepted() { return new ProviderAnswer(200, "{}"); }
                    protected ProviderAnswer sendRefused() { return new ProviderAnswer(400, "{}"); }
                }
                """);
        // The published jars, and from this build's class path only the third-party libraries (pf4j, slf4j, JUnit).
        List<String> classpath = new ArrayList<>(List.of(artifact("plugin-api", null, "jar").toString(),
                artifact("plugin-testkit", null, "jar").toString()));
        for (String entry : System.getProperty("java.class.path").split(java.io.File.pathSeparator)) {
            String name = Path.of(entry).getFileName().toString();
            if (name.startsWith("pf4j-") || name.startsWith("slf4j-api-") || name.startsWith("junit-jupiter-api-")
                    || name.startsWith("opentest4j-") || name.startsWith("apiguardian-")
                    || name.startsWith("junit-platform-commons-")) {
                classpath.add(entry);
            }
        }
        JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
        java.io.ByteArrayOutputStream errors = new java.io.ByteArrayOutputStream();
        int rc = javac.run(null, null, errors, "-d", Files.createDirectories(work.resolve("classes")).toString(),
                "-classpath", String.join(java.io.File.pathSeparator, classpath), "--release", "17",
                "-proc:none", src.resolve("EchoChannel.java").toString(), src.resolve("EchoContractTest.java")
                        .toString());
        assertThat(rc).as(errors.toString(StandardCharsets.UTF_8)).isZero();
    }
}
