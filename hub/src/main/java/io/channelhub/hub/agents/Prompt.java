package io.channelhub.hub.agents;

import java.time.Instant;

/** A named prompt whose versions never change once written. */
public record Prompt(String id, String tenantId, String slug, String name, String description, int latestVersion,
                     String ownerPrincipalId, Instant createdAt, Instant updatedAt) {

    /** One immutable version. */
    public record Version(String promptId, int version, String content, String note, String createdBy,
                          Instant createdAt) {
    }
}
