package io.channelhub.plugins.knowledge;

import io.channelhub.plugin.knowledge.IndexHit;
import io.channelhub.plugin.knowledge.IndexQuery;
import java.io.IOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.apache.lucene.analysis.Analyzer;
import org.apache.lucene.analysis.TokenStream;
import org.apache.lucene.analysis.tokenattributes.CharTermAttribute;
import org.apache.lucene.index.FieldInfo;
import org.apache.lucene.index.IndexReader;
import org.apache.lucene.index.LeafReaderContext;
import org.apache.lucene.index.StoredFields;
import org.apache.lucene.index.Term;
import org.apache.lucene.search.BooleanClause.Occur;
import org.apache.lucene.search.BooleanQuery;
import org.apache.lucene.search.BoostQuery;
import org.apache.lucene.search.IndexSearcher;
import org.apache.lucene.search.KnnFloatVectorQuery;
import org.apache.lucene.search.Query;
import org.apache.lucene.search.ScoreDoc;
import org.apache.lucene.search.TermQuery;
import org.apache.lucene.search.TopDocs;

/**
 * One search in one tenant's index: keyword (BM25 over the text, and the filename at a lower weight), vector
 * (HNSW nearest neighbours by cosine) or both combined (see {@link #fused}). Scores run from 0 to 1.
 */
final class Ranking {

    /** The keyword list is read this many times deeper than the vector list, to score the vector candidates too. */
    static final int KEYWORD_DEPTH = 4;
    /** Candidates per list: more than asked for, since HNSW is approximate and fusion reorders. */
    static final int MIN_CANDIDATES = 50;
    static final float FILENAME_BOOST = 0.3f;
    // Two term queries (text and filename) each: within Lucene's default cap of 1024 clauses per query.
    static final int MAX_QUERY_TERMS = 256;

    private Ranking() {
    }

    /** Checks what needs no index, so that a bad query fails alike whether or not the tenant has one. */
    static void check(IndexQuery query) {
        if (query.mode() == null) {
            throw new IllegalArgumentException("a query needs a mode");
        }
        if (query.mode() == IndexQuery.Mode.VECTOR && query.vector() == null) {
            throw new IllegalArgumentException("a vector search needs the query's vector");
        }
        if (query.mode() != IndexQuery.Mode.KEYWORD && query.vector() != null) {
            if (query.embeddingModel() == null || query.embeddingModel().isEmpty()) {
                throw new IllegalArgumentException("a query vector needs its embedding model");
            }
            Documents.checkVector(query.vector());
        }
    }

    static List<IndexHit> search(IndexSearcher searcher, Analyzer analyzer, IndexQuery query) throws IOException {
        return search(searcher, analyzer, query, Runnable::run);
    }

    /** As above; a hybrid search runs its vector list on {@code lists} while this thread runs the keyword list. */
    static List<IndexHit> search(IndexSearcher searcher, Analyzer analyzer, IndexQuery query,
                                 java.util.concurrent.Executor lists) throws IOException {
        Query scope = Filters.scope(query.storeIds(), query.filter());
        // IndexSearcher caps a keyword search's depth at the index size, but a vector search allocates k up front.
        int maxDoc = Math.max(1, searcher.getIndexReader().maxDoc());
        int candidates = (int) Math.min(Math.max(4L * query.limit(), MIN_CANDIDATES), maxDoc);
        Query keyword = query.mode() == IndexQuery.Mode.VECTOR ? null : keywordQuery(analyzer, query.text(), scope);
        String vectorField = query.mode() == IndexQuery.Mode.KEYWORD || query.vector() == null ? null
                : vectorField(searcher.getIndexReader(), query.embeddingModel(), query.vector().length);
        Query vector = vectorField == null ? null
                : new KnnFloatVectorQuery(vectorField, Documents.unit(query.vector()), candidates, scope);
        switch (query.mode()) {
            case KEYWORD:
                return keyword == null ? List.of() : keyword(searcher, keyword, query.limit());
            case VECTOR:
                return vector == null ? List.of() : vector(searcher, vector, candidates, query.limit());
            default:
                // With one list out of play (no words, no vector, no vectors of the model), hybrid is the other.
                if (keyword == null || vector == null) {
                    return keyword != null ? keyword(searcher, keyword, query.limit())
                            : vector == null ? List.of() : vector(searcher, vector, candidates, query.limit());
                }
                return fused(searcher, keyword, vector, vectorField, Documents.unit(query.vector()), candidates,
                        query.limit(), lists);
        }
    }

