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
}
