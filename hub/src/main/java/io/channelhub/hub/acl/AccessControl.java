package io.channelhub.hub.acl;

import io.channelhub.hub.audit.AuditLog;
import io.channelhub.hub.identity.Caller;
import io.channelhub.hub.identity.Permission;
import io.channelhub.hub.errors.Failure;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Decides what a caller may do: the role's permissions, then ownership, then explicit grants. A denial is a 403
 * {@code permission_denied} and an audit entry.
 */
public class AccessControl {

    private final GrantRepository grants;
    private final AuditLog audit;

    public AccessControl(GrantRepository grants, AuditLog audit) {
        this.grants = grants;
        this.audit = audit;
    }

    public void require(Caller caller, String tenantId, Permission permission) {
        if (!caller.role().allows(permission)) {
            Map<String, Object> s = new LinkedHashMap<>();
            s.put("permission", permission.name().toLowerCase(java.util.Locale.ROOT));
            audit.denied(caller, tenantId, "access.denied", null, null, s);
            throw Failure.forbidden("permission_denied",
                    "role " + caller.role().wire() + " may not do this");
        }
    }

    public boolean allows(Caller caller, String tenantId, ResourceDirectory.ResourceRef resource,
                          ResourcePermission wanted) {
        if (caller.role().managesAllResources()) {
            return true;
        }
        if (wanted == ResourcePermission.READ && caller.role().allows(Permission.RESOURCES_READ)) {
            return true;
        }
        if (resource.ownerPrincipalId() != null && resource.ownerPrincipalId().equals(caller.principalId())
                && caller.role().allows(Permission.RESOURCES_CREATE)) {
            return true;
        }
        return grants.forPrincipal(tenantId, resource.type(), resource.id(), caller.principalId()).stream()
                .anyMatch(g -> wanted.impliedBy(g.permission()));
    }

    /** The items the caller may read, in their order, mapped for the answer. */
    public <T, V> java.util.List<V> readable(Caller caller, String tenantId, java.util.List<T> items,
                                            java.util.function.Function<T, ResourceDirectory.ResourceRef> ref,
                                            java.util.function.Function<T, V> view) {
        return items.stream().filter(i -> allows(caller, tenantId, ref.apply(i), ResourcePermission.READ))
                .map(view).toList();
    }

    public void require(Caller caller, String tenantId, ResourceDirectory.ResourceRef resource,
                        ResourcePermission wanted) {
        if (!allows(caller, tenantId, resource, wanted)) {
            Map<String, Object> s = new LinkedHashMap<>();
            s.put("permission", wanted.wire());
            audit.denied(caller, tenantId, "access.denied", resource.type().wire(), resource.id(), s);
            throw Failure.forbidden("permission_denied",
                    "no " + wanted.wire() + " right on this " + resource.type().wire());
        }
    }
}
