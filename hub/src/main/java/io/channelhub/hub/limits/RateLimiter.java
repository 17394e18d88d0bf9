package io.channelhub.hub.limits;

/** Check-and-consume on a named token bucket, in one atomic step. */
public interface RateLimiter {

    /**
     * The outcome of taking one token.
     *
     * @param allowed   whether the request may go on
     * @param limit     the bucket's capacity
     * @param remaining tokens left after this request
     * @param resetMs   milliseconds until the bucket is full again
     * @param retryMs   when refused, milliseconds until one token is available
     */
    record Decision(boolean allowed, long limit, long remaining, long resetMs, long retryMs) {
    }

    Decision take(String bucket, long capacity, long periodMs);
}
