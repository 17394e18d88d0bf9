package io.channelhub.hub.web.auth;

import io.channelhub.hub.auth.ApiKey;
import io.channelhub.hub.auth.ApiKeyService;
import io.channelhub.hub.auth.CredentialCache;
import io.channelhub.hub.errors.ApiException;
import io.channelhub.hub.identity.Caller;
import io.channelhub.hub.tenancy.Tenant;
import io.channelhub.hub.tenancy.TenantRepository;
import io.channelhub.hub.tenancy.TenantStatus;
import io.dropwizard.auth.Authenticator;
import java.util.Optional;

/**
 * An API key's plaintext to its caller. A key that was presented but does not hold (unknown, revoked, expired, of a
 * deleted or suspended tenant) fails with its own code at once: a bad key never falls through to another scheme.
 */
final class ApiKeyAuthenticator implements Authenticator<String, Caller> {

    private final ApiKeyService keys;
    private final TenantRepository tenants;
    private final CredentialCache cache;

    ApiKeyAuthenticator(ApiKeyService keys, TenantRepository tenants, CredentialCache cache) {
        this.keys = keys;
        this.tenants = tenants;
        this.cache = cache;
    }

    @Override
    public Optional<Caller> authenticate(String plaintext) {
        ApiKeyService.Verification v = keys.verify(plaintext);
        if (v instanceof ApiKeyService.Verification.Invalid invalid) {
            throw ApiException.unauthorized(invalid.code(), invalid.message());
        }
        ApiKey key = ((ApiKeyService.Verification.Valid) v).key();
        if (key.tenantId() != null) {
            Optional<Tenant> tenant = cache.tenant(key.tenantId(), tenants::find);
            if (tenant.isEmpty()) {
                throw ApiException.unauthorized("invalid_api_key", "API key is not valid");
            }
            if (tenant.get().status() == TenantStatus.SUSPENDED) {
                throw ApiException.forbidden("tenant_suspended", "this tenant is suspended");
            }
        }
        return Optional.of(new Caller(key.id(), key.principalId(), key.tenantId(), key.role(), key.name()));
    }
}
