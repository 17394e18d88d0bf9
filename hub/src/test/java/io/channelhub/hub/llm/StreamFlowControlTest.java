package io.channelhub.hub.llm;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Flow;
import org.junit.jupiter.api.Test;

/**
 * How a streamed reply asks the HTTP client for more: the reader (a virtual thread per stream) must not ask after
 * every buffer, since asking takes the client's one selector lock; the client's own delivery asks again for what
 * the reader took. The buffers in flight stay within the window however slowly the reader reads.
 */
class StreamFlowControlTest {

    private static final int WINDOW = OpenAiHttpProvider.Events.WINDOW;

    /** Counts demand, and who asked: the client (subscribing, delivering) or the reader. */
    private static final class Subscription implements Flow.Subscription {
        long requested;
        int askedByReader;
        int askedByClient;
        boolean inClient;
        boolean cancelled;

        @Override
        public void request(long n) {
            assertThat(n).isPositive();
            requested += n;
            if (inClient) {
                askedByClient++;
            } else {
                askedByReader++;
            }
        }

        @Override
        public void cancel() {
            cancelled = true;
        }
    }

    private final OpenAiHttpProvider.Events events = new OpenAiHttpProvider.Events();
    private final Subscription subscription = new Subscription();
    private long delivered;

    /** The client delivers one buffer holding one event, as it may only while there is demand. */
    private void deliver(String data) {
        assertThat(subscription.requested).as("demand").isGreaterThan(delivered);
        subscription.inClient = true;
        try {
            events.onNext(List.of(ByteBuffer.wrap(("data: " + data + "\n\n").getBytes(StandardCharsets.UTF_8))));
        } finally {
            subscription.inClient = false;
        }
        delivered++;
    }

    private void subscribe() {
        subscription.inClient = true;
        events.onSubscribe(subscription);
        subscription.inClient = false;
    }

    private String read() throws Exception {
        return events.next(Duration.ofSeconds(5), System.nanoTime() + Duration.ofSeconds(5).toNanos()).data();
    }

    @Test
    void aReaderThatKeepsUpNeverAsksTheClientItself() throws Exception {
        subscribe();
        for (int i = 0; i < 100; i++) {
            deliver("chunk " + i);
            assertThat(read()).isEqualTo("chunk " + i);
        }
        events.onComplete();
        assertThat(events.next(Duration.ofSeconds(1), System.nanoTime() + Duration.ofSeconds(1).toNanos())).isNull();

        assertThat(subscription.askedByReader).as("requests from the reader's thread").isZero();
        assertThat(subscription.askedByClient).as("the window, then once a delivery").isEqualTo(100);
        // What the reader took comes back as demand: the window stays open.
        assertThat(subscription.requested - delivered).isEqualTo(WINDOW - 1);
    }

    @Test
    void aStalledReaderHoldsNoMoreThanTheWindowAndReopensItInHalves() throws Exception {
        subscribe();
        while (subscription.requested > delivered) {
            deliver("chunk " + delivered);
        }
        assertThat(delivered).as("buffers delivered to a reader that read nothing").isEqualTo(WINDOW);

        for (int i = 0; i < WINDOW; i++) {
            assertThat(read()).isEqualTo("chunk " + i);
        }
        // No delivery came while it read through the burst, so it asked itself, half a window at a time.
        assertThat(subscription.askedByReader).isEqualTo(2);
        assertThat(subscription.requested - delivered).isEqualTo(WINDOW);
        deliver("after the burst");
        assertThat(read()).isEqualTo("after the burst");
    }

    @Test
    void closingCancelsTheExchangeAndEndsTheReader() throws Exception {
        subscribe();
        deliver("first");
        events.close();
        assertThat(subscription.cancelled).isTrue();
        assertThat(events.next(Duration.ofSeconds(1), System.nanoTime() + Duration.ofSeconds(1).toNanos())).isNull();
    }
}
