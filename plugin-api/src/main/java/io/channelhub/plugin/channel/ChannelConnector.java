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
}
