package io.channelhub.plugin;

import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A document store private to one plugin and one tenant, for plugin-specific records (WhatsApp templates, gateway
 * customer ids). Documents are JSON text with a key and a few indexed attributes, and may be tagged with the
 * contact they concern, so privacy export and erasure reach them without plugin code.
 *
 * <pre>{@code
 * context.store().put("templates", "order_update:pt_BR", json, Map.of("status", "APPROVED"), null);
 * List<Document> approved = context.store().find("templates", "status", "APPROVED");
 * }</pre>
 */
public interface DocumentStore {

    /** Inserts or replaces a document. {@code contactExternalId} may be null. */
    void put(String collection, String key, String json, Map<String, String> attributes, String contactExternalId);

    /** The document of a key. */
    Optional<Document> get(String collection, String key);

    /** The documents whose attribute has the value. */
    List<Document> find(String collection, String attribute, String value);

    /** Deletes a document; returns whether it existed. */
    boolean delete(String collection, String key);

    /**
     * A stored document.
     *
     * @param collection        its collection
     * @param key               its key, unique in the collection
     * @param json              its body
     * @param attributes        its indexed attributes
     * @param contactExternalId the contact it concerns, or null
     */
    record Document(String collection, String key, String json, Map<String, String> attributes,
                    String contactExternalId) {
    }
}
