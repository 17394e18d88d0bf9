package io.channelhub.hub.webhooks;

import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * An integrator's endpoint for a tenant's events. Secrets are sealed documents ({@code {"sealed": ...}}).
 * {@code format}: {@link #JSON} (the signed event envelope) or {@link #CHAT} (one line of text, {@code {"text"}}, for a
 * chat tool's incoming webhook).
 */
public record WebhookSubscription(String id, String tenantId, String url, List<String> events,
                                  Map<String, Object> secret, Map<String, Object> previousSecret,
                                  Instant previousSecretUntil, boolean enabled, String ownerPrincipalId,
                                  Instant createdAt, Instant updatedAt, String format) {

    public static final String JSON = "json";
    public static final String CHAT = "chat";

    public boolean wants(String eventType) {
        return enabled && (events.contains("*") || events.contains(eventType));
    }
}
