package io.channelhub.hub.acl;

import java.util.EnumMap;
import java.util.Map;
import java.util.Optional;

/**
 * Finds a tenant's resource of any ACL-covered type, so grants can be checked against something that exists in the
 * caller's tenant. Each concern registers the types it stores.
 */
public class ResourceDirectory {

    /** Looks up one resource type. */
    @FunctionalInterface
    public interface Lookup {
        /** The resource, if it exists in this tenant. */
        Optional<ResourceRef> find(String tenantId, String resourceId);
    }

    /** A resource and its owner (the principal that created it; null when it has none). */
    public record ResourceRef(ResourceType type, String id, String ownerPrincipalId) {
    }

    private final Map<ResourceType, Lookup> lookups = new EnumMap<>(ResourceType.class);

    public void register(ResourceType type, Lookup lookup) {
        lookups.put(type, lookup);
    }

    public Optional<ResourceRef> find(String tenantId, ResourceType type, String id) {
        Lookup l = lookups.get(type);
        return l == null ? Optional.empty() : l.find(tenantId, id);
    }
}
