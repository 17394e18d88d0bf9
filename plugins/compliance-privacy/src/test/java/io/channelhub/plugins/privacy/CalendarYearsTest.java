package io.channelhub.plugins.privacy;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.LocalDate;
import java.time.temporal.ChronoUnit;
import org.junit.jupiter.api.Test;

class CalendarYearsTest {

    @Test
    void coversEveryRunOfYearsWhateverDayItStarts() {
        for (int years : new int[] {1, 2, 4, 5, 6, 10}) {
            Duration period = CalendarYears.atMost(years);
            for (LocalDate start = LocalDate.of(1999, 1, 1); start.getYear() < 2030; start = start.plusDays(1)) {
                long days = ChronoUnit.DAYS.between(start, start.plusYears(years));
                assertThat(period.toDays()).as("%d years from %s", years, start).isGreaterThanOrEqualTo(days);
            }
        }
    }

    @Test
    void exceedsTheShortestRunByNoMoreThanALeapDay() {
        assertThat(CalendarYears.atMost(1)).isEqualTo(Duration.ofDays(366));
        assertThat(CalendarYears.atMost(5)).isEqualTo(Duration.ofDays(1827));
        assertThat(CalendarYears.atMost(10)).isEqualTo(Duration.ofDays(3653));
    }
}
