package io.channelhub.plugin.knowledge;

import java.util.List;
import java.util.Locale;

/**
 * A filter on file attributes, with the shape of OpenAI's vector store search filters: a comparison of one
 * attribute ({@code eq}, {@code ne}, {@code gt}, {@code gte}, {@code lt}, {@code lte}) or a compound of filters
 * ({@code and}, {@code or}). Values are strings, numbers or booleans; {@code gt} and friends compare numbers.
 * A comparison on an attribute a file does not have fails, except {@code ne}, which passes.
 *
 * <pre>{@code
 * AttributeFilter.and(AttributeFilter.eq("region", "south"), new AttributeFilter.Comparison("year", AttributeFilter.Op.GTE, 2024))
 * }</pre>
 *
 * @since 1.3.0
 */
public sealed interface AttributeFilter permits AttributeFilter.Comparison, AttributeFilter.Compound {

    /** Comparison operators. */
    enum Op {
        EQ, NE, GT, GTE, LT, LTE;

        public String wire() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    /**
     * One attribute compared with a value.
     *
     * @param key   the attribute
     * @param op    the operator
     * @param value a {@link String}, a {@link Number} or a {@link Boolean}
     */
    record Comparison(String key, Op op, Object value) implements AttributeFilter {

        /** Values are strings, numbers or booleans. */
        public Comparison {
            if (!(value instanceof String || value instanceof Number || value instanceof Boolean)) {
                throw new IllegalArgumentException("a filter value is a string, a number or a boolean");
            }
            if (op != Op.EQ && op != Op.NE && !(value instanceof Number)) {
                throw new IllegalArgumentException(op.wire() + " compares numbers");
            }
        }
    }

    /**
     * Filters joined by {@code and} ({@code any = false}) or {@code or} ({@code any = true}).
     *
     * @param any     true for {@code or}
     * @param filters the filters (at least one)
     */
    record Compound(boolean any, List<AttributeFilter> filters) implements AttributeFilter {

        /** Copies the list. */
        public Compound {
            filters = List.copyOf(filters);
            if (filters.isEmpty()) {
                throw new IllegalArgumentException("a compound filter needs at least one filter");
            }
        }
    }

    static AttributeFilter eq(String key, Object value) {
        return new Comparison(key, Op.EQ, value);
    }

    static AttributeFilter and(AttributeFilter... filters) {
        return new Compound(false, List.of(filters));
    }

    static AttributeFilter or(AttributeFilter... filters) {
        return new Compound(true, List.of(filters));
    }
}
