package io.channelhub.plugin;

/**
 * A normalized event a plugin parsed from an inbound request. The hub stores it durably and de-duplicates it on
 * (tenant, plugin, {@link #externalId()}) before it answers the caller; processing happens afterwards.
 * Implementations are the records of this contract, such as
 * {@link io.channelhub.plugin.channel.MessageReceived} and {@link io.channelhub.plugin.billing.PaymentEvent}.
 *
 * <pre>{@code
 * InboundEvent e = new MessageReceived("wamid.1", "5511999990000", "Ana", MessageReceived.Kind.TEXT, "Oi", null, ts);
 * }</pre>
 */
public interface InboundEvent {

    /** The id the external system gives this event; the de-duplication key. */
    String externalId();
}
