package io.channelhub.plugins.knowledge;

import java.io.Closeable;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.apache.lucene.analysis.Analyzer;
import org.apache.lucene.codecs.Codec;
import org.apache.lucene.document.Document;
import org.apache.lucene.index.IndexWriter;
import org.apache.lucene.index.IndexWriterConfig;
import org.apache.lucene.index.Term;
import org.apache.lucene.index.TieredMergePolicy;
import org.apache.lucene.search.IndexSearcher;
import org.apache.lucene.search.SearcherManager;
import org.apache.lucene.store.Directory;
import org.apache.lucene.store.MMapDirectory;
import org.apache.lucene.util.IOFunction;
import org.apache.lucene.util.IOUtils;

/**
 * One tenant's Lucene index: its directory, its writer and near-real-time searchers refreshed after every write,
 * so a search that starts after a write returns sees it. Writes come from {@link TenantIndexes}' one thread;
 * searches from any thread.
 */
final class TenantIndex implements Closeable {

    private final Path path;
    private final Directory directory;
    private final IndexWriter writer;
    private final SearcherManager searchers;

    private TenantIndex(Path path, Directory directory, IndexWriter writer, SearcherManager searchers) {
        this.path = path;
        this.directory = directory;
        this.writer = writer;
        this.searchers = searchers;
    }

    static TenantIndex create(Path path, Analyzer analyzer, Codec codec) throws IOException {
        Files.createDirectories(path);
        Directory directory = new MMapDirectory(path);
        IndexWriter writer = null;
        try {
            writer = new IndexWriter(directory, new IndexWriterConfig(analyzer)
                    .setOpenMode(IndexWriterConfig.OpenMode.CREATE)
                    .setCodec(codec)
                    // Never committed: searches read the writer's near-real-time segments, and the index is rebuilt
                    // from the database after a restart anyway, so a commit would only cost fsyncs.
                    .setCommitOnClose(false)
                    .setMergePolicy(mergePolicy()));
            return new TenantIndex(path, directory, writer, new SearcherManager(writer, null));
        } catch (IOException | RuntimeException e) {
            IOUtils.closeWhileHandlingException(writer, directory);
            throw e;
        }
    }

    /**
     * Lucene's tiered policy with 4 segments a tier instead of 10. A vector search walks one HNSW graph per segment,
     * so its cost grows with their number (measured over 100,000 chunks: 14 segments, hybrid p50 11 ms; 8 segments,
     * 8.9 ms; one, 4.8 ms); an index fed a file at a time makes a segment per file. Fewer, larger segments cost more
     * merging while files are ingested, which is the rarer work; an index left alone is then merged into one
     * segment ({@link #compactIfIdle}).
     */
    static TieredMergePolicy mergePolicy() {
        TieredMergePolicy policy = new TieredMergePolicy();
        policy.setSegmentsPerTier(4);
        return policy;
    }

    Path path() {
        return path;
    }

    /** Replaces every document under {@code key} with {@code documents}, atomically for searches. */
    void replace(Term key, List<Document> documents) throws IOException {
        writer.updateDocuments(key, documents);
        written();
    }

    void delete(Term term) throws IOException {
        writer.deleteDocuments(term);
        written();
    }

    private void written() throws IOException {
        lastWrite = System.nanoTime();
        compacted = false;
        searchers.maybeRefreshBlocking();
    }

    /** When the index was last written ({@link System#nanoTime()}). */
    private volatile long lastWrite = System.nanoTime();
    /** Whether it has been merged into one segment since its last write. */
    private volatile boolean compacted;

    /**
     * Merges the index into one segment in the background once it has been left alone for {@code idleNanos}, and
     * lets searches see merges that finished. A knowledge base is written in bursts (documents uploaded) and read
     * for days, and a vector search walks one HNSW graph per segment: one segment searches in about half the time
     * of the few that the merge policy leaves (4.8 against 8.9 ms over 100,000 chunks). The merge runs on Lucene's
     * merge threads, not the writer thread, so writes are not held up; a write starts the wait again.
     *
     * @return whether a merge was started
     */
    boolean compactIfIdle(long idleNanos) throws IOException {
        searchers.maybeRefresh();
        long seen = lastWrite;
        if (compacted || System.nanoTime() - seen < idleNanos) {
            return false;
        }
        compacted = true;
        if (lastWrite != seen) {
            // A write came in meanwhile (the writer thread clears the flag before this set it): wait again.
            compacted = false;
            return false;
        }
        int segments = search(s -> s.getIndexReader().leaves().size());
        if (segments <= 1) {
            return false;
        }
        writer.forceMerge(1, false);
        return true;
    }

    <T> T search(IOFunction<IndexSearcher, T> search) throws IOException {
        IndexSearcher searcher = searchers.acquire();
        try {
            return search.apply(searcher);
        } finally {
            searchers.release(searcher);
        }
    }

    @Override
    public void close() throws IOException {
        IOUtils.close(searchers, writer, directory);
    }

    void closeAndDelete() throws IOException {
        try {
            close();
        } finally {
            IOUtils.rm(path);
        }
    }
}
