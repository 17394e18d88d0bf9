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

    /** One bucket of a {@link #takeInOrder} call. */
    record Take(String bucket, long capacity, long periodMs) {
    }

    /**
     * Takes a token from each bucket in order and stops at the first that refuses (the buckets after it are not
     * touched). Returns the decisions made, the refusing one last. A limiter backed by a server makes this one round
     * trip.
     */
    default java.util.List<Decision> takeInOrder(java.util.List<Take> buckets) {
        java.util.List<Decision> out = new java.util.ArrayList<>(buckets.size());
        for (Take t : buckets) {
            Decision d = take(t.bucket(), t.capacity(), t.periodMs());
            out.add(d);
            if (!d.allowed()) {
                break;
            }
        }
        return out;
    }
}
