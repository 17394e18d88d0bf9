package io.channelhub.hub.delivery;

import java.time.Duration;

/** Delivers one outbox row of its kind (webhook now; channel sends later). */
public interface Deliverer {

    /** The outcome of one attempt. */
    sealed interface Outcome {
        record Delivered(int statusCode) implements Outcome {
        }

        record Retry(Integer statusCode, String error, Duration retryAfter) implements Outcome {
        }

        record Permanent(Integer statusCode, String error) implements Outcome {
        }

        /**
         * Not attempted: the row waits its turn (a pace, a plugin that is starting) and comes back after
         * {@code after}. It costs no attempt, so waiting never sends a message to the dead letters.
         */
        record Deferred(String reason, Duration after) implements Outcome {
        }
    }

    Outcome deliver(OutboxItem item);

    /** Called once when a row goes to the dead-letter state. */
    default void dead(OutboxItem item) {
    }
}
