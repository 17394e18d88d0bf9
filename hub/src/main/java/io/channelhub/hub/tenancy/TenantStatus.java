package io.channelhub.hub.tenancy;

import java.util.Locale;

/** A suspended tenant's keys get 403 {@code tenant_suspended} on every route until it is activated again. */
public enum TenantStatus {
    ACTIVE, SUSPENDED;

    public String wire() {
        return name().toLowerCase(Locale.ROOT);
    }

    public static TenantStatus fromWire(String s) {
        return valueOf(s.toUpperCase(Locale.ROOT));
    }
}