    /** Top BM25 hits, scored against the best of them. */
    private static List<IndexHit> keyword(IndexSearcher searcher, Query keyword, int limit) throws IOException {
        TopDocs top = searcher.search(keyword, limit);
        if (top.scoreDocs.length == 0) {
            return List.of();
        }
        double best = top.scoreDocs[0].score;
        StoredFields stored = searcher.storedFields();
        List<IndexHit> hits = new ArrayList<>(top.scoreDocs.length);
        for (ScoreDoc d : top.scoreDocs) {
            hits.add(Documents.hit(stored, d.doc, d.score / best));
        }
        return hits;
    }

    /** Nearest neighbours, with Lucene's cosine score, (1 + cos) / 2, already from 0 to 1. */
    private static List<IndexHit> vector(IndexSearcher searcher, Query vector, int candidates, int limit)
            throws IOException {
        TopDocs top = searcher.search(vector, candidates);
        StoredFields stored = searcher.storedFields();
        List<IndexHit> hits = new ArrayList<>(Math.min(limit, top.scoreDocs.length));
        for (int i = 0; i < top.scoreDocs.length && i < limit; i++) {
            hits.add(Documents.hit(stored, top.scoreDocs[i].doc, top.scoreDocs[i].score));
        }
        return hits;
    }

