package io.channelhub.plugins.knowledge;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.channelhub.plugin.PluginApi;
import io.channelhub.plugin.knowledge.IndexHit;
import io.channelhub.plugin.knowledge.IndexQuery;
import io.channelhub.plugin.knowledge.IndexScope;
import io.channelhub.plugin.knowledge.IndexedChunk;
import io.channelhub.plugin.knowledge.IndexedFile;
import io.channelhub.plugin.knowledge.KnowledgeIndex;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.jar.Attributes;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.pf4j.DefaultPluginManager;
import org.pf4j.PluginClassLoader;
import org.pf4j.PluginState;
import org.pf4j.PluginWrapper;
import org.pf4j.RuntimeMode;

/**
 * The packaged plugin jar as the hub loads it: through pf4j, with Lucene nowhere on the class path (the failsafe
 * configuration leaves it out), so Lucene and its SPI services can only come from the shaded jar.
 */
class PluginJarIT {

    static final Path JAR = Path.of(System.getProperty("plugin.jar"));
    static final String ID = "knowledge-lucene";

    @Test
    void theManifestDescribesThePlugin() throws IOException {
        try (JarFile jar = new JarFile(JAR.toFile())) {
            Attributes main = jar.getManifest().getMainAttributes();
            assertThat(main.getValue("Plugin-Id")).isEqualTo(ID);
            assertThat(main.getValue("Plugin-Class")).isEqualTo("io.channelhub.plugins.knowledge.LucenePlugin");
            assertThat(main.getValue("Plugin-Version")).isNotBlank();
            assertThat(main.getValue("Plugin-Provider")).isEqualTo("ChannelHub");
            assertThat(main.getValue("Plugin-Requires")).isEqualTo(">=1.3.0 & <2.0.0");
            assertThat(main.getValue("Plugin-Description"))
                    .isEqualTo("Knowledge index: Apache Lucene, hybrid BM25 + vector search");
            assertThat(main.getValue("Multi-Release")).isEqualTo("true");
        }
    }

    @Test
    void theJarCarriesLuceneAndItsServicesButNothingTheHubProvides() throws IOException {
        try (JarFile jar = new JarFile(JAR.toFile())) {
            Set<String> names = jar.stream().map(JarEntry::getName).collect(Collectors.toSet());
            assertThat(names).contains("org/apache/lucene/index/IndexWriter.class",
                    "io/channelhub/plugins/knowledge/LuceneIndex.class",
                    "META-INF/versions/21/org/apache/lucene/store/MemorySegmentIndexInputProvider.class");
            // One signature, the build's: none of a shaded dependency's, which would not match the shaded jar.
            assertThat(names.stream().filter(n -> n.matches("META-INF/[^/]+\\.SF"))).hasSize(1);
            assertThat(names).noneMatch(n -> n.endsWith("module-info.class"))
                    .noneMatch(n -> n.startsWith("io/channelhub/plugin/"))
                    .noneMatch(n -> n.startsWith("org/pf4j/"))
                    .noneMatch(n -> n.startsWith("org/slf4j/"));
            assertThat(read(jar, "META-INF/extensions.idx")).contains("io.channelhub.plugins.knowledge.LuceneIndex");
            assertThat(read(jar, "META-INF/services/org.apache.lucene.codecs.Codec"))
                    .contains("org.apache.lucene.codecs.lucene912.Lucene912Codec");
            assertThat(read(jar, "META-INF/services/org.apache.lucene.codecs.PostingsFormat"))
                    .contains("org.apache.lucene.codecs.lucene912.Lucene912PostingsFormat");
            assertThat(read(jar, "META-INF/services/org.apache.lucene.codecs.KnnVectorsFormat"))
                    .contains("org.apache.lucene.codecs.lucene99.Lucene99HnswVectorsFormat");
        }
    }

    @Test
    void theRunnableLayoutHoldsTheShadedJar() throws IOException {
        Path copy = Path.of(System.getProperty("channelhub.dist.dir"), "plugins").resolve(JAR.getFileName());
        assertThat(copy).exists();
        assertThat(Files.mismatch(copy, JAR)).as("the copy is the shaded jar").isEqualTo(-1L);
    }

