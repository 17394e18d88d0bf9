package io.channelhub.plugin.channel;

import io.channelhub.plugin.InboundRequest;
import io.channelhub.plugin.InboundResult;
import io.channelhub.plugin.InboundScope;
import io.channelhub.plugin.PluginContext;
import io.channelhub.plugin.Settings;
import io.channelhub.plugin.SettingsException;
import org.pf4j.ExtensionPoint;

/**
 * A channel: the wire protocol between end users and the hub. The hub owns tenancy, storage, de-duplication,
 * retries, pacing and metering; a connector only authenticates and parses inbound requests and sends one outbound
 * message at a time.
 *
 * <pre>{@code
 * @Extension
 * public class SmsConnector implements ChannelConnector {
 *     public ChannelDescriptor descriptor() { return new ChannelDescriptor("sms", "SMS", ...); }
 *     public InboundResult handleInbound(InboundRequest request, InboundScope scope) { ... }
 *     public SendResult send(OutboundMessage message, PluginContext context) { ... }
 * }
 * }</pre>
 */
public interface ChannelConnector extends ExtensionPoint {

    /** What this channel is and needs; called once at start, must not throw. */
    ChannelDescriptor descriptor();

    /**
     * Cross-field checks beyond the schema, run by the hub before an instance is saved.
     *
     * @throws SettingsException with the errors per setting
     */
    default void validateSettings(Settings settings) throws SettingsException {
    }

    /**
     * Authenticates and parses one inbound request. Must not block on anything but the plugin's own CPU: the hub
     * stores the returned events and answers the caller; processing happens later.
     */
    InboundResult handleInbound(InboundRequest request, InboundScope scope);

    /** Sends one message; the hub retries on {@link SendResult.Retryable} with backoff and pacing. */
    SendResult send(OutboundMessage message, PluginContext context);

    /**
     * Checks a message before the hub queues it, for what only the channel knows (template parameters against the
     * stored template). The hub has already checked the customer-service window and consent rules it can.
     *
     * @since 1.1.0
     */
    default OutboundCheck checkOutbound(OutboundMessage message, PluginContext context) {
        return OutboundCheck.accepted(null);
    }

    /**
     * The messages per second the hub keeps to one instance; by default the descriptor's. A channel whose
     * instances differ (a phone number's throughput tier) reads it from the settings.
     *
     * @since 1.1.0
     */
    default double sendRatePerSecond(Settings settings) {
        return descriptor().sendRatePerSecond();
    }

    /**
     * Fetches the instance's templates from the channel, keeps them in the plugin store and returns them. Called by
     * the hub on request; channels without {@link ChannelCapability#TEMPLATES} keep the default.
     *
     * @since 1.1.0
     */
    default java.util.List<MessageTemplate> syncTemplates(PluginContext context) {
        return java.util.List.of();
    }

    /**
     * Downloads the file an inbound message refers to (a WhatsApp media id), for the hub to store and pass to the
     * agent; empty when it has none. Called while the hub processes the stored message, never inside
     * {@link #handleInbound}, so it may call the channel's API.
     *
     * @since 1.1.0
     */
    default java.util.Optional<FetchedMedia> fetchMedia(MessageReceived message, PluginContext context) {
        return java.util.Optional.empty();
    }

    /**
     * The instance's templates as last synchronised (from the plugin store, without calling the channel).
     *
     * @since 1.1.0
     */
    default java.util.List<MessageTemplate> templates(PluginContext context) {
        return java.util.List.of();
    }
}
