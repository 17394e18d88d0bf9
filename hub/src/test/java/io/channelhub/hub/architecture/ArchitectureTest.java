package io.channelhub.hub.architecture;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.classes;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noMethods;
import static com.tngtech.archunit.library.Architectures.layeredArchitecture;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;
import static org.assertj.core.api.Assertions.assertThat;

import com.tngtech.archunit.base.DescribedPredicate;
import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.domain.JavaMethod;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.lang.ArchRule;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * The shape of the core, held in the suite: {@code hub.web} on top (resources, filters, error mappers, SSE), the
 * domain packages below it, each one concern, the foundation under them, and no cycle anywhere. A walk of one
 * message goes down the layers.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ArchitectureTest {

    static final String HUB = "io.channelhub.hub";
    static final String[] FOUNDATION = {HUB + ".persistence..", HUB + ".redis..", HUB + ".observability..",
            HUB + ".errors..", HUB + ".identity..", HUB + ".concurrency..", HUB + ".security..", HUB + ".settings.."};
    static final String[] DOMAIN = {HUB + ".acl..", HUB + ".agents..", HUB + ".audit..", HUB + ".auth..",
            HUB + ".billing..", HUB + ".channels..", HUB + ".console..", HUB + ".contacts..",
            HUB + ".conversations..", HUB + ".delivery..", HUB + ".knowledge..", HUB + ".leads..", HUB + ".limits..",
            HUB + ".llm..",
            HUB + ".media..",
            HUB + ".metering..", HUB + ".plugins..", HUB + ".privacy..", HUB + ".tenancy..", HUB + ".webhooks.."};
    static final String[] HTTP = {HUB + ".web..", "jakarta.ws.rs..", "jakarta.servlet..", "org.glassfish.jersey..",
            "org.eclipse.jetty..", "io.dropwizard.jersey..", "io.dropwizard.auth.."};

    private JavaClasses hub;

    @BeforeAll
    void importHub() {
        hub = new ClassFileImporter().withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
                .importPackages(HUB);
        assertThat(hub).as("hub classes").hasSizeGreaterThan(200);
    }

    @Test
    void noCyclesBetweenHubPackages() {
        slices().matching(HUB + ".(**)").should().beFreeOfCycles().check(hub);
    }

    @Test
    void everyPackageHasItsLayer() {
        classes().should().resideInAnyPackage(concat(List.of(HUB, HUB + ".web.."), DOMAIN, FOUNDATION)).check(hub);
    }

    @Test
    void theDomainKnowsNoHttp() {
        noClasses().that().resideInAnyPackage(concat(List.of(), DOMAIN, FOUNDATION))
                .should().dependOnClassesThat().resideInAnyPackage(HTTP).check(hub);
    }

    /**
     * Plugin code is reached only through the platform, which hands out guarded extensions (PluginGuard: spans,
     * metrics, timeouts): nothing else loads plugins or asks pf4j for extensions, and no one takes the guard off.
     */
    @Test
    void onlyThePluginPlatformReachesPluginCode() {
        noClasses().that().resideOutsideOfPackage(HUB + ".plugins")
                .should().dependOnClassesThat().resideInAnyPackage("org.pf4j..")
                .because("the plugin platform is the one way to plugin code").check(hub);
        noClasses().that().doNotHaveFullyQualifiedName(HUB + ".plugins.PluginPlatform")
                .and().doNotHaveFullyQualifiedName(HUB + ".plugins.HubPluginManager")
                .should().dependOnClassesThat().haveFullyQualifiedName(HUB + ".plugins.HubPluginManager")
                .check(hub);
        noClasses().that().resideOutsideOfPackage(HUB + ".plugins")
                .should().callMethod(HUB + ".plugins.PluginGuard", "unwrap", Object.class.getName())
                .check(hub);
    }

    @Test
    void layersAreUsedFromAboveOnly() {
        layeredArchitecture().consideringOnlyDependenciesInLayers()
                .layer("Wiring").definedBy(HUB)
                .layer("Web").definedBy(HUB + ".web..")
                .layer("Domain").definedBy(DOMAIN)
                .layer("Foundation").definedBy(FOUNDATION)
                .whereLayer("Wiring").mayNotBeAccessedByAnyLayer()
                .whereLayer("Web").mayOnlyBeAccessedByLayers("Wiring")
                .whereLayer("Domain").mayOnlyBeAccessedByLayers("Web", "Wiring")
                .check(hub);
    }

    /**
     * HTTP errors are the web layer's: below it the hub throws its own failures ({@code errors.HubFailure}), and
     * the web layer gives them a status. {@code errors} itself holds both, and the one mapping between them.
     */
    @Test
    void theDomainThrowsNoHttpErrors() {
        ArchRule rule = noClasses().that().resideInAnyPackage(concat(List.of(), DOMAIN, FOUNDATION))
                .and().resideOutsideOfPackage(HUB + ".errors..")
                .should().dependOnClassesThat().haveFullyQualifiedName(HUB + ".errors.ApiException")
                .as("classes below the web layer do not use ApiException (an HTTP error)");
        rule.check(hub);
    }

    /**
     * Collaborators come through constructors, so no object is ever half wired: no {@code attach(...)} or
     * {@code cacheWith(...)} taking the hub's own collaborators. ({@code attach} for attaching a file stays a word.)
     */
    @Test
    void noWiringSetters() {
        DescribedPredicate<JavaMethod> takesCollaborators = DescribedPredicate.describe("takes hub collaborators",
                m -> !m.getRawParameterTypes().isEmpty() && m.getRawParameterTypes().stream()
                        .allMatch(t -> t.getPackageName().startsWith(HUB)));
        noMethods().that().areDeclaredInClassesThat().resideInAPackage(HUB + "..").and(takesCollaborators)
                .should().haveNameMatching("attach|cacheWith")
                .as("no attach(...) or cacheWith(...) wiring setters").check(hub);
    }

    /** Plugins are built against the plugin API only: never the hub, its libraries or each other. */
    @Test
    void pluginsDependOnlyOnThePluginApi() throws Exception {
        Path root = Path.of(System.getProperty("channelhub.root", ".."));
        List<Path> built;
        try (Stream<Path> dirs = Files.list(root.resolve("plugins"))) {
            // plugins/testkit is a library for plugins' tests, held to its own rule below; plugins/archetype holds
            // templates, not classes.
            built = dirs.filter(d -> !List.of("testkit", "archetype").contains(d.getFileName().toString()))
                    .map(d -> d.resolve("target/classes")).filter(Files::isDirectory).toList();
        }
        assertThat(built).as("plugin classes (the build compiles the plugins before the hub)").hasSize(6);
        // A third party's test classpath has the plugin API, the JDK and slf4j; the kit may use nothing else.
        Path kit = root.resolve("plugins/testkit/target/classes");
        assertThat(kit).isDirectory();
        // com.sun.net.httpserver: the JDK's own HTTP server (module jdk.httpserver), the model contract's fake.
        classes().should().onlyDependOnClassesThat().resideInAnyPackage("io.channelhub.plugin..", "java..",
                "javax.net..", "com.sun.net.httpserver..", "org.slf4j..", "org.junit.jupiter.api..",
                "org.opentest4j..").as("the plugin test kit depends only on the plugin API, the JDK, slf4j and "
                + "JUnit 5").check(
                new ClassFileImporter().importPath(kit));
        for (Path dir : built) {
            JavaClasses plugin = new ClassFileImporter().importPath(dir);
            // A plugin's own packages, and no other plugin's: each jar is loaded by its own class loader.
            String[] own = plugin.stream().map(c -> c.getPackageName() + "..").distinct().toArray(String[]::new);
            classes().should().onlyDependOnClassesThat().resideInAnyPackage(concat(List.of(
                    "io.channelhub.plugin..", "java..", "javax.crypto..", "org.pf4j..", "org.slf4j..",
                    "com.fasterxml.jackson.jr..", "org.apache.lucene.."), own)).as("classes of "
                    + dir.getParent().getParent().getFileName() + " depend only on the plugin API, the JDK, pf4j, "
                    + "slf4j and the libraries they ship (jackson-jr, Lucene)")
                    .check(plugin);
        }
    }

    private static String[] concat(List<String> first, String[]... rest) {
        Stream<String> s = first.stream();
        for (String[] r : rest) {
            s = Stream.concat(s, Stream.of(r));
        }
        return s.toArray(String[]::new);
    }
}