    @Test
    void pf4jLoadsStartsAndStopsIt(@TempDir Path plugins) throws Exception {
        assertThatThrownBy(() -> Class.forName("org.apache.lucene.codecs.Codec"))
                .as("Lucene is not on the test class path").isInstanceOf(ClassNotFoundException.class);
        Files.copy(JAR, plugins.resolve(JAR.getFileName()));
        Set<Path> before = indexDirectories();
        DefaultPluginManager pf4j = new DefaultPluginManager(plugins) {
            @Override
            public RuntimeMode getRuntimeMode() {
                return RuntimeMode.DEPLOYMENT;
            }
        };
        pf4j.setSystemVersion(PluginApi.VERSION);
        pf4j.loadPlugins();
        pf4j.startPlugins();
        try {
            PluginWrapper plugin = pf4j.getPlugin(ID);
            assertThat(plugin).isNotNull();
            assertThat(plugin.getPluginState()).as("%s", plugin.getFailedException()).isEqualTo(PluginState.STARTED);
            List<KnowledgeIndex> extensions = pf4j.getExtensions(KnowledgeIndex.class, ID);
            assertThat(extensions).hasSize(1);
            KnowledgeIndex index = extensions.get(0);
            assertThat(index.descriptor().id()).isEqualTo("lucene");

            ClassLoader loader = index.getClass().getClassLoader();
            assertThat(loader).isInstanceOf(PluginClassLoader.class).isSameAs(plugin.getPluginClassLoader());
            Class<?> codec = loader.loadClass("org.apache.lucene.codecs.Codec");
            assertThat(codec.getClassLoader()).isSameAs(loader);
            // Lucene's SPI, as the plugin's class loader sees it.
            assertThat(codec.getMethod("forName", String.class).invoke(null, "Lucene912")).isNotNull();
            assertThat(loader.loadClass("org.apache.lucene.codecs.KnnVectorsFormat").getMethod("forName", String.class)
                    .invoke(null, "Lucene99HnswVectorsFormat")).isNotNull();

            index.put(new IndexedFile("ten_1", "vs_1", "file_1", "info.txt", Map.of("region", "south"), "m",
                    List.of(new IndexedChunk(0, "Opening hours: nine to six.", new float[] {1, 0, 0, 0}),
                            new IndexedChunk(1, "Prices of the premium plan.", new float[] {0, 1, 0, 0}))));
            index.put(new IndexedFile("ten_1", "vs_1", "file_2", "other.txt", Map.of("region", "north"), "m",
                    List.of(new IndexedChunk(0, "Opening ceremony.", new float[] {0, 0, 1, 0}))));
            // Enough flushed segments for a merge, which reads them back through the codec's SPI names.
            for (int i = 0; i < 30; i++) {
                index.put(new IndexedFile("ten_1", "vs_2", "bulk_" + i, "bulk.txt", Map.of(), "m",
                        List.of(new IndexedChunk(0, "bulk text " + i, new float[] {0, 0, 0, 1}))));
            }

            assertThat(index.search(new IndexQuery("ten_1", List.of("vs_1"), "opening hours", null, "m", 5,
                    io.channelhub.plugin.knowledge.AttributeFilter.eq("region", "south"), IndexQuery.Mode.KEYWORD)))
                    .containsExactly(new IndexHit("vs_1", "file_1", 0, 1.0));
            assertThat(index.search(new IndexQuery("ten_1", List.of("vs_1"), null, new float[] {0, 1, 0, 0}, "m", 1,
                    null, IndexQuery.Mode.VECTOR))).extracting(IndexHit::chunkIndex).containsExactly(1);
            assertThat(index.search(new IndexQuery("ten_1", List.of("vs_1"), "opening", new float[] {0, 0, 1, 0},
                    "m", 1, null, IndexQuery.Mode.HYBRID))).containsExactly(new IndexHit("vs_1", "file_2", 0, 1.0));
            assertThat(index.search(new IndexQuery("ten_1", List.of("vs_2"), "bulk", null, "m", 100, null,
                    IndexQuery.Mode.KEYWORD))).hasSize(30);
            index.remove(IndexScope.store("ten_1", "vs_2"));
            assertThat(index.search(new IndexQuery("ten_1", List.of("vs_2"), "bulk", null, "m", 100, null,
                    IndexQuery.Mode.KEYWORD))).isEmpty();

            Set<Path> made = new HashSet<>(indexDirectories());
            made.removeAll(before);
            assertThat(made).hasSize(1);
            Path root = made.iterator().next();

            pf4j.stopPlugin(ID);
            assertThat(root).as("deleted at stop").doesNotExist();
        } finally {
            pf4j.unloadPlugins();
        }
    }

    private static Set<Path> indexDirectories() throws IOException {
        try (Stream<Path> tmp = Files.list(Path.of(System.getProperty("java.io.tmpdir")))) {
            return tmp.filter(p -> p.getFileName().toString().startsWith("channelhub-lucene"))
                    .collect(Collectors.toSet());
        }
    }

    private static String read(JarFile jar, String name) throws IOException {
        JarEntry entry = jar.getJarEntry(name);
        assertThat(entry).as(name).isNotNull();
        try (InputStream in = jar.getInputStream(entry)) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }
}
