package io.channelhub.plugins.knowledge;

import static io.channelhub.plugin.knowledge.AttributeFilter.and;
import static io.channelhub.plugin.knowledge.AttributeFilter.eq;
import static io.channelhub.plugin.knowledge.AttributeFilter.or;
import static io.channelhub.plugins.knowledge.Fixtures.axis;
import static io.channelhub.plugins.knowledge.Fixtures.chunk;
import static io.channelhub.plugins.knowledge.Fixtures.file;
import static org.assertj.core.api.Assertions.assertThat;

import io.channelhub.plugin.knowledge.AttributeFilter;
import io.channelhub.plugin.knowledge.AttributeFilter.Comparison;
import io.channelhub.plugin.knowledge.AttributeFilter.Op;
import io.channelhub.plugin.knowledge.IndexQuery;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/** Every operator of {@link AttributeFilter}, in keyword and vector search alike. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class AttributeFiltersTest {

    Fixtures fx;

    @BeforeAll
    void feed(@TempDir Path dir) {
        fx = new Fixtures(dir);
        fx.index.put(file("ten_1", "vs_1", "f1", Map.of("region", "south", "year", 2023, "vip", true),
                chunk(0, "opening hours", axis(0))));
        fx.index.put(file("ten_1", "vs_1", "f2", Map.of("region", "north", "year", 2024L, "vip", false),
                chunk(0, "opening hours", axis(1))));
        fx.index.put(file("ten_1", "vs_1", "f3", Map.of("region", "south", "year", 2025.0, "score", -0.0),
                chunk(0, "opening hours", axis(2))));
        fx.index.put(file("ten_1", "vs_1", "f4", chunk(0, "opening hours", axis(3))));
        // Another store with matching attributes, never returned.
        fx.index.put(file("ten_1", "vs_2", "g1", Map.of("region", "south", "year", 2024, "vip", true),
                chunk(0, "opening hours", axis(0))));
    }

    @AfterAll
    void close() {
        fx.close();
    }

    private List<String> matching(AttributeFilter filter) {
        List<String> byWords = Fixtures.files(fx.index.search(
                Fixtures.keyword("ten_1", List.of("vs_1"), "opening hours", 10, filter)));
        List<String> byVector = Fixtures.files(fx.index.search(new IndexQuery("ten_1", List.of("vs_1"), null,
                axis(0), Fixtures.MODEL, 10, filter, IndexQuery.Mode.VECTOR)));
        List<String> fused = Fixtures.files(fx.index.search(new IndexQuery("ten_1", List.of("vs_1"),
                "opening hours", axis(0), Fixtures.MODEL, 10, filter, IndexQuery.Mode.HYBRID)));
        assertThat(byVector).as("vector").isEqualTo(byWords);
        assertThat(fused).as("hybrid").isEqualTo(byWords);
        return byWords;
    }

    private static AttributeFilter cmp(String key, Op op, Object value) {
        return new Comparison(key, op, value);
    }

    @Test
    void noFilterMatchesTheWholeStore() {
        assertThat(matching(null)).containsExactly("f1", "f2", "f3", "f4");
    }

    @Test
    void stringEqualityAndInequality() {
        assertThat(matching(eq("region", "south"))).containsExactly("f1", "f3");
        assertThat(matching(eq("region", "east"))).isEmpty();
        assertThat(matching(eq("region", "South"))).as("exact, case included").isEmpty();
        // A file without the attribute passes ne.
        assertThat(matching(cmp("region", Op.NE, "south"))).containsExactly("f2", "f4");
    }

    @Test
    void booleanEqualityAndInequality() {
        assertThat(matching(eq("vip", true))).containsExactly("f1");
        assertThat(matching(eq("vip", false))).containsExactly("f2");
        assertThat(matching(cmp("vip", Op.NE, true))).containsExactly("f2", "f3", "f4");
    }

    @Test
    void numberComparisons() {
        assertThat(matching(eq("year", 2024))).containsExactly("f2");
        assertThat(matching(eq("year", 2025))).as("2025.0 equals 2025").containsExactly("f3");
        assertThat(matching(cmp("year", Op.NE, 2024))).containsExactly("f1", "f3", "f4");
        assertThat(matching(cmp("year", Op.GT, 2023))).containsExactly("f2", "f3");
        assertThat(matching(cmp("year", Op.GT, 2023.5))).containsExactly("f2", "f3");
        assertThat(matching(cmp("year", Op.GTE, 2024))).containsExactly("f2", "f3");
        assertThat(matching(cmp("year", Op.LT, 2024))).containsExactly("f1");
        assertThat(matching(cmp("year", Op.LTE, 2024))).containsExactly("f1", "f2");
        assertThat(matching(cmp("year", Op.GT, 2025))).isEmpty();
        assertThat(matching(eq("score", 0))).as("-0.0 is 0").containsExactly("f3");
        assertThat(matching(cmp("score", Op.GTE, -0.0))).containsExactly("f3");
    }

    @Test
    void typesAreKeptApart() {
        assertThat(matching(eq("year", "2024"))).isEmpty();
        assertThat(matching(eq("vip", "true"))).isEmpty();
        assertThat(matching(eq("region", 1))).isEmpty();
    }

    @Test
    void aComparisonOnAMissingAttributeFailsExceptNe() {
        assertThat(matching(eq("missing", "x"))).isEmpty();
        assertThat(matching(cmp("missing", Op.GTE, 0))).isEmpty();
        assertThat(matching(cmp("missing", Op.NE, "x"))).containsExactly("f1", "f2", "f3", "f4");
        assertThat(matching(cmp("missing", Op.NE, 1))).containsExactly("f1", "f2", "f3", "f4");
    }

    @Test
    void compounds() {
        assertThat(matching(and(eq("region", "south"), cmp("year", Op.GTE, 2024)))).containsExactly("f3");
        assertThat(matching(or(eq("region", "north"), eq("vip", true)))).containsExactly("f1", "f2");
        assertThat(matching(and(eq("region", "south")))).containsExactly("f1", "f3");
        assertThat(matching(or(eq("region", "east"), eq("region", "west")))).isEmpty();
        assertThat(matching(and(or(eq("region", "south"), eq("region", "north")), cmp("vip", Op.NE, true))))
                .containsExactly("f2", "f3");
        assertThat(matching(or(and(eq("region", "south"), cmp("year", Op.LT, 2024)), cmp("region", Op.NE, "south"))))
                .containsExactly("f1", "f2", "f4");
        assertThat(matching(and(cmp("region", Op.NE, "south"), cmp("region", Op.NE, "north"))))
                .containsExactly("f4");
    }
}
