package io.channelhub.hub.identity;

import java.security.Principal;

/**
 * The verified identity behind a request: an API key, its principal (stable across rotations), its tenant (null
 * for platform keys) and role. Built only by the web layer's authentication filter from a verified credential.
 */
public record Caller(String keyId, String principalId, String tenantId, Role role, String keyName)
        implements Principal {

    @Override
    public String getName() {
        return keyId;
    }

    public boolean isSuperAdmin() {
        return role == Role.SUPER_ADMIN;
    }
}
