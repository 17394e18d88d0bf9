package io.channelhub.hub.web;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonNaming;
import io.channelhub.hub.errors.ApiException;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * A page of a list: {@code data} plus {@code next_cursor}, to pass as {@code after} (or {@code before}) for the
 * next page; absent on the last page. Keyset cursors stay correct while rows are added.
 */
@JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
@JsonInclude(JsonInclude.Include.NON_NULL)
public record Page<T>(List<T> data, String nextCursor) {

    public static final int DEFAULT_LIMIT = 50;
    public static final int MAX_LIMIT = 200;

    public static int limit(Integer requested) {
        if (requested == null) {
            return DEFAULT_LIMIT;
        }
        if (requested < 1 || requested > MAX_LIMIT) {
            throw ApiException.unprocessable("invalid_limit", "limit must be between 1 and " + MAX_LIMIT,
                    Map.of("field", "limit"));
        }
        return requested;
    }

    /** {@code rows} was fetched with {@code limit + 1} to learn whether there is a next page. */
    public static <T> Page<T> of(List<T> rows, int limit, Function<T, String> cursor) {
        if (rows.size() > limit) {
            List<T> page = rows.subList(0, limit);
            return new Page<>(List.copyOf(page), cursor.apply(page.get(limit - 1)));
        }
        return new Page<>(List.copyOf(rows), null);
    }

    public static <T> Page<T> all(List<T> rows) {
        return new Page<>(List.copyOf(rows), null);
    }

    /**
     * Where a page of a list ordered by a time, newest first, ends: the last row's time and id. Carrying the time
     * keeps a page where it was when a row on it changes meanwhile (and moves to the top); the id breaks ties.
     * On the wire {@code <epoch microseconds>.<id>}, microseconds being what the database keeps (16 digits at most:
     * past the year 2286, and past what a long holds, is no cursor the hub made).
     */
    public record TimeCursor(java.time.Instant at, String id) {

        private static final java.util.regex.Pattern WIRE = java.util.regex.Pattern.compile("(\\d{1,16})\\.(.{1,64})");

        /** The cursor an {@code after} parameter names, null for the first page; 422 {@code invalid_cursor}. */
        public static TimeCursor parse(String after) {
            if (after == null) {
                return null;
            }
            java.util.regex.Matcher m = WIRE.matcher(after);
            if (!m.matches()) {
                throw ApiException.unprocessable("invalid_cursor", "after is the next_cursor of the previous page",
                        Map.of("field", "after"));
            }
            long micros = Long.parseLong(m.group(1));
            return new TimeCursor(java.time.Instant.ofEpochSecond(Math.floorDiv(micros, 1_000_000L),
                    Math.floorMod(micros, 1_000_000L) * 1_000L), m.group(2));
        }

        public static String format(java.time.Instant at, String id) {
            return (at.getEpochSecond() * 1_000_000L + at.getNano() / 1_000) + "." + id;
        }
    }
}
