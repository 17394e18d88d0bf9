package io.channelhub.hub.docs;

import static org.assertj.core.api.Assertions.assertThat;

import io.channelhub.hub.plugins.PluginPlatform;
import io.channelhub.hub.plugins.PluginState;
import io.channelhub.hub.plugins.PluginStatus;
import io.channelhub.hub.support.TestPlugins;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import javax.xml.parsers.DocumentBuilderFactory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.w3c.dom.Element;
import org.w3c.dom.Node;

/**
 * docs/plugins.md is checked the way a plugin author would use it: its example plugin is built from the code blocks
 * of the guide (sources compiled, manifest taken from the guide's pom) and dropped into a plugins directory; the
 * bundled plugins, built by the reactor as the guide says, are loaded from the runnable layout.
 */
class PluginGuideTest {

    private static final Path ROOT = Path.of(System.getProperty("channelhub.root", ".."));
    private static final Pattern BLOCK = Pattern.compile("```(\\w+) file=(\\S+)\\n(.*?)\\n```", Pattern.DOTALL);

    @TempDir
    Path work;

    private static Map<String, String> blocks() throws Exception {
        String guide = Files.readString(ROOT.resolve("docs/plugins.md"));
        Map<String, String> files = new LinkedHashMap<>();
        Matcher m = BLOCK.matcher(guide);
        while (m.find()) {
            files.put(m.group(2), m.group(3));
        }
        return files;
    }

    /** The guide's Java blocks that are not files of the example: fragments a reader copies into a plugin. */
    private static List<String> snippets() throws Exception {
        String guide = Files.readString(ROOT.resolve("docs/plugins.md"));
        List<String> out = new ArrayList<>();
        Matcher m = Pattern.compile("```java\\n(.*?)\\n```", Pattern.DOTALL).matcher(guide);
        while (m.find()) {
            out.add(m.group(1));
        }
        return out;
    }

    /**
     * Every Java fragment of the guide compiles against the plugin API as a reader would use it: a member (an
     * {@code @Override} method) inside a channel connector, statements inside a method of one, with the names the
     * prose gives them ({@code context}, {@code settings}, {@code event}, ...) in scope.
     */
    @Test
    void everyJavaFragmentOfTheGuideCompiles() throws Exception {
        List<String> fragments = snippets();
        assertThat(fragments).hasSizeGreaterThanOrEqualTo(6);
        String imports = "import io.channelhub.plugin.*;\nimport io.channelhub.plugin.channel.*;\n"
                + "import io.channelhub.plugin.billing.*;\nimport io.channelhub.plugin.model.*;\n"
                + "import io.channelhub.plugin.privacy.*;\nimport io.channelhub.plugin.turn.*;\n"
                + "import io.channelhub.plugin.knowledge.*;\nimport java.io.IOException;\nimport java.net.URI;\n"
                + "import java.net.http.*;\nimport java.nio.charset.StandardCharsets;\nimport java.util.*;\n";
        List<String> files = new ArrayList<>();
        for (int i = 0; i < fragments.size(); i++) {
            String code = fragments.get(i).strip();
            String body;
            if (code.startsWith("@Override") || code.startsWith("public ")) {
                body = code;
            } else {
                String last = code.lines().reduce((a, b) -> b).orElse("").strip();
                boolean returns = code.lines().anyMatch(l -> l.startsWith("return "));
                body = "Object fragment(PluginContext context, Settings settings, InboundEvent event, "
                        + "MessageReceived messageReceived, Map<String, String> corsHeaders, boolean acceptsEventStream, "
                        + "boolean genuine, long segments, String messageId) throws Exception {\n" + code + "\n"
                        + (returns && !last.endsWith("}") ? "" : "return null;\n") + "}";
            }
            Path f = work.resolve("snippets/doc/Fragment" + i + ".java");
            Files.createDirectories(f.getParent());
            Files.writeString(f, "package doc;\n" + imports + "abstract class Fragment" + i
                    + " implements io.channelhub.plugin.channel.ChannelConnector {\n" + body + "\n}\n");
            files.add(f.toString());
        }
        TestPlugins.compile(files, Files.createDirectories(work.resolve("snippet-classes")));
    }

