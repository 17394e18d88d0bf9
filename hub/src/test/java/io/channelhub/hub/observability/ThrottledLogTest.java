package io.channelhub.hub.observability;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

/** An outage of a minute and a half that fails every second reads as four lines, with the count of the rest. */
class ThrottledLogTest {

    @Test
    void logsTheFirstFailureThenOneLineAMinuteThenTheRecovery() {
        Logger logger = (Logger) LoggerFactory.getLogger("throttled-log-test");
        ListAppender<ILoggingEvent> lines = new ListAppender<>();
        lines.start();
        logger.addAppender(lines);
        AtomicLong now = new AtomicLong(1_000_000);
        ThrottledLog log = new ThrottledLog(logger, Duration.ofMinutes(1), now::get);

        for (int second = 0; second < 90; second++) {
            log.warn("Redis down ({})", "JedisConnectionException");
            now.addAndGet(1000);
        }
        log.recovered("Redis back");
        log.recovered("Redis back");
        log.warn("Redis down ({})", "again");

        assertThat(lines.list).extracting(ILoggingEvent::getFormattedMessage).containsExactly(
                "Redis down (JedisConnectionException)",
                "Redis down (JedisConnectionException) (59 more since the last warning)",
                "Redis back (29 failures not logged)",
                "Redis down (again)");
        logger.detachAppender(lines);
    }
}
