package io.channelhub.hub.persistence;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * The mapper for JSON the hub wrote itself: columns, inbox and outbox payloads. It must read back whatever was
 * stored, so it has none of the request rules ({@code StrictJson}): text a channel delivered may hold a NUL or a
 * lone surrogate that the API would refuse from an integrator, and a row written by a newer replica during a
 * rolling upgrade may carry a field this one does not know yet. A read that failed on either would turn a stored
 * message into an event retried forever or a page that always answers 500.
 */
public final class StoredJson {

    private StoredJson() {
    }

    /** A copy of {@code base} (its modules and dates) that reads leniently; take it before request rules apply. */
    public static ObjectMapper of(ObjectMapper base) {
        ObjectMapper m = base.copy();
        m.disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);
        return m;
    }
}
