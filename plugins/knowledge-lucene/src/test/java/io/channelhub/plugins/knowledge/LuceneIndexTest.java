package io.channelhub.plugins.knowledge;

import static io.channelhub.plugins.knowledge.Fixtures.axis;
import static io.channelhub.plugins.knowledge.Fixtures.chunk;
import static io.channelhub.plugins.knowledge.Fixtures.file;
import static io.channelhub.plugins.knowledge.Fixtures.ids;
import static io.channelhub.plugins.knowledge.Fixtures.keyword;
import static io.channelhub.plugins.knowledge.Fixtures.vector;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.channelhub.plugin.knowledge.IndexHit;
import io.channelhub.plugin.knowledge.IndexQuery;
import io.channelhub.plugin.knowledge.IndexScope;
import io.channelhub.plugin.knowledge.IndexedChunk;
import io.channelhub.plugin.knowledge.IndexedFile;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class LuceneIndexTest {

    @TempDir
    Path dir;
    Fixtures fx;
    LuceneIndex index;

    @BeforeEach
    void open() {
        fx = new Fixtures(dir);
        index = fx.index;
    }

    @AfterEach
    void close() {
        fx.close();
    }

    @Test
    void describesItselfAsAPerReplicaLuceneIndex() {
        assertThat(index.descriptor().id()).isEqualTo("lucene");
        assertThat(index.descriptor().perReplica()).isTrue();
    }

    @Test
    void aChunkPutIsFoundByTheNextSearch() {
        index.put(file("ten_1", "vs_1", "file_1",
                chunk(0, "Opening hours: 9 to 18, Monday to Friday.", axis(0)),
                chunk(1, "Prices of the premium plan.", axis(1))));

        List<IndexHit> hits = index.search(keyword("ten_1", "vs_1", "opening hours"));

        assertThat(hits).containsExactly(new IndexHit("vs_1", "file_1", 0, 1.0));
    }

    @Test
    void puttingAFileAgainReplacesItsChunks() {
        index.put(file("ten_1", "vs_1", "file_1", chunk(0, "old opening hours", axis(0)),
                chunk(1, "old prices", axis(1)), chunk(2, "old refunds", axis(2))));
        index.put(file("ten_1", "vs_1", "file_1", chunk(0, "new opening hours", axis(0))));

        assertThat(index.search(keyword("ten_1", "vs_1", "old"))).isEmpty();
        assertThat(ids(index.search(keyword("ten_1", "vs_1", "new hours prices refunds")))).containsExactly("file_1#0");
        assertThat(index.search(vector("ten_1", "vs_1", axis(2), 10))).hasSize(1);
    }

    @Test
    void puttingTheSameFileTwiceKeepsOneCopy() {
        IndexedFile f = file("ten_1", "vs_1", "file_1", chunk(0, "opening hours", axis(0)), chunk(1, "hours", axis(1)));
        index.put(f);
        index.put(f);

        assertThat(ids(index.search(keyword("ten_1", "vs_1", "hours")))).containsExactlyInAnyOrder("file_1#0", "file_1#1");
    }

    @Test
    void aFilePutWithNoChunksIsForgotten() {
        index.put(file("ten_1", "vs_1", "file_1", chunk(0, "opening hours", axis(0))));
        index.put(file("ten_1", "vs_1", "file_1"));

        assertThat(index.search(keyword("ten_1", "vs_1", "hours"))).isEmpty();
    }

    @Test
    void theSameFileInTwoStoresIsTwoFiles() {
        index.put(file("ten_1", "vs_1", "file_1", chunk(0, "opening hours", axis(0))));
        index.put(file("ten_1", "vs_2", "file_1", chunk(0, "opening hours", axis(0))));
        index.remove(IndexScope.file("ten_1", "vs_1", "file_1"));

        assertThat(index.search(keyword("ten_1", "vs_1", "hours"))).isEmpty();
        assertThat(index.search(keyword("ten_1", "vs_2", "hours"))).hasSize(1);
    }

    @Test
    void storeAndFileIdsWithSlashesDoNotCollide() {
        index.put(file("ten_1", "a/b", "c", chunk(0, "opening hours", axis(0))));
        index.put(file("ten_1", "a", "b/c", chunk(0, "opening hours", axis(0))));
        index.remove(IndexScope.file("ten_1", "a", "b/c"));

        assertThat(index.search(keyword("ten_1", List.of("a", "a/b"), "hours", 10, null)))
                .extracting(IndexHit::storeId).containsExactly("a/b");
    }

    @Test
    void removesAFileAStoreOrATenant() {
        index.put(file("ten_1", "vs_1", "file_1", chunk(0, "opening hours", axis(0))));
        index.put(file("ten_1", "vs_1", "file_2", chunk(0, "opening hours", axis(0))));
        index.put(file("ten_1", "vs_2", "file_3", chunk(0, "opening hours", axis(0))));
        index.put(file("ten_1", "vs_3", "file_4", chunk(0, "opening hours", axis(0))));
        IndexQuery all = keyword("ten_1", List.of("vs_1", "vs_2", "vs_3"), "hours", 10, null);

        index.remove(IndexScope.file("ten_1", "vs_1", "file_1"));
        assertThat(Fixtures.files(index.search(all))).containsExactly("file_2", "file_3", "file_4");

        index.remove(IndexScope.store("ten_1", "vs_2"));
        assertThat(Fixtures.files(index.search(all))).containsExactly("file_2", "file_4");

        index.remove(IndexScope.tenant("ten_1"));
        assertThat(index.search(all)).isEmpty();
        assertThat(fx.directories()).isZero();
    }

    @Test
    void removingIsIdempotentAndNeedsNoIndex() {
        index.remove(IndexScope.file("ten_9", "vs_1", "file_1"));
        index.remove(IndexScope.store("ten_9", "vs_1"));
        index.remove(IndexScope.tenant("ten_9"));
        index.put(file("ten_1", "vs_1", "file_1", chunk(0, "opening hours", axis(0))));
        index.remove(IndexScope.file("ten_1", "vs_1", "file_1"));
        index.remove(IndexScope.file("ten_1", "vs_1", "file_1"));
        index.remove(IndexScope.tenant("ten_1"));
        index.remove(IndexScope.tenant("ten_1"));

        assertThat(index.search(keyword("ten_1", "vs_1", "hours"))).isEmpty();
        assertThat(fx.directories()).isZero();
    }

    @Test
    void aTenantRemovedAndFedAgainStartsEmpty() {
        index.put(file("ten_1", "vs_1", "file_1", chunk(0, "opening hours", axis(0))));
        index.remove(IndexScope.tenant("ten_1"));
        index.put(file("ten_1", "vs_1", "file_2", chunk(0, "opening hours", axis(0))));

        assertThat(Fixtures.files(index.search(keyword("ten_1", "vs_1", "hours")))).containsExactly("file_2");
    }

    @Test
    void aTenantWithoutAnIndexFindsNothing() {
        assertThat(index.search(keyword("ten_9", "vs_1", "hours"))).isEmpty();
        assertThat(index.search(vector("ten_9", "vs_1", axis(0), 5))).isEmpty();
        assertThat(fx.directories()).isZero();
    }

    @Test
    void anIndexRemovedUnderASearchRefusesIt() throws Exception {
        // What LuceneIndex.search relies on to answer "nothing" when the tenant goes away as it starts.
        index.put(file("ten_1", "vs_1", "file_1", chunk(0, "opening hours", axis(0))));
        TenantIndex found = fx.indexes.find("ten_1");
        index.remove(IndexScope.tenant("ten_1"));

        assertThatThrownBy(() -> found.search(s -> s.count(new org.apache.lucene.search.MatchAllDocsQuery())))
                .isInstanceOf(org.apache.lucene.store.AlreadyClosedException.class);
    }

    @Test
    void tenantsNeverSeeEachOthersChunksEvenUnderTheSameStoreId() {
        index.put(file("ten_1", "vs_1", "file_1", chunk(0, "opening hours", axis(0))));

        assertThat(index.search(keyword("ten_2", "vs_1", "opening hours"))).isEmpty();
        assertThat(index.search(vector("ten_2", "vs_1", axis(0), 5))).isEmpty();

        index.put(file("ten_2", "vs_1", "file_2", chunk(0, "opening hours", axis(0))));
        assertThat(Fixtures.files(index.search(keyword("ten_1", "vs_1", "opening hours")))).containsExactly("file_1");
        assertThat(Fixtures.files(index.search(keyword("ten_2", "vs_1", "opening hours")))).containsExactly("file_2");
        assertThat(Fixtures.files(index.search(vector("ten_2", "vs_1", axis(0), 5)))).containsExactly("file_2");
        // Physically apart: a directory each.
        assertThat(fx.directories()).isEqualTo(2);

        index.remove(IndexScope.tenant("ten_1"));
        assertThat(Fixtures.files(index.search(keyword("ten_2", "vs_1", "opening hours")))).containsExactly("file_2");
    }

    @Test
    void searchesOnlyTheQueriedStores() {
        index.put(file("ten_1", "vs_1", "file_1", chunk(0, "opening hours", axis(0))));
        index.put(file("ten_1", "vs_2", "file_2", chunk(0, "opening hours", axis(0))));
        index.put(file("ten_1", "vs_3", "file_3", chunk(0, "opening hours", axis(0))));

        assertThat(Fixtures.files(index.search(keyword("ten_1", List.of("vs_1", "vs_3"), "hours", 10, null))))
                .containsExactly("file_1", "file_3");
        assertThat(Fixtures.files(index.search(new IndexQuery("ten_1", List.of("vs_2"), null, axis(0),
                Fixtures.MODEL, 10, null, IndexQuery.Mode.VECTOR)))).containsExactly("file_2");
        assertThat(index.search(keyword("ten_1", List.of(), "hours", 10, null))).isEmpty();
        assertThat(index.search(keyword("ten_1", List.of("vs_9"), "hours", 10, null))).isEmpty();
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "   ", "?!", "... --- !!!", "\"(*&^%$#@", "AND OR NOT", "title:[a TO", "\\"})
    void anyTextIsAQueryAndNoneThrows(String text) {
        index.put(file("ten_1", "vs_1", "file_1", chunk(0, "opening hours", axis(0))));

        for (IndexQuery.Mode mode : IndexQuery.Mode.values()) {
            float[] v = mode == IndexQuery.Mode.KEYWORD ? null : axis(0);
            assertThat(index.search(new IndexQuery("ten_1", List.of("vs_1"), text, v, Fixtures.MODEL, 5, null, mode)))
                    .hasSizeLessThanOrEqualTo(1);
        }
        assertThat(index.search(keyword("ten_1", "vs_1", null))).isEmpty();
    }

    @Test
    void punctuationOnlyTextFindsNothingByKeywordAndRanksHybridByVectorAlone() {
        index.put(file("ten_1", "vs_1", "file_1", chunk(0, "opening hours", axis(0))));

        assertThat(index.search(keyword("ten_1", "vs_1", "?!..."))).isEmpty();
        assertThat(index.search(Fixtures.hybrid("ten_1", "vs_1", "?!...", axis(0), 5)))
                .containsExactly(new IndexHit("vs_1", "file_1", 0, 1.0));
    }

    @Test
    void aQueryVectorOfTheWrongDimensionIsRefused() {
        index.put(file("ten_1", "vs_1", "file_1", chunk(0, "opening hours", axis(0))));

        assertThatThrownBy(() -> index.search(vector("ten_1", "vs_1", new float[] {1, 0, 0}, 5)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("3 dimensions").hasMessageContaining(Fixtures.MODEL + " with 8 dimensions");
        assertThatThrownBy(() -> index.search(Fixtures.hybrid("ten_1", "vs_1", "hours", new float[] {1, 0, 0}, 5)))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void aVectorOfAnotherModelIsComparedWithNothing() {
        index.put(file("ten_1", "vs_1", "file_1", chunk(0, "opening hours", axis(0))));

        assertThat(index.search(new IndexQuery("ten_1", List.of("vs_1"), null, axis(0), "other-model", 5, null,
                IndexQuery.Mode.VECTOR))).isEmpty();
    }

    @Test
    void oneStoreMayUseAnotherModelOrDimension() {
        index.put(file("ten_1", "vs_1", "file_1", chunk(0, "opening hours", axis(0))));
        index.put(new IndexedFile("ten_1", "vs_2", "file_2", "b.txt", Map.of(), "org/other.model",
                List.of(chunk(0, "opening hours", new float[] {0, 1, 0}))));

        assertThat(Fixtures.files(index.search(new IndexQuery("ten_1", List.of("vs_1", "vs_2"), null,
                new float[] {0, 1, 0}, "org/other.model", 5, null, IndexQuery.Mode.VECTOR)))).containsExactly("file_2");
        assertThat(Fixtures.files(index.search(new IndexQuery("ten_1", List.of("vs_1", "vs_2"), null, axis(0),
                Fixtures.MODEL, 5, null, IndexQuery.Mode.VECTOR)))).containsExactly("file_1");
    }

    @Test
    void badVectorsAreRefusedWithAReason() {
        assertThatThrownBy(() -> index.put(file("ten_1", "vs_1", "file_1", chunk(0, "a", axis(0)),
                chunk(1, "b", new float[] {1, 0}))))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("chunk 1 has 2 dimensions");
        assertThatThrownBy(() -> index.search(vector("ten_1", "vs_1", new float[8], 5)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("zero");
        assertThatThrownBy(() -> index.search(new IndexQuery("ten_1", List.of("vs_1"), "x", null, Fixtures.MODEL, 5,
                null, IndexQuery.Mode.VECTOR)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("needs the query's vector");
        assertThatThrownBy(() -> index.put(new IndexedFile("ten_1", "vs_1", "file_1", "a", Map.of(), null,
                List.of(chunk(0, "a", axis(0))))))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("no embedding model");
        assertThatThrownBy(() -> index.put(file("ten_1", "vs_1", "file_1", Map.of("tags", List.of("a")),
                chunk(0, "a", axis(0)))))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("attribute tags");
        assertThat(fx.directories()).isZero();
    }

    @Test
    void aChunkWithoutAVectorOrWithAZeroOneIsFoundByItsWords() {
        index.put(file("ten_1", "vs_1", "file_1", chunk(0, "opening hours", null), chunk(1, "hours", new float[8]),
                chunk(2, "hours", axis(3))));

        assertThat(ids(index.search(keyword("ten_1", "vs_1", "hours")))).hasSize(3);
        assertThat(ids(index.search(vector("ten_1", "vs_1", axis(3), 5)))).containsExactly("file_1#2");
    }

    @Test
    void holdsVectorsWiderThanLucenesDefaultLimit() {
        Random random = new Random(7);
        for (int dims : new int[] {1536, 3072}) {
            float[] a = new float[dims];
            float[] b = new float[dims];
            for (int i = 0; i < dims; i++) {
                a[i] = (float) random.nextGaussian();
                b[i] = (float) random.nextGaussian();
            }
            index.put(new IndexedFile("ten_1", "vs_" + dims, "a", "a.txt", Map.of(), "text-embedding-3-large",
                    List.of(new IndexedChunk(0, "alpha", a))));
            index.put(new IndexedFile("ten_1", "vs_" + dims, "b", "b.txt", Map.of(), "text-embedding-3-large",
                    List.of(new IndexedChunk(0, "beta", b))));

            List<IndexHit> hits = index.search(new IndexQuery("ten_1", List.of("vs_" + dims), null, a,
                    "text-embedding-3-large", 2, null, IndexQuery.Mode.VECTOR));
            assertThat(hits).extracting(IndexHit::fileId).containsExactly("a", "b");
            assertThat(hits.get(0).score()).isCloseTo(1.0, org.assertj.core.data.Offset.offset(1e-5));
        }
    }

    @Test
    void accentsAndCaseDoNotMatter() {
        index.put(file("ten_1", "vs_1", "file_1", chunk(0, "Informação sobre o HORÁRIO de funcionamento", axis(0))));
        index.put(file("ten_1", "vs_1", "file_2", chunk(0, "Preços e condições", axis(1))));

        assertThat(Fixtures.files(index.search(keyword("ten_1", "vs_1", "informacao horario")))).containsExactly("file_1");
        assertThat(Fixtures.files(index.search(keyword("ten_1", "vs_1", "PREÇOS")))).containsExactly("file_2");
        assertThat(Fixtures.files(index.search(keyword("ten_1", "vs_1", "condicoes")))).containsExactly("file_2");
    }

    @Test
    void theFilenameCountsButLessThanTheText() {
        index.put(new IndexedFile("ten_1", "vs_1", "by_name", "refund_policy.pdf", Map.of(), Fixtures.MODEL,
                List.of(chunk(0, "Terms and conditions apply.", axis(0)))));
        index.put(new IndexedFile("ten_1", "vs_1", "by_text", "terms.pdf", Map.of(), Fixtures.MODEL,
                List.of(chunk(0, "Our refund policy: thirty days.", axis(1)))));

        assertThat(index.search(keyword("ten_1", "vs_1", "refund")))
                .extracting(IndexHit::fileId).containsExactly("by_text", "by_name");
    }

    @Test
    void returnsAtMostLimitHitsBestFirst() {
        for (int i = 0; i < 30; i++) {
            index.put(file("ten_1", "vs_1", "file_" + i, chunk(0, "hours ".repeat(1 + i % 5) + "filler text", axis(i % 8))));
        }

        for (IndexQuery.Mode mode : IndexQuery.Mode.values()) {
            List<IndexHit> hits = index.search(new IndexQuery("ten_1", List.of("vs_1"), "hours", axis(0),
                    Fixtures.MODEL, 7, null, mode));
            assertThat(hits).hasSize(7);
            assertThat(hits).extracting(IndexHit::score).isSortedAccordingTo((a, b) -> Double.compare(b, a))
                    .allSatisfy(s -> assertThat(s).isBetween(0.0, 1.0));
        }
    }

    @Test
    void aStoppedIndexSaysSo() {
        fx.close();
        assertThatThrownBy(() -> index.put(file("ten_1", "vs_1", "file_1", chunk(0, "a", axis(0)))))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("stopped");
        fx = new Fixtures(dir.resolve("again"));
    }
}
