package io.channelhub.plugins.knowledge;

import static io.channelhub.plugins.knowledge.Fixtures.axis;
import static io.channelhub.plugins.knowledge.Fixtures.chunk;
import static io.channelhub.plugins.knowledge.Fixtures.file;
import static io.channelhub.plugins.knowledge.Fixtures.hybrid;
import static io.channelhub.plugins.knowledge.Fixtures.lean;
import static io.channelhub.plugins.knowledge.Fixtures.vector;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.offset;

import io.channelhub.plugin.knowledge.IndexHit;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Keyword, vector and hybrid ranking on a set where each is known: "k" is best by its words, "v" by its vector,
 * and "x" second in both, which hybrid puts first.
 */
class RankingTest {

    static final String QUERY = "warranty claim";
    static final float[] QUERY_VECTOR = axis(0);

    @TempDir
    Path dir;
    Fixtures fx;
    LuceneIndex index;

    @BeforeEach
    void feed() {
        fx = new Fixtures(dir);
        index = fx.index;
        // Short and saying it twice: BM25's first.
        index.put(file("ten_1", "vs_1", "k", chunk(0, "Warranty claim, warranty claim.", axis(7))));
        // The query's own direction, and none of its words.
        index.put(file("ten_1", "vs_1", "v", chunk(0, "Returns are accepted within thirty days.", axis(0))));
        // Second by words (longer) and second by vector (cosine 0.86).
        index.put(file("ten_1", "vs_1", "x",
                chunk(0, "Fill in the warranty claim form and bring the receipt to the store.", lean(0, 1, 0.6f))));
        // Nearer the query vector than "k" (cosine 0.71), so "k" is last by vector.
        for (int i = 2; i <= 6; i++) {
            index.put(file("ten_1", "vs_1", "f" + i, chunk(0, "General information about item " + i, lean(0, i, 1f))));
        }
    }

    @AfterEach
    void close() {
        fx.close();
    }

    @Test
    void keywordRanksByBm25ScoredAgainstTheBest() {
        List<IndexHit> hits = index.search(Fixtures.keyword("ten_1", List.of("vs_1"), QUERY, 10, null));

        assertThat(hits).extracting(IndexHit::fileId).containsExactly("k", "x");
        assertThat(hits.get(0).score()).isEqualTo(1.0);
        assertThat(hits.get(1).score()).isStrictlyBetween(0.0, 1.0);
    }

    @Test
    void vectorRanksByCosineFromZeroToOne() {
        List<IndexHit> hits = index.search(vector("ten_1", "vs_1", QUERY_VECTOR, 10));

        assertThat(hits).extracting(IndexHit::fileId).startsWith("v", "x").endsWith("k").hasSize(8);
        assertThat(hits.get(0).score()).isCloseTo(1.0, offset(1e-6));
        // Lucene's cosine score is (1 + cos) / 2.
        assertThat(hits.get(1).score()).isCloseTo((1 + 1 / Math.sqrt(1.36)) / 2, offset(1e-5));
        assertThat(hits.get(7).score()).isCloseTo(0.5, offset(1e-6));
    }

    @Test
    void hybridPutsWhatBothListsRankHighFirstAndKeepsAListsStandout() {
        List<IndexHit> hits = index.search(hybrid("ten_1", "vs_1", QUERY, QUERY_VECTOR, 3));

        // "v" leads the vector list by far with no word of the query, "x" is second in both lists: those two come
        // first, ahead of the passages neither list rates (with two keyword hits, "x" is also the keyword list's
        // least, so its words count little here).
        assertThat(hits.subList(0, 2)).extracting(IndexHit::fileId).containsExactlyInAnyOrder("v", "x");
        assertThat(hits.get(0).score()).isEqualTo(1.0);
        assertThat(hits).allSatisfy(h -> assertThat(h.score()).isBetween(0.0, 1.0));
        assertThat(hits.get(1).score()).isLessThan(1.0);
    }

    @Test
    void firstInBothListsRanksFirstWithTheHighestScore() {
        index.put(file("ten_1", "vs_2", "both", chunk(0, "Warranty claim.", axis(0))));
        index.put(file("ten_1", "vs_2", "other", chunk(0, "Warranty terms for other things.", lean(1, 0, 0.5f))));
        index.put(file("ten_1", "vs_2", "far", chunk(0, "Nothing to do with it.", axis(5))));

        List<IndexHit> hits = index.search(hybrid("ten_1", "vs_2", "warranty claim", axis(0), 3));

        assertThat(hits).extracting(IndexHit::fileId).startsWith("both");
        assertThat(hits.get(0).score()).isEqualTo(1.0);
        assertThat(hits.get(1).score()).isLessThan(1.0);
    }

    @Test
    void hybridWithoutAVectorRanksByWordsAlone() {
        List<IndexHit> hits = index.search(hybrid("ten_1", "vs_1", QUERY, null, 10));

        assertThat(hits).extracting(IndexHit::fileId).containsExactly("k", "x");
        assertThat(hits.get(0).score()).isEqualTo(1.0);
    }

    @Test
    void hybridWithAVectorOfAnUnknownModelRanksByWordsAlone() {
        List<IndexHit> hits = index.search(new io.channelhub.plugin.knowledge.IndexQuery("ten_1", List.of("vs_1"),
                QUERY, QUERY_VECTOR, "unknown-model", 10, null, io.channelhub.plugin.knowledge.IndexQuery.Mode.HYBRID));

        assertThat(hits).extracting(IndexHit::fileId).containsExactly("k", "x");
    }

    @Test
    void vectorSearchRespectsTheFilterBeyondTheNearest() {
        index.put(file("ten_1", "vs_2", "far", chunk(0, "elsewhere", axis(5))));

        List<IndexHit> hits = index.search(vector("ten_1", "vs_2", QUERY_VECTOR, 5));

        assertThat(hits).extracting(IndexHit::fileId).containsExactly("far");
    }
}
