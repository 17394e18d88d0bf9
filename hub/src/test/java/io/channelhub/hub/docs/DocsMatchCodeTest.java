package io.channelhub.hub.docs;

import static org.assertj.core.api.Assertions.assertThat;

import io.channelhub.hub.acl.ResourceType;
import io.channelhub.hub.errors.ApiException;
import io.channelhub.hub.errors.HubFailure;
import io.channelhub.plugin.PluginApi;
import io.channelhub.plugin.SettingDefinition;
import java.lang.reflect.Method;
import java.lang.reflect.ParameterizedType;
import java.lang.reflect.RecordComponent;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.pf4j.DefaultVersionManager;

/**
 * Statements of docs/ that the code can check without a running hub: the plugin API version, the example
 * {@code Plugin-Requires} range and the range forms the guide explains, the resource types, the status of each
 * failure kind, and the signature of {@code SettingDefinition.options}.
 */
class DocsMatchCodeTest {

    private static final Path ROOT = Path.of(System.getProperty("channelhub.root", ".."));
    private static final DefaultVersionManager PF4J = new DefaultVersionManager();

    static String read(String file) throws Exception {
        return Files.readString(ROOT.resolve(file));
    }

    static List<String> all(Pattern p, String text) {
        List<String> out = new ArrayList<>();
        Matcher m = p.matcher(text);
        while (m.find()) {
            out.add(m.group(1));
        }
        return out;
    }

    /** The backticked names of the first sentence that starts with {@code marker}. */
    static Set<String> namesAfter(String doc, String marker) {
        String text = doc.replaceAll("\\s+", " ");
        int at = text.indexOf(marker);
        assertThat(at).as("'" + marker + "' in the doc").isNotNegative();
        String sentence = text.substring(at + marker.length(), text.indexOf('.', at + marker.length()));
        return Set.copyOf(all(Pattern.compile("`([a-z_]+)`"), sentence));
    }

    static Set<String> namesBetween(String doc, String from, String to) {
        Matcher m = Pattern.compile(Pattern.quote(from) + "(.*?)" + Pattern.quote(to))
                .matcher(doc.replaceAll("\\s+", " "));
        assertThat(m.find()).as("'" + from + " ... " + to + "' in the doc").isTrue();
        return Set.copyOf(all(Pattern.compile("`([a-z_]+)`"), m.group(1)));
    }

    @Test
    void theDocsStateThePluginApiVersionOfThisBuild() throws Exception {
        String pom = read("pom.xml");
        Matcher property = Pattern.compile("<channelhub.plugin-api.version>([^<]+)<").matcher(pom);
        assertThat(property.find()).isTrue();
        assertThat(property.group(1)).isEqualTo(PluginApi.VERSION);
        // plugin-api, plugin-testkit and the archetype are published with the API's version, in their own poms.
        for (String module : List.of("plugin-api/pom.xml", "plugins/testkit/pom.xml", "plugins/archetype/pom.xml")) {
            assertThat(read(module)).as(module).contains("<version>" + PluginApi.VERSION + "</version>");
        }

        String guide = read("docs/plugins.md");
        List<String> stated = new ArrayList<>();
        stated.addAll(all(Pattern.compile("plugin API \\*\\*(\\d+\\.\\d+\\.\\d+)\\*\\*"), guide));
        stated.addAll(all(Pattern.compile("currently \\*\\*(\\d+\\.\\d+\\.\\d+)\\*\\*"), guide));
        stated.addAll(all(Pattern.compile("this hub provides (\\d+\\.\\d+\\.\\d+)"), guide));
        stated.addAll(all(Pattern.compile("The plugin API version \\(`(\\d+\\.\\d+\\.\\d+)`\\)"), guide));
        assertThat(stated).hasSizeGreaterThanOrEqualTo(4).containsOnly(PluginApi.VERSION);

        List<String> architecture = all(Pattern.compile("currently \\*\\*(\\d+\\.\\d+\\.\\d+)\\*\\*"),
                read("docs/architecture.md"));
        assertThat(architecture).isNotEmpty().containsOnly(PluginApi.VERSION);
    }

