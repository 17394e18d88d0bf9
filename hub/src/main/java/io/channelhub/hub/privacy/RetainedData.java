package io.channelhub.hub.privacy;

import io.channelhub.plugin.privacy.RetentionDefaults.DataCategory;
import java.time.Instant;

/**
 * A data category kept outside the core's conversation tables (knowledge files, say), whose retention the owning
 * concern applies itself: deleting a file is more than deleting rows (its stores, every replica's index, the
 * tenant's storage counters), so {@link Retention} asks rather than sweeping the tables.
 */
public interface RetainedData {

    /** The category this applies to. */
    DataCategory category();

    /** How many items of the tenant's are older than {@code cutoff} (a dry run). */
    long count(String tenantId, Instant cutoff);

    /** Deletes the tenant's items older than {@code cutoff}; returns how many went. */
    long delete(String tenantId, Instant cutoff);
}
