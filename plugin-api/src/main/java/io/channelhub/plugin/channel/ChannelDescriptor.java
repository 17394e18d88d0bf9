package io.channelhub.plugin.channel;

import io.channelhub.plugin.SettingsSchema;
import java.util.Objects;
import java.util.Set;

/**
 * What a channel is and what it needs from the hub.
 *
 * <pre>{@code
 * new ChannelDescriptor("whatsapp-cloud", "WhatsApp Cloud API", Set.of(ChannelCapability.MEDIA),
 *         schema, "phone_number_id", 80.0);
 * }</pre>
 *
 * @param type                 a stable id of the channel type
 * @param displayName          its human name
 * @param capabilities         optional features it supports
 * @param settingsSchema       what an instance must configure
 * @param routingKey           the setting by which a shared plugin route finds the instance, or null when every
 *                             instance has its own route
 * @param sendRatePerSecond    the pace the hub keeps per instance when sending
 * @param freeFormWindow       how long after a contact's last inbound message the channel accepts free-form
 *                             messages (WhatsApp: 24 hours); outside it only templates go out. Null: no window
 *                             (since 1.1.0)
 * @param maxTextLength        the longest text one message may carry; the hub splits longer replies into parts
 *                             sent in order. 0: no limit (since 1.1.0)
 */
public record ChannelDescriptor(String type, String displayName, Set<ChannelCapability> capabilities,
                                SettingsSchema settingsSchema, String routingKey, double sendRatePerSecond,
                                java.time.Duration freeFormWindow, int maxTextLength) {

    /** A channel without a service window or text limit (the form of plugin API 1.0). */
    public ChannelDescriptor(String type, String displayName, Set<ChannelCapability> capabilities,
                             SettingsSchema settingsSchema, String routingKey, double sendRatePerSecond) {
        this(type, displayName, capabilities, settingsSchema, routingKey, sendRatePerSecond, null, 0);
    }

    /** Checks the declaration. */
    public ChannelDescriptor {
        if (maxTextLength < 0) {
            throw new IllegalArgumentException("maxTextLength must not be negative");
        }
        Objects.requireNonNull(type, "type");
        Objects.requireNonNull(settingsSchema, "settingsSchema");
        capabilities = Set.copyOf(capabilities);
        if (routingKey != null && settingsSchema.find(routingKey).isEmpty()) {
            throw new IllegalArgumentException("routing key " + routingKey + " is not a declared setting");
        }
        if (sendRatePerSecond <= 0) {
            throw new IllegalArgumentException("sendRatePerSecond must be positive");
        }
    }
}
