package io.channelhub.plugins.knowledge;

import io.channelhub.plugin.knowledge.IndexDescriptor;
import io.channelhub.plugin.knowledge.IndexHit;
import io.channelhub.plugin.knowledge.IndexQuery;
import io.channelhub.plugin.knowledge.IndexScope;
import io.channelhub.plugin.knowledge.IndexedFile;
import io.channelhub.plugin.knowledge.KnowledgeIndex;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.Objects;
import java.util.function.Supplier;
import org.apache.lucene.document.Document;
import org.apache.lucene.index.Term;
import org.apache.lucene.store.AlreadyClosedException;
import org.pf4j.Extension;

/**
 * The knowledge index on Apache Lucene: BM25 keyword search, HNSW vector search, or both combined by standard scores.
 * Each replica holds its own copy, one Lucene index per tenant in a directory of its own, so a search can only
 * ever read its tenant's chunks. The copy is disposable: the hub rebuilds it from its database at start.
 */
@Extension
public class LuceneIndex implements KnowledgeIndex {

    static final IndexDescriptor DESCRIPTOR = new IndexDescriptor("lucene", true);

    private final Supplier<TenantIndexes> indexes;

    /** The index of the started plugin. */
    public LuceneIndex() {
        // Looked up on every call: an extension may outlive a stop and start of its plugin.
        this(LucenePlugin::running);
    }

    LuceneIndex(Supplier<TenantIndexes> indexes) {
        this.indexes = indexes;
    }

    @Override
    public IndexDescriptor descriptor() {
        return DESCRIPTOR;
    }

    @Override
    public void put(IndexedFile file) {
        Objects.requireNonNull(file.tenantId(), "tenantId");
        Objects.requireNonNull(file.storeId(), "storeId");
        Objects.requireNonNull(file.fileId(), "fileId");
        // Built on the caller's thread: bad input fails there, and only the index writes queue for the writer.
        List<Document> documents = Documents.of(file);
        Term key = new Term(Documents.KEY, Documents.fileKey(file.storeId(), file.fileId()));
        TenantIndexes all = indexes.get();
        if (documents.isEmpty()) {
            // Nothing to search: forget what was there, without making an index for it.
            all.update(file.tenantId(), index -> index.delete(key));
        } else {
            all.write(file.tenantId(), index -> index.replace(key, documents));
        }
    }

    @Override
    public void remove(IndexScope scope) {
        TenantIndexes all = indexes.get();
        if (scope.storeId() == null) {
            all.drop(scope.tenantId());
        } else if (scope.fileId() == null) {
            all.update(scope.tenantId(), index -> index.delete(new Term(Documents.STORE, scope.storeId())));
        } else {
            all.update(scope.tenantId(), index -> index.delete(
                    new Term(Documents.KEY, Documents.fileKey(scope.storeId(), scope.fileId()))));
        }
    }

    @Override
    public List<IndexHit> search(IndexQuery query) {
        Objects.requireNonNull(query.tenantId(), "tenantId");
        Ranking.check(query);
        TenantIndexes all = indexes.get();
        TenantIndex index = all.find(query.tenantId());
        if (index == null || query.storeIds().isEmpty()) {
            return List.of();
        }
        try {
            return index.search(searcher -> Ranking.search(searcher, all.analyzer(), query, all.lists()));
        } catch (AlreadyClosedException e) {
            if (all.find(query.tenantId()) != index) {
                return List.of(); // the tenant was removed while this search started
            }
            throw e;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