    private static Map<String, String> manifestEntries(String pom) throws Exception {
        var doc = DocumentBuilderFactory.newInstance().newDocumentBuilder()
                .parse(new ByteArrayInputStream(pom.getBytes(StandardCharsets.UTF_8)));
        Map<String, String> entries = new LinkedHashMap<>();
        Node me = doc.getElementsByTagName("manifestEntries").item(0);
        assertThat(me).as("the guide's pom configures manifestEntries").isNotNull();
        for (Node n = me.getFirstChild(); n != null; n = n.getNextSibling()) {
            if (n instanceof Element e) {
                entries.put(e.getTagName(), e.getTextContent().trim());
            }
        }
        return entries;
    }

    @Test
    void theGuidesExamplePluginBuildsAndStarts() throws Exception {
        Map<String, String> files = blocks();
        assertThat(files).containsKey("pom.xml");
        List<String> sources = new ArrayList<>();
        for (var e : files.entrySet()) {
            Path p = work.resolve("project").resolve(e.getKey());
            Files.createDirectories(p.getParent());
            Files.writeString(p, e.getValue());
            if (p.toString().endsWith(".java")) {
                sources.add(p.toString());
            }
        }
        assertThat(sources).isNotEmpty();
        Path classes = Files.createDirectories(work.resolve("classes"));
        TestPlugins.compile(sources, classes);
        assertThat(classes.resolve("META-INF/extensions.idx")).exists();
        Map<String, String> manifest = manifestEntries(files.get("pom.xml"));
        assertThat(manifest).containsKeys("Plugin-Id", "Plugin-Version", "Plugin-Requires");
        Path plugins = Files.createDirectories(work.resolve("plugins"));
        TestPlugins.writeJar(plugins.resolve("hello.jar"), classes, manifest);

        PluginPlatform platform = new PluginPlatform(plugins);
        platform.start();
        try {
            PluginStatus s = platform.status(manifest.get("Plugin-Id")).orElseThrow();
            assertThat(s.state()).as(String.valueOf(s.reason())).isEqualTo(PluginState.STARTED);
            var connector = platform.connector(s.id()).orElseThrow();
            assertThat(connector.descriptor().type()).isEqualTo("hello");
            assertThat(connector.descriptor().settingsSchema().settings()).isNotEmpty();
        } finally {
            platform.stop();
        }
    }

    private static boolean isPlugin(Path pom) {
        try {
            String text = Files.readString(pom);
            String parent = text.substring(text.indexOf("<parent>"), text.indexOf("</parent>"));
            return parent.contains("<artifactId>channelhub-plugins</artifactId>");
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    @Test
    void theBundledPluginsOfTheRunnableLayoutStart() throws Exception {
        Path dist = Path.of(System.getProperty("channelhub.dist", "../target/channelhub")).resolve("plugins");
        List<String> bundled;
        try (Stream<Path> s = Files.list(ROOT.resolve("plugins"))) {
            // A bundled plugin is a child of channelhub-plugins; plugins/testkit is a library beside them.
            bundled = s.filter(p -> Files.exists(p.resolve("pom.xml")) && isPlugin(p.resolve("pom.xml")))
                    .map(p -> p.getFileName().toString()).sorted().toList();
        }
        assertThat(bundled).contains("channel-web", "channel-whatsapp", "billing-asaas", "compliance-privacy");
        PluginPlatform platform = new PluginPlatform(dist);
        platform.start();
        try {
            for (String id : bundled) {
                PluginStatus s = platform.status(id).orElseThrow(() -> new AssertionError(id + " not in " + dist));
                assertThat(s.state()).as(id + ": " + s.reason()).isEqualTo(PluginState.STARTED);
                // Every bundled plugin uses what came in 1.1.0, so its range must refuse a 1.0.0 hub.
                var versions = new org.pf4j.DefaultVersionManager();
                assertThat(versions.checkVersionConstraint(io.channelhub.plugin.PluginApi.VERSION, s.requires()))
                        .as(id + " " + s.requires()).isTrue();
                assertThat(versions.checkVersionConstraint("1.0.0", s.requires())).as(id + " " + s.requires())
                        .isFalse();
                assertThat(versions.checkVersionConstraint("2.0.0", s.requires())).as(id + " " + s.requires())
                        .isFalse();
            }
        } finally {
            platform.stop();
        }
    }
}
