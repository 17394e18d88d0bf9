package io.channelhub.hub.webhooks;

import java.time.Instant;
import java.util.List;
import java.util.Map;

/** An integrator's endpoint for a tenant's events. Secrets are sealed documents ({@code {"sealed": ...}}). */
public record WebhookSubscription(String id, String tenantId, String url, List<String> events,
                                  Map<String, Object> secret, Map<String, Object> previousSecret,
                                  Instant previousSecretUntil, boolean enabled, String ownerPrincipalId,
                                  Instant createdAt, Instant updatedAt) {

    public boolean wants(String eventType) {
        return enabled && (events.contains("*") || events.contains(eventType));
    }
}
