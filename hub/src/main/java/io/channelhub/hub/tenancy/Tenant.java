package io.channelhub.hub.tenancy;

import java.time.Instant;

/** A client company of the integrator; every tenant-owned row carries its id. */
public record Tenant(String id, String slug, String name, TenantStatus status, Instant createdAt, Instant updatedAt) {
}