    /**
     * Hybrid: each list's scores as standard scores (how many deviations above its own candidates' mean, capped at
     * three), summed over the union of both candidate lists. Every candidate gets both: the similarity of a
     * keyword-only candidate is computed from its stored vector, the keyword list is read deeper than the vector
     * list, and a candidate a list still lacks gets that list's lowest score. Unlike reciprocal rank fusion, a
     * passage that one list puts far above the rest (an exact product code; a paraphrase sharing no word) keeps that
     * lead instead of losing to passages both lists rank in the middle, and a list whose scores are flat (a query of
     * common words) weighs little. Scores run from 0 to 1; with one list out of play (no words, no vector, no vectors
     * of the model) hybrid ranks as the other. docs/knowledge.md has the measurements behind this choice.
     */
    private static List<IndexHit> fused(IndexSearcher searcher, Query keyword, Query vector, String vectorField,
                                        float[] queryVector, int candidates, int limit,
                                        java.util.concurrent.Executor lists) throws IOException {
        Map<Integer, Double> bm25 = new HashMap<>();
        Map<Integer, Double> cosine = new HashMap<>();
        java.util.concurrent.CompletableFuture<TopDocs> nearest = vector == null ? null
                : java.util.concurrent.CompletableFuture.supplyAsync(() -> {
                    try {
                        return searcher.search(vector, candidates);
                    } catch (IOException e) {
                        throw new java.io.UncheckedIOException(e);
                    }
                }, lists);
        try {
            if (keyword != null) {
                for (ScoreDoc d : searcher.search(keyword, candidates * KEYWORD_DEPTH).scoreDocs) {
                    bm25.put(d.doc, (double) d.score);
                }
            }
        } catch (IOException | RuntimeException e) {
            // The searcher goes back to its manager when this returns: the other list must be done with it first.
            if (nearest != null) {
                nearest.handle((r, x) -> null).join();
            }
            throw e;
        }
        if (vector != null) {
            for (ScoreDoc d : nearest(nearest).scoreDocs) {
                cosine.put(d.doc, (double) d.score);
            }
            // The keyword candidates' similarity, from their own vectors (only the top of the keyword list, which is
            // what can reach the result).
            List<Integer> missing = new ArrayList<>();
            bm25.entrySet().stream().sorted(Map.Entry.<Integer, Double>comparingByValue().reversed())
                    .limit(candidates).forEach(e -> {
                        if (!cosine.containsKey(e.getKey())) {
                            missing.add(e.getKey());
                        }
                    });
            similarities(searcher, vectorField, queryVector, missing, cosine);
        }
        if (bm25.isEmpty() && cosine.isEmpty()) {
            return List.of();
        }
        java.util.Set<Integer> union = new java.util.HashSet<>(cosine.keySet());
        bm25.entrySet().stream().sorted(Map.Entry.<Integer, Double>comparingByValue().reversed()).limit(candidates)
                .forEach(e -> union.add(e.getKey()));
        Spread k = Spread.of(bm25.values());
        Spread v = Spread.of(cosine.values());
        Map<Integer, Double> fused = new HashMap<>();
        for (int doc : union) {
            // A candidate one list does not hold gets that list's lowest score: it was not among its best.
            double z = (keyword == null ? 0 : k.z(bm25.getOrDefault(doc, k.min)))
                    + (vector == null ? 0 : v.z(cosine.getOrDefault(doc, v.min)));
            fused.put(doc, z);
        }
        // Scores from 0 to 1 within this search: the best candidate 1, the least 0 (as keyword scores are against
        // the best BM25), so a threshold means "this close to the best match".
        double lo = fused.values().stream().mapToDouble(Double::doubleValue).min().orElse(0.0);
        double hi = fused.values().stream().mapToDouble(Double::doubleValue).max().orElse(0.0);
        fused.replaceAll((doc, z) -> hi > lo ? (z - lo) / (hi - lo) : 1.0);
        StoredFields stored = searcher.storedFields();
        List<Map.Entry<Integer, Double>> ranked = new ArrayList<>(fused.entrySet());
        ranked.sort(Map.Entry.<Integer, Double>comparingByValue().reversed().thenComparing(Map.Entry.comparingByKey()));
        List<IndexHit> hits = new ArrayList<>(Math.min(limit, ranked.size()));
        for (int i = 0; i < ranked.size() && i < limit; i++) {
            hits.add(Documents.hit(stored, ranked.get(i).getKey(), Math.min(1.0, ranked.get(i).getValue())));
        }
        return hits;
    }

    /** The vector list's result, with its own exception (not the future's wrapper) when it failed. */
    private static TopDocs nearest(java.util.concurrent.CompletableFuture<TopDocs> future) throws IOException {
        try {
            return future.join();
        } catch (java.util.concurrent.CompletionException e) {
            Throwable cause = e.getCause();
            if (cause instanceof java.io.UncheckedIOException io) {
                throw io.getCause();
            }
            if (cause instanceof RuntimeException r) {
                throw r;
            }
            if (cause instanceof Error err) {
                throw err;
            }
            throw e;
        }
    }

    /** Mean and deviation of one list's scores: how far above its own crowd a candidate stands. */
    private record Spread(double mean, double deviation, double min) {

        static Spread of(java.util.Collection<Double> scores) {
            double mean = scores.stream().mapToDouble(Double::doubleValue).average().orElse(0.0);
            double var = scores.stream().mapToDouble(x -> (x - mean) * (x - mean)).average().orElse(0.0);
            double min = scores.stream().mapToDouble(Double::doubleValue).min().orElse(0.0);
            return new Spread(mean, Math.sqrt(var), min);
        }

        /** The standard score, capped at three deviations; 0 when all scores are equal. */
        double z(double score) {
            return deviation == 0 ? 0.0 : Math.max(-3.0, Math.min(3.0, (score - mean) / deviation));
        }
    }

