package io.channelhub.plugins.knowledge;

import io.channelhub.plugin.knowledge.AttributeFilter;
import java.util.List;
import org.apache.lucene.document.DoublePoint;
import org.apache.lucene.index.Term;
import org.apache.lucene.search.BooleanClause.Occur;
import org.apache.lucene.search.BooleanQuery;
import org.apache.lucene.search.MatchAllDocsQuery;
import org.apache.lucene.search.Query;
import org.apache.lucene.search.TermInSetQuery;
import org.apache.lucene.search.TermQuery;
import org.apache.lucene.util.BytesRef;

/** What a search may return, as a Lucene query: the query's stores and its attribute filter. Never scored. */
final class Filters {

    private Filters() {
    }

    static Query scope(List<String> storeIds, AttributeFilter filter) {
        BooleanQuery.Builder scope = new BooleanQuery.Builder()
                .add(new TermInSetQuery(Documents.STORE, storeIds.stream().map(BytesRef::new).toList()), Occur.FILTER);
        if (filter != null) {
            scope.add(of(filter), Occur.FILTER);
        }
        return scope.build();
    }

    static Query of(AttributeFilter filter) {
        if (filter instanceof AttributeFilter.Compound compound) {
            BooleanQuery.Builder b = new BooleanQuery.Builder();
            for (AttributeFilter f : compound.filters()) {
                b.add(of(f), compound.any() ? Occur.SHOULD : Occur.FILTER);
            }
            if (compound.any()) {
                b.setMinimumNumberShouldMatch(1);
            }
            return b.build();
        }
        AttributeFilter.Comparison c = (AttributeFilter.Comparison) filter;
        String key = c.key();
        if (c.value() instanceof Number n) {
            String field = Documents.NUMBER_ATTRIBUTE + key;
            double v = Documents.number(n);
            return switch (c.op()) {
                case EQ -> DoublePoint.newExactQuery(field, v);
                case NE -> not(DoublePoint.newExactQuery(field, v));
                case GT -> DoublePoint.newRangeQuery(field, DoublePoint.nextUp(v), Double.POSITIVE_INFINITY);
                case GTE -> DoublePoint.newRangeQuery(field, v, Double.POSITIVE_INFINITY);
                case LT -> DoublePoint.newRangeQuery(field, Double.NEGATIVE_INFINITY, DoublePoint.nextDown(v));
                case LTE -> DoublePoint.newRangeQuery(field, Double.NEGATIVE_INFINITY, v);
            };
        }
        // Comparison's constructor allows only eq and ne on strings and booleans.
        Query eq = c.value() instanceof Boolean b
                ? new TermQuery(new Term(Documents.BOOLEAN_ATTRIBUTE + key, b.toString()))
                : new TermQuery(new Term(Documents.STRING_ATTRIBUTE + key, (String) c.value()));
        return c.op() == AttributeFilter.Op.NE ? not(eq) : eq;
    }

    // Everything but the matches, so a file without the attribute passes, as the contract says of ne.
    private static Query not(Query q) {
        return new BooleanQuery.Builder()
                .add(new MatchAllDocsQuery(), Occur.FILTER)
                .add(q, Occur.MUST_NOT)
                .build();
    }
}
