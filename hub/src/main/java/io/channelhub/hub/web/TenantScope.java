package io.channelhub.hub.web;

/**
 * The tenant a request acts on, resolved once per request from the route it came in by and the verified caller
 * (see {@link TenantScopes}); a resource method takes it as {@code @Context TenantScope scope}. {@code tenantId} is
 * null only under the platform's own operator routes ({@code /admin/api-keys}, {@code /admin/audit}, ...).
 */
public record TenantScope(String tenantId) {

    public boolean isPlatform() {
        return tenantId == null;
    }
}
