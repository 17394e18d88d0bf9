package io.channelhub.plugins.privacy;

import java.time.Duration;

/** Retention periods that the law states in years, while {@link java.time.Duration} counts days. */
final class CalendarYears {

    private CalendarYears() {
    }

    /**
     * The longest that {@code years} consecutive calendar years can last, leap days included, so a record whose keep
     * the law states in years is never deleted a day early.
     */
    static Duration atMost(int years) {
        return Duration.ofDays(365L * years + (years + 3) / 4);
    }
}
