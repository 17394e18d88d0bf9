package io.channelhub.plugin;

import java.util.Optional;

/**
 * What an inbound handler may know about where a request came in. On an instance route
 * ({@code /hooks/instances/{id}/...}) {@link #instance()} is that instance; on a plugin route
 * ({@code /hooks/plugins/{pluginId}/...}), shared by many tenants, the plugin finds the instance through the hub's
 * registry by the routing key its descriptor declares (WhatsApp's {@code phone_number_id}).
 *
 * <pre>{@code
 * PluginContext ctx = scope.findInstance(phoneNumberId).orElse(null);
 * if (ctx == null || !validSignature(request, ctx.settings().require("app_secret"))) {
 *     return InboundResult.answerOnly(HttpAnswer.status(401));
 * }
 * }</pre>
 */
public interface InboundScope {

    /** The instance named by the route, if the route names one. */
    Optional<PluginContext> instance();

    /** The enabled instance of this plugin whose routing-key setting has this value. */
    Optional<PluginContext> findInstance(String routingKeyValue);

    /**
     * Whether some enabled instance of this plugin has this value in this setting (compared in constant time),
     * for a handshake that names no instance: WhatsApp's GET verification carries only the verify token.
     * Answers yes or no and hands out no context.
     *
     * @since 1.1.0
     */
    default boolean anyInstanceHas(String setting, String value) {
        return false;
    }
}
