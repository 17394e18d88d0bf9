package io.channelhub.plugin.privacy;

import java.time.Duration;
import java.util.Map;
import java.util.Optional;

/**
 * Default retention per data category; a tenant may shorten or (where the law allows) lengthen them.
 *
 * <pre>{@code
 * new RetentionDefaults(Map.of(DataCategory.MESSAGES, Duration.ofDays(365)))
 * }</pre>
 *
 * @param periods how long each category is kept
 */
public record RetentionDefaults(Map<DataCategory, Duration> periods) {

    /** Copies the map. */
    public RetentionDefaults {
        periods = Map.copyOf(periods);
    }

    /** The period of a category, when one is set. */
    public Optional<Duration> period(DataCategory category) {
        return Optional.ofNullable(periods.get(category));
    }

    /**
     * Categories of retained data. {@code FILES} (since 1.3.0): the tenant's uploaded knowledge files, with their
     * chunks and vectors; a policy that names no period for it keeps them until deleted.
     */
    public enum DataCategory { CONVERSATIONS, MESSAGES, MEDIA, USAGE_DETAIL, AUDIT, FILES }
}
