package io.channelhub.hub.agents;

import java.time.Instant;

/** A tenant's agent: who answers, with which model and instructions. */
public record Agent(String id, String tenantId, String slug, String name, AgentSpec spec, String promptId,
                    Integer promptVersion, boolean isDefault, String ownerPrincipalId, int version,
                    Instant createdAt, Instant updatedAt) {
}
