package io.channelhub.plugin;

import java.time.Clock;
import java.util.Optional;
import org.slf4j.Logger;

/**
 * The tenant-bound context the hub passes with every call into a plugin. It is immutable and holds only narrow
 * services already scoped to {@link #tenantId()}: nothing reachable from it can read or write another tenant's
 * data, and a plugin never needs the plugin manager, a database connection or the HTTP server.
 *
 * <pre>{@code
 * public SendResult send(OutboundMessage message, PluginContext context) {
 *     String token = context.settings().require("access_token");
 *     HttpResponse<byte[]> response = context.http().send(request(message, token));
 *     ...
 * }
 * }</pre>
 */
public interface PluginContext {

    /** The tenant on whose behalf this call runs, as resolved by the hub from a verified credential. */
    String tenantId();

    /** The channel instance or gateway configuration this call is for, when there is one. */
    Optional<InstanceInfo> instance();

    /** The decrypted settings of {@link #instance()}; empty when the call is not bound to an instance. */
    default Settings settings() {
        return instance().map(InstanceInfo::settings).orElse(Settings.empty());
    }

    /** Conversations and messages of this tenant. */
    Conversations conversations();

    /** Contacts and the consent ledger of this tenant. */
    Contacts contacts();

    /** The usage ledger; the only way a plugin reports billable work. */
    Metering metering();

    /** A document store private to this plugin and this tenant. */
    DocumentStore store();

    /**
     * Files end users sent through the context's instance.
     *
     * @since 1.1.0
     */
    default MediaStore media() {
        throw new UnsupportedOperationException("this hub offers no media store (plugin API before 1.1.0)");
    }

    /**
     * The tenant's sales leads: what a plugin found in a conversation, kept, qualified and announced by the hub.
     *
     * @since 1.5.0
     */
    default Leads leads() {
        throw new UnsupportedOperationException("this hub keeps no leads (plugin API before 1.5.0)");
    }

    /**
     * The tenant's language models, through the hub's gateway (metered, quota-checked).
     *
     * @since 1.5.0
     */
    default Models models() {
        throw new UnsupportedOperationException("this hub offers plugins no models (plugin API before 1.5.0)");
    }

    /** Outbound HTTP, instrumented by the hub (trace propagation, timeouts, metrics). */
    OutboundHttp http();

    /** The hub's clock; use it instead of the system clock so tests can control time. */
    Clock clock();

    /** A logger whose entries carry the tenant, plugin and trace ids. */
    Logger logger();

    /**
     * A configured use of a plugin by one tenant: one WhatsApp phone number, one website widget, one gateway
     * account.
     *
     * @param id       the hub's id of the instance
     * @param pluginId the plugin that serves it
     * @param name     the tenant's name for it
     * @param settings its validated, decrypted settings
     */
    record InstanceInfo(String id, String pluginId, String name, Settings settings) {
    }
}
