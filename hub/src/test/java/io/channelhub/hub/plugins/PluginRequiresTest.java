package io.channelhub.hub.plugins;

import static org.assertj.core.api.Assertions.assertThat;

import com.tngtech.archunit.core.domain.AccessTarget;
import com.tngtech.archunit.core.domain.JavaAccess;
import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.domain.JavaCodeUnit;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import io.channelhub.hub.support.TestPlugins;
import io.channelhub.plugin.PluginApi;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.jar.JarFile;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every bundled plugin declares in {@code Plugin-Requires} a minimum plugin API that has everything it uses: each
 * type, constructor, method and field of {@code io.channelhub.plugin} its classes reference must exist in every
 * released API from that minimum up (the released jars kept in {@code plugin-api/baseline}, and this build's).
 * Otherwise an older hub that accepts the plugin would fail it with a NoSuchMethodError in the middle of a request.
 * Released APIs older than the oldest kept jar cannot be checked here.
 */
class PluginRequiresTest {

    private static final Path ROOT = Path.of(System.getProperty("channelhub.root", ".."));
    private static final String API = "io.channelhub.plugin.";
    private static final Pattern LOWER = Pattern.compile(">=\\s*(\\d+\\.\\d+\\.\\d+)");

    @TempDir
    Path work;

    /** Released APIs by version: the kept jars, and this build's classes as the current version. */
    private static Map<String, JavaClasses> releases() throws IOException {
        Map<String, JavaClasses> out = new TreeMap<>(PluginRequiresTest::compare);
        try (Stream<Path> jars = Files.list(ROOT.resolve("plugin-api/baseline"))) {
            for (Path jar : jars.filter(p -> p.toString().endsWith(".jar")).toList()) {
                Matcher m = Pattern.compile("plugin-api-(\\d+\\.\\d+\\.\\d+)\\.jar").matcher(jar.getFileName()
                        .toString());
                if (m.matches()) {
                    try (JarFile file = new JarFile(jar.toFile())) {
                        out.put(m.group(1), new ClassFileImporter().importJar(file));
                    }
                }
            }
        }
        out.put(PluginApi.VERSION, new ClassFileImporter().importPath(ROOT.resolve("plugin-api/target/classes")));
        return out;
    }

    static int compare(String a, String b) {
        String[] x = a.split("\\.");
        String[] y = b.split("\\.");
        for (int i = 0; i < 3; i++) {
            int c = Integer.compare(Integer.parseInt(x[i]), Integer.parseInt(y[i]));
            if (c != 0) {
                return c;
            }
        }
        return 0;
    }

    /** What of the plugin API {@code plugin}'s classes use that {@code api} lacks, as readable names. */
    static Set<String> missing(JavaClasses plugin, JavaClasses api) {
        Set<String> out = new TreeSet<>();
        for (JavaClass c : plugin) {
            for (JavaAccess<?> access : c.getAccessesFromSelf()) {
                AccessTarget target = access.getTarget();
                String owner = target.getOwner().getName();
                if (!owner.startsWith(API)) {
                    continue;
                }
                if (!api.contain(owner)) {
                    out.add(owner);
                } else if (!exists(api.get(owner), target)) {
                    out.add(owner + "." + target.getName() + params(target));
                }
            }
            c.getDirectDependenciesFromSelf().stream().map(d -> d.getTargetClass().getBaseComponentType().getName())
                    .filter(n -> n.startsWith(API) && !api.contain(n)).forEach(out::add);
        }
        return out;
    }

    private static boolean exists(JavaClass owner, AccessTarget target) {
        if (target instanceof AccessTarget.FieldAccessTarget) {
            return owner.getAllFields().stream().anyMatch(f -> f.getName().equals(target.getName()));
        }
        List<String> wanted = target instanceof AccessTarget.CodeUnitAccessTarget cu
                ? cu.getRawParameterTypes().stream().map(JavaClass::getName).toList() : List.of();
        if (target instanceof AccessTarget.ConstructorCallTarget) {
            return owner.getConstructors().stream().anyMatch(k -> names(k).equals(wanted));
        }
        if (Set.of("equals", "hashCode", "toString", "getClass", "values", "valueOf", "ordinal", "name",
                "compareTo").contains(target.getName()) && !owner.getAllMethods().isEmpty()
                && owner.getAllMethods().stream().noneMatch(m -> m.getName().equals(target.getName()))) {
            // Object's and Enum's own, inherited from outside the API.
            return true;
        }
        return owner.getAllMethods().stream().anyMatch(m -> m.getName().equals(target.getName())
                && names(m).equals(wanted));
    }

    private static List<String> names(JavaCodeUnit unit) {
        return unit.getRawParameterTypes().stream().map(JavaClass::getName).toList();
    }

    private static String params(AccessTarget target) {
        return target instanceof AccessTarget.CodeUnitAccessTarget cu ? "(" + String.join(", ",
                cu.getRawParameterTypes().stream().map(JavaClass::getSimpleName).toList()) + ")" : "";
    }

    /** The lower bound of the plugin's Plugin-Requires, as built into its jar. */
    private static String lowerBound(String pluginId) throws IOException {
        Path dist = ROOT.resolve("target/channelhub/plugins");
        try (Stream<Path> jars = Files.list(dist)) {
            Path jar = jars.filter(p -> p.getFileName().toString().startsWith(pluginId + "-")).findFirst()
                    .orElseThrow(() -> new AssertionError("no jar of " + pluginId + " in " + dist));
            try (JarFile file = new JarFile(jar.toFile())) {
                String requires = file.getManifest().getMainAttributes().getValue("Plugin-Requires");
                Matcher m = LOWER.matcher(requires);
                assertThat(m.find()).as(pluginId + " Plugin-Requires has a lower bound: " + requires).isTrue();
                return m.group(1);
            }
        }
    }

    @Test
    void everyBundledPluginRequiresAnApiWithEverythingItUses() throws IOException {
        Map<String, JavaClasses> releases = releases();
        List<String> problems = new ArrayList<>();
        List<String> checked = new ArrayList<>();
        try (Stream<Path> dirs = Files.list(ROOT.resolve("plugins"))) {
            for (Path dir : dirs.filter(d -> !Set.of("testkit", "archetype").contains(d.getFileName().toString()))
                    .filter(d -> Files.isDirectory(d.resolve("target/classes"))).sorted().toList()) {
                String id = dir.getFileName().toString();
                String lower = lowerBound(id);
                JavaClasses classes = new ClassFileImporter().importPath(dir.resolve("target/classes"));
                for (Map.Entry<String, JavaClasses> r : releases.entrySet()) {
                    if (compare(r.getKey(), lower) < 0) {
                        continue;
                    }
                    Set<String> lacking = missing(classes, r.getValue());
                    if (!lacking.isEmpty()) {
                        problems.add(id + " requires >=" + lower + " but uses what " + r.getKey() + " lacks: "
                                + lacking);
                    }
                    checked.add(id + "@" + r.getKey());
                }
            }
        }
        assertThat(problems).isEmpty();
        assertThat(checked).as("each plugin checked against the current API at least")
                .anyMatch(c -> c.startsWith("channel-web@")).anyMatch(c -> c.startsWith("channel-whatsapp@"));
    }

    @Test
    void aPluginUsingWhatItsMinimumLacksIsCaught() throws IOException {
        // Compiled against this build's API: a turn observer (new in 1.4.0) and an annotation (Conversations, 1.4.0).
        Path src = work.resolve("src/obs/Seen.java");
        Files.createDirectories(src.getParent());
        Files.writeString(src, "package obs;\n"
                + "public class Seen implements io.channelhub.plugin.turn.TurnObserver {\n"
                + "  public String id() { return \"seen\"; }\n"
                + "  public void observe(io.channelhub.plugin.turn.CompletedTurn t, io.channelhub.plugin.PluginContext c) {\n"
                + "    c.conversations().annotate(t.conversationId(), \"seen\", \"yes\");\n"
                + "    c.metering().record(\"seen\", 1, \"turn\", t.turnId());\n"
                + "  }\n}\n");
        Path classes = Files.createDirectories(work.resolve("classes"));
        TestPlugins.compile(List.of(src.toString()), classes);
        JavaClasses plugin = new ClassFileImporter().importPath(classes);
        Map<String, JavaClasses> releases = releases();
        Optional<String> older = releases.keySet().stream().filter(v -> compare(v, "1.4.0") < 0).findFirst();
        assertThat(older).as("a released API before 1.4.0 is kept").isPresent();
        Set<String> lacking = missing(plugin, releases.get(older.get()));
        assertThat(lacking).contains("io.channelhub.plugin.turn.TurnObserver",
                "io.channelhub.plugin.turn.CompletedTurn",
                "io.channelhub.plugin.Conversations.annotate(String, String, String)")
                .doesNotContain("io.channelhub.plugin.Metering.record(String, long, String, String)");
        assertThat(missing(plugin, releases.get(PluginApi.VERSION))).isEmpty();
    }
}
