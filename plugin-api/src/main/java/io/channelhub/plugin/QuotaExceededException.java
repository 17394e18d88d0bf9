package io.channelhub.plugin;

import java.time.Instant;
import java.util.Optional;

/**
 * Thrown by {@link Metering#record} when the tenant's hard quota on the usage type is used up: nothing was
 * recorded, and the plugin should not do the billable work. Left uncaught in an inbound handler, it becomes the
 * hub's {@code 429 quota_exceeded} answer to the caller.
 *
 * <pre>{@code
 * try {
 *     context.metering().record("sms.segments", segments, "segment", "sms:" + messageId);
 * } catch (QuotaExceededException e) {
 *     return InboundResult.answerOnly(HttpAnswer.json(429, "{\"error\":\"quota\"}"));
 * }
 * }</pre>
 *
 * @since 1.2.0
 */
public class QuotaExceededException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    private final String usageType;
    private final String period;
    private final long limit;
    private final long used;
    private final transient Instant resetsAt;

    /**
     * @param usageType the usage type whose quota is used up
     * @param period    the quota's period ({@code hourly}, {@code daily}, {@code monthly}, {@code total})
     * @param limit     the quota's limit
     * @param used      the usage in the current period
     * @param resetsAt  when the period ends, or null for a {@code total} quota
     */
    public QuotaExceededException(String usageType, String period, long limit, long used, Instant resetsAt) {
        super("the " + period + " quota for " + usageType + " is used up");
        this.usageType = usageType;
        this.period = period;
        this.limit = limit;
        this.used = used;
        this.resetsAt = resetsAt;
    }

    /** The usage type whose quota is used up. */
    public String usageType() {
        return usageType;
    }

    /** The quota's period. */
    public String period() {
        return period;
    }

    /** The quota's limit. */
    public long limit() {
        return limit;
    }

    /** The usage in the current period. */
    public long used() {
        return used;
    }

    /** When the period ends and the usage starts again from zero; empty for a {@code total} quota. */
    public Optional<Instant> resetsAt() {
        return Optional.ofNullable(resetsAt);
    }
}
