package io.channelhub.plugin.knowledge;

import java.util.Objects;

/**
 * What to forget: a file in a store, a store, or a tenant.
 *
 * <pre>{@code
 * IndexScope.file("ten_1", "vs_1", "file_1"); IndexScope.store("ten_1", "vs_1"); IndexScope.tenant("ten_1");
 * }</pre>
 *
 * @param tenantId the tenant, always
 * @param storeId  the store; null: every store of the tenant
 * @param fileId   the file; null: every file of the store
 * @since 1.3.0
 */
public record IndexScope(String tenantId, String storeId, String fileId) {

    /** A file needs its store. */
    public IndexScope {
        Objects.requireNonNull(tenantId, "tenantId");
        if (fileId != null && storeId == null) {
            throw new IllegalArgumentException("a file scope needs its store");
        }
    }

    public static IndexScope file(String tenantId, String storeId, String fileId) {
        return new IndexScope(tenantId, storeId, Objects.requireNonNull(fileId, "fileId"));
    }

    public static IndexScope store(String tenantId, String storeId) {
        return new IndexScope(tenantId, Objects.requireNonNull(storeId, "storeId"), null);
    }

    public static IndexScope tenant(String tenantId) {
        return new IndexScope(tenantId, null, null);
    }
}
