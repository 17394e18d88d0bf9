package io.channelhub.plugin;

/**
 * The usage ledger. Every billable unit a plugin causes (a template send, a media upload) goes through here; the
 * hub attributes it to the tenant, plugin and instance of the context and never counts the same key twice.
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
     */
    void record(String usageType, long quantity, String unit, String idempotencyKey);
}