    @Test
    void theGuidesPluginRequiresAcceptsThisHubButNeitherAnOlderMinorNorTheNextMajor() throws Exception {
        String guide = read("docs/plugins.md");
        Matcher m = Pattern.compile("<Plugin-Requires>([^<]+)</Plugin-Requires>").matcher(guide);
        assertThat(m.find()).as("the example pom's Plugin-Requires").isTrue();
        String range = m.group(1).replace("&gt;", ">").replace("&lt;", "<").replace("&amp;", "&");

        assertThat(PF4J.checkVersionConstraint(PluginApi.VERSION, range)).as(range + " on this hub").isTrue();
        // The example calls ChannelDescriptor's 1.1.0 constructor: a 1.0.0 hub would start it and then fail.
        assertThat(guide).contains("SCHEMA, null, 10.0, null, 1000)");
        assertThat(PF4J.checkVersionConstraint("1.0.0", range)).as(range + " on a 1.0.0 hub").isFalse();
        assertThat(PF4J.checkVersionConstraint("1.9.0", range)).as(range + " on a later minor").isTrue();
        assertThat(PF4J.checkVersionConstraint("2.0.0", range)).as(range + " on the next major").isFalse();
        assertThat(guide).as("the admin API example shows the same range").contains("\"requires\": \"" + range + "\"");
    }

    /** The range forms the guide explains mean what it says they mean. */
    @Test
    void theRangeFormsTheGuideExplainsBehaveAsItSays() throws Exception {
        String guide = read("docs/plugins.md");
        assertThat(guide).contains("`^1.1.0` (the same range)", "`~1.1` (1.1.x only", "`1.x`");
        for (String v : List.of("1.1.0", "1.1.7", "1.9.0")) {
            assertThat(PF4J.checkVersionConstraint(v, "^1.1.0")).as("^1.1.0 on " + v).isTrue();
            assertThat(PF4J.checkVersionConstraint(v, ">=1.1.0 & <2.0.0")).isTrue();
        }
        for (String v : List.of("1.0.0", "2.0.0")) {
            assertThat(PF4J.checkVersionConstraint(v, "^1.1.0")).as("^1.1.0 on " + v).isFalse();
        }
        assertThat(PF4J.checkVersionConstraint("1.1.7", "~1.1")).isTrue();
        assertThat(PF4J.checkVersionConstraint("1.2.0", "~1.1")).as("~1.1 refuses 1.2").isFalse();
        assertThat(PF4J.checkVersionConstraint("1.0.0", "1.x")).isTrue();
        assertThat(PF4J.checkVersionConstraint("2.0.0", "1.x")).isFalse();
    }

    @Test
    void theResourceTypesOfArchitectureMdAreThoseOfTheCode() throws Exception {
        String architecture = read("docs/architecture.md");
        Set<String> named = namesAfter(architecture, "**Resource types** (`ResourceType`):");
        Set<String> code = Arrays.stream(ResourceType.values()).map(ResourceType::wire).collect(Collectors.toSet());
        assertThat(named).isEqualTo(code);
        Set<String> grantable = namesAfter(architecture, "and grants work on them:");
        assertThat(code).containsAll(grantable);
        assertThat(grantable).isNotEmpty().contains("channel_instance");
        Set<String> withoutResources = namesBetween(architecture, "a grant on", "finds no resource");
        assertThat(withoutResources).as("the types grants do not work on").isEqualTo(code.stream()
                .filter(t -> !grantable.contains(t)).collect(Collectors.toSet()));
    }

    @Test
    void theFailureKindTableIsTheMappingTheWebLayerUses() throws Exception {
        Map<String, Integer> documented = new LinkedHashMap<>();
        Matcher row = Pattern.compile("(?m)^\\| `([A-Z_]+)` \\| (\\d{3}) \\|").matcher(read("docs/architecture.md"));
        while (row.find()) {
            documented.put(row.group(1), Integer.valueOf(row.group(2)));
        }
        Map<String, Integer> code = new LinkedHashMap<>();
        for (HubFailure.Kind kind : HubFailure.Kind.values()) {
            code.put(kind.name(), ApiException.from(new HubFailure(kind, "code", "message", Map.of()) {
            }).status());
        }
        assertThat(documented).isEqualTo(code);
    }

    @Test
    void settingDefinitionOptionsHaveTheDocumentedSignature() throws Exception {
        String guide = read("docs/plugins.md");
        assertThat(guide).contains("`List<String> options()`", "`Builder options(String... values)`");

        RecordComponent options = Arrays.stream(SettingDefinition.class.getRecordComponents())
                .filter(c -> c.getName().equals("options")).findFirst().orElseThrow();
        assertThat(options.getType()).isEqualTo(List.class);
        assertThat(((ParameterizedType) options.getGenericType()).getActualTypeArguments()).containsExactly(String.class);
        Method builder = SettingDefinition.Builder.class.getMethod("options", String[].class);
        assertThat(builder.isVarArgs()).isTrue();
        assertThat(builder.getReturnType()).isEqualTo(SettingDefinition.Builder.class);
    }
}
