package io.channelhub.plugins.knowledge;

import io.channelhub.plugin.knowledge.AttributeFilter;
import io.channelhub.plugin.knowledge.IndexHit;
import io.channelhub.plugin.knowledge.IndexQuery;
import io.channelhub.plugin.knowledge.IndexedChunk;
import io.channelhub.plugin.knowledge.IndexedFile;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/** Files, vectors and queries for the tests; a {@link LuceneIndex} over {@link TenantIndexes} of its own. */
final class Fixtures implements AutoCloseable {

    static final String MODEL = "test-embed-8";
    static final int DIMS = 8;

    final TenantIndexes indexes;
    final LuceneIndex index;

    Fixtures(Path dir) {
        try {
            indexes = new TenantIndexes(Files.createDirectories(dir.resolve("lucene")));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        index = new LuceneIndex(() -> indexes);
    }

    @Override
    public void close() {
        indexes.close();
    }

    /** Tenant directories under the root. */
    long directories() {
        try (Stream<Path> dirs = Files.list(indexes.root())) {
            return dirs.count();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A unit vector along {@code axis}. */
    static float[] axis(int axis) {
        float[] v = new float[DIMS];
        v[axis] = 1;
        return v;
    }

    /** Mostly {@code axis}, a little of {@code other}: nearer to {@code axis(other)} than any other axis is. */
    static float[] lean(int axis, int other, float amount) {
        float[] v = axis(axis);
        v[other] = amount;
        return v;
    }

    static IndexedChunk chunk(int index, String text, float[] vector) {
        return new IndexedChunk(index, text, vector);
    }

    static IndexedFile file(String tenant, String store, String file, IndexedChunk... chunks) {
        return new IndexedFile(tenant, store, file, file + ".txt", Map.of(), MODEL, List.of(chunks));
    }

    static IndexedFile file(String tenant, String store, String file, Map<String, Object> attributes,
                            IndexedChunk... chunks) {
        return new IndexedFile(tenant, store, file, file + ".txt", attributes, MODEL, List.of(chunks));
    }

    static IndexQuery keyword(String tenant, List<String> stores, String text, int limit, AttributeFilter filter) {
        return new IndexQuery(tenant, stores, text, null, MODEL, limit, filter, IndexQuery.Mode.KEYWORD);
    }

    static IndexQuery keyword(String tenant, String store, String text) {
        return keyword(tenant, List.of(store), text, 100, null);
    }

    static IndexQuery vector(String tenant, String store, float[] vector, int limit) {
        return new IndexQuery(tenant, List.of(store), null, vector, MODEL, limit, null, IndexQuery.Mode.VECTOR);
    }

    static IndexQuery hybrid(String tenant, String store, String text, float[] vector, int limit) {
        return new IndexQuery(tenant, List.of(store), text, vector, MODEL, limit, null, IndexQuery.Mode.HYBRID);
    }

    /** "file#chunk" of each hit, in order. */
    static List<String> ids(List<IndexHit> hits) {
        return hits.stream().map(h -> h.fileId() + "#" + h.chunkIndex()).toList();
    }

    static List<String> files(List<IndexHit> hits) {
        return hits.stream().map(IndexHit::fileId).distinct().sorted().toList();
    }

    static float[] copy(float[] v) {
        return Arrays.copyOf(v, v.length);
    }
}
