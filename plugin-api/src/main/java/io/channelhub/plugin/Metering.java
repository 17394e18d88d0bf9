package io.channelhub.plugin;

/**
 * The usage ledger. Every billable unit a plugin causes (a template send, a media upload) goes through here; the
 * hub attributes it to the tenant, plugin and instance of the context and never counts the same key twice. A hard
 * quota on the usage type refuses with {@link QuotaExceededException}. Usage recorded while handling an inbound
 * request is kept only with the work it belongs to: it is committed with the events the handler returns, and
 * dropped when the hub refuses the request (a rate limit, a quota) or the handler fails.
 *
 * <pre>{@code
 * context.metering().record("whatsapp.template", 1, "message", "tmpl:" + wamid);
 * }</pre>
 */
public interface Metering {

    /**
     * Records usage.
     *
     * @param usageType      a dotted type name, stable over time
     * @param quantity       how many units
     * @param unit           the unit ({@code message}, {@code token}, {@code byte})
     * @param idempotencyKey unique per real-world event, so a retried call is counted once
     * @throws QuotaExceededException when a hard quota of the tenant on {@code usageType} is used up (since 1.2.0);
     *                                nothing is recorded
     */
    void record(String usageType, long quantity, String unit, String idempotencyKey);
}
