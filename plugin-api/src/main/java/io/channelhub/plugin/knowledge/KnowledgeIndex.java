package io.channelhub.plugin.knowledge;

import java.util.List;
import org.pf4j.ExtensionPoint;

/**
 * The search index behind the hub's vector stores. The hub owns files, stores, chunks and their embeddings (the
 * database is the source of truth); an index only makes them searchable, and can be rebuilt from the database at
 * any time. Every call names its tenant; an index keeps tenants apart and never returns another tenant's chunk.
 *
 * <p>An index that lives in each replica ({@link IndexDescriptor#perReplica()}, such as the bundled Lucene one) is
 * fed by the hub on every replica: at start from the database, then on every change announced between replicas. A
 * shared engine (OpenSearch, a hosted store) declares {@code perReplica = false} and is written once.
 *
 * <pre>{@code
 * @Extension
 * public class MyIndex implements KnowledgeIndex {
 *     public IndexDescriptor descriptor() { return new IndexDescriptor("my-engine", false); }
 *     public void put(IndexedFile file) { ... replace the file's chunks ... }
 *     public void remove(IndexScope scope) { ... }
 *     public List<IndexHit> search(IndexQuery query) { ... }
 * }
 * }</pre>
 *
 * @since 1.3.0
 */
public interface KnowledgeIndex extends ExtensionPoint {

    /** Which engine this is and where it lives; called once at start. */
    IndexDescriptor descriptor();

    /**
     * Makes one file's chunks in one store searchable, replacing whatever this index held for that file in that
     * store (a re-ingested file arrives whole). Idempotent: the hub may send the same file again.
     */
    void put(IndexedFile file);

    /** Forgets a file in a store, a whole store, or a whole tenant ({@link IndexScope}). Idempotent. */
    void remove(IndexScope scope);

    /**
     * The best chunks for a query, best first, at most {@link IndexQuery#limit()}. Only chunks of the query's
     * tenant and stores that pass its filter.
     */
    List<IndexHit> search(IndexQuery query);
}
