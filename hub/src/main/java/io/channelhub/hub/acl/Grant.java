package io.channelhub.hub.acl;

import java.time.Instant;

/** An explicit right of a key's principal on one resource, on top of what its role allows. */
public record Grant(String id, String tenantId, ResourceType resourceType, String resourceId, String principalId,
                    ResourcePermission permission, String grantedBy, Instant createdAt) {
}