    /** Lucene's score, (1 + cos) / 2, of each of {@code docs} that has a vector in {@code field}. */
    private static void similarities(IndexSearcher searcher, String field, float[] query, List<Integer> docs,
                                     Map<Integer, Double> out) throws IOException {
        if (docs.isEmpty()) {
            return;
        }
        List<Integer> sorted = new ArrayList<>(docs);
        java.util.Collections.sort(sorted);
        List<LeafReaderContext> leaves = searcher.getIndexReader().leaves();
        int li = 0;
        org.apache.lucene.index.FloatVectorValues values = null;
        for (int doc : sorted) {
            while (li < leaves.size() - 1 && doc >= leaves.get(li + 1).docBase) {
                li++;
                values = null;
            }
            LeafReaderContext leaf = leaves.get(li);
            if (values == null) {
                values = leaf.reader().getFloatVectorValues(field);
                if (values == null) {
                    continue;
                }
            }
            int local = doc - leaf.docBase;
            if (values.docID() > local) {
                // The iterator only moves forward: a fresh one for this leaf (docs are sorted, so rarely).
                values = leaf.reader().getFloatVectorValues(field);
            }
            if (values.docID() < local && values.advance(local) != local) {
                continue;
            }
            if (values.docID() == local) {
                // Both at unit length: the dot product is the cosine, scaled as Lucene scores it.
                double dot = org.apache.lucene.util.VectorUtil.dotProduct(query, values.vectorValue());
                out.put(doc, (1.0 + dot) / 2.0);
            }
        }
    }

    /**
     * Any of the text's words in the text or the filename, within the scope; null when the text has no words
     * (empty, punctuation). Built from analysed terms: no query syntax, so no user text can break it.
     */
    static Query keywordQuery(Analyzer analyzer, String text, Query scope) throws IOException {
        Set<String> terms = terms(analyzer, text);
        if (terms.isEmpty()) {
            return null;
        }
        BooleanQuery.Builder inText = new BooleanQuery.Builder();
        BooleanQuery.Builder inName = new BooleanQuery.Builder();
        for (String t : terms) {
            inText.add(new TermQuery(new Term(Documents.TEXT, t)), Occur.SHOULD);
            inName.add(new TermQuery(new Term(Documents.FILENAME, t)), Occur.SHOULD);
        }
        return new BooleanQuery.Builder()
                .add(inText.build(), Occur.SHOULD)
                .add(new BoostQuery(inName.build(), FILENAME_BOOST), Occur.SHOULD)
                .setMinimumNumberShouldMatch(1)
                .add(scope, Occur.FILTER)
                .build();
    }

    static Set<String> terms(Analyzer analyzer, String text) throws IOException {
        Set<String> terms = new LinkedHashSet<>();
        if (text == null || text.isBlank()) {
            return terms;
        }
        try (TokenStream tokens = analyzer.tokenStream(Documents.TEXT, text)) {
            CharTermAttribute term = tokens.addAttribute(CharTermAttribute.class);
            tokens.reset();
            while (terms.size() < MAX_QUERY_TERMS && tokens.incrementToken()) {
                if (term.length() > 0) {
                    terms.add(term.toString());
                }
            }
            tokens.end();
        }
        return terms;
    }

    /**
     * The field holding {@code model}'s vectors of this dimension; null when the index has none of the model, since
     * a vector is only compared with vectors of its own model. Vectors of the model at another dimension only mean
     * the query was embedded wrongly: that is an error, not an empty result.
     */
    static String vectorField(IndexReader reader, String model, int dimensions) {
        String field = Documents.vectorField(model, dimensions);
        String prefix = Documents.vectorPrefix(model);
        Set<Integer> others = new TreeSet<>();
        for (LeafReaderContext leaf : reader.leaves()) {
            for (FieldInfo info : leaf.reader().getFieldInfos()) {
                if (info.getVectorDimension() > 0 && info.name.startsWith(prefix)) {
                    if (info.name.equals(field)) {
                        return field;
                    }
                    others.add(info.getVectorDimension());
                }
            }
        }
        if (!others.isEmpty()) {
            throw new IllegalArgumentException("the query vector has " + dimensions + " dimensions, but this index "
                    + "holds vectors of " + model + " with " + others.stream().map(String::valueOf)
                    .reduce((a, b) -> a + ", " + b).orElseThrow() + " dimensions");
        }
        return null;
    }
}
