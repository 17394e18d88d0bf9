package io.channelhub.plugin.model;

import java.time.Duration;

/**
 * A failed model call, classified so the hub can retry what is worth retrying and tell the caller what happened.
 *
 * <pre>{@code
 * throw new ModelException(Kind.RATE_LIMITED, "429 from upstream", Duration.ofSeconds(2));
 * }</pre>
 */
public class ModelException extends Exception {

    private static final long serialVersionUID = 1L;

    /** What went wrong. */
    public enum Kind {
        /** 429: retry after a while. */
        RATE_LIMITED(true),
        /** No answer in time: retry. */
        TIMEOUT(true),
        /** 5xx or a broken connection: retry. */
        UPSTREAM_ERROR(true),
        /** The credentials were refused: do not retry. */
        AUTHENTICATION(false),
        /** The request was refused as invalid (unknown model, too long): do not retry. */
        BAD_REQUEST(false);

        private final boolean retryable;

        Kind(boolean retryable) {
            this.retryable = retryable;
        }

        /** Whether repeating the call may succeed. */
        public boolean retryable() {
            return retryable;
        }
    }

    private final Kind kind;
    private final transient Duration retryAfter;

    /** A failure; {@code retryAfter} may be null. */
    public ModelException(Kind kind, String message, Duration retryAfter) {
        super(message);
        this.kind = kind;
        this.retryAfter = retryAfter;
    }

    /** A failure with a cause. */
    public ModelException(Kind kind, String message, Throwable cause) {
        super(message, cause);
        this.kind = kind;
        this.retryAfter = null;
    }

    /** What went wrong. */
    public Kind kind() {
        return kind;
    }

    /** How long the provider asked to wait, or null. */
    public Duration retryAfter() {
        return retryAfter;
    }
}
