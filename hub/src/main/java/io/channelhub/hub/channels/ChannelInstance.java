package io.channelhub.hub.channels;

import java.time.Instant;
import java.util.Map;

/**
 * A tenant's configured use of a channel plugin. {@code settings} holds validated values; secret ones are sealed
 * ({@code v1:...}) and only opened when the hub calls the plugin.
 */
public record ChannelInstance(String id, String tenantId, String pluginId, String name, String routingValue,
                              Map<String, Object> settings, boolean enabled, String ownerPrincipalId, int version,
                              Instant createdAt, Instant updatedAt) {
}
