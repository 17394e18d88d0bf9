package io.channelhub.hub.plugins;

import io.channelhub.plugin.DocumentStore;
import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.Jdbi;

/**
 * The plugin document store: JSON documents private to one (tenant, plugin), each with a few indexed attributes
 * and the contact it concerns, so privacy export and erasure can reach plugin data without plugin code.
 */
public class PluginDocuments {

    private static final Pattern COLLECTION = Pattern.compile("[a-z][a-z0-9_.-]{0,63}");
    private static final Pattern ATTRIBUTE = Pattern.compile("[a-z][a-z0-9_]{0,63}");
    static final int MAX_ATTRIBUTES = 8;
    static final int MAX_BODY_CHARS = 1_000_000;

    private final Jdbi jdbi;
    private final Clock clock;

    public PluginDocuments(Jdbi jdbi, Clock clock) {
        this.jdbi = jdbi;
        this.clock = clock;
    }

    /** The store a plugin sees for one tenant. */
    public DocumentStore forPlugin(String tenantId, String pluginId) {
        return new DocumentStore() {
            @Override
            public void put(String collection, String key, String body, Map<String, String> attributes,
                            String contactExternalId) {
                check(collection, key);
                Map<String, String> attrs = attributes == null ? Map.of() : attributes;
                if (body == null || body.length() > MAX_BODY_CHARS) {
                    throw new IllegalArgumentException("a document body is 0 to " + MAX_BODY_CHARS + " characters");
                }
                if (attrs.size() > MAX_ATTRIBUTES) {
                    throw new IllegalArgumentException("at most " + MAX_ATTRIBUTES + " attributes per document");
                }
                attrs.forEach((n, v) -> {
                    if (!ATTRIBUTE.matcher(n).matches() || v == null || v.length() > 191) {
                        throw new IllegalArgumentException("attribute names are lower snake case, values 0 to 191 "
                                + "characters: " + n);
                    }
                });
                jdbi.useTransaction(h -> {
                    PluginDocuments.delete(h, tenantId, pluginId, collection, key);
                    h.createUpdate("INSERT INTO plugin_documents (tenant_id, plugin_id, collection, doc_key, body, "
                                    + "contact_external_id, updated_at) VALUES (:t, :p, :c, :k, :b, :x, :now)")
                            .bind("t", tenantId).bind("p", pluginId).bind("c", collection).bind("k", key)
                            .bind("b", body).bind("x", contactExternalId).bind("now", clock.instant()).execute();
                    for (var a : attrs.entrySet()) {
                        h.createUpdate("INSERT INTO plugin_document_attributes (tenant_id, plugin_id, collection, "
                                        + "doc_key, name, attr_value) VALUES (:t, :p, :c, :k, :n, :v)")
                                .bind("t", tenantId).bind("p", pluginId).bind("c", collection).bind("k", key)
                                .bind("n", a.getKey()).bind("v", a.getValue()).execute();
                    }
                });
            }

            @Override
            public Optional<Document> get(String collection, String key) {
                check(collection, key);
                return jdbi.withHandle(h -> h.createQuery("SELECT * FROM plugin_documents WHERE tenant_id = :t AND "
                                + "plugin_id = :p AND collection = :c AND doc_key = :k")
                        .bind("t", tenantId).bind("p", pluginId).bind("c", collection).bind("k", key)
                        .map((rs, ctx) -> new String[] {rs.getString("body"), rs.getString("contact_external_id")})
                        .findOne()
                        .map(r -> new Document(collection, key, r[0], attributes(h, collection, key), r[1])));
            }

            @Override
            public List<Document> find(String collection, String attribute, String value) {
                check(collection, "x");
                return jdbi.withHandle(h -> h.createQuery("SELECT d.doc_key, d.body, d.contact_external_id FROM "
                                + "plugin_document_attributes a JOIN plugin_documents d ON d.tenant_id = a.tenant_id "
                                + "AND d.plugin_id = a.plugin_id AND d.collection = a.collection AND d.doc_key = "
                                + "a.doc_key WHERE a.tenant_id = :t AND a.plugin_id = :p AND a.collection = :c AND "
                                + "a.name = :n AND a.attr_value = :v ORDER BY d.doc_key LIMIT 1000")
                        .bind("t", tenantId).bind("p", pluginId).bind("c", collection).bind("n", attribute)
                        .bind("v", value)
                        .map((rs, ctx) -> new String[] {rs.getString(1), rs.getString(2), rs.getString(3)}).list()
                        .stream().map(r -> new Document(collection, r[0], r[1], attributes(h, collection, r[0]), r[2]))
                        .toList());
            }

            @Override
            public boolean delete(String collection, String key) {
                check(collection, key);
                return jdbi.inTransaction(h -> PluginDocuments.delete(h, tenantId, pluginId, collection, key));
            }

            private Map<String, String> attributes(Handle h, String collection, String key) {
                Map<String, String> out = new LinkedHashMap<>();
                h.createQuery("SELECT name, attr_value FROM plugin_document_attributes WHERE tenant_id = :t AND "
                                + "plugin_id = :p AND collection = :c AND doc_key = :k ORDER BY name")
                        .bind("t", tenantId).bind("p", pluginId).bind("c", collection).bind("k", key)
                        .map((rs, ctx) -> Map.entry(rs.getString(1), rs.getString(2)))
                        .forEach(e -> out.put(e.getKey(), e.getValue()));
                return out;
            }
        };
    }

    private static boolean delete(Handle h, String tenantId, String pluginId, String collection, String key) {
        h.createUpdate("DELETE FROM plugin_document_attributes WHERE tenant_id = :t AND plugin_id = :p AND "
                        + "collection = :c AND doc_key = :k")
                .bind("t", tenantId).bind("p", pluginId).bind("c", collection).bind("k", key).execute();
        return h.createUpdate("DELETE FROM plugin_documents WHERE tenant_id = :t AND plugin_id = :p AND "
                        + "collection = :c AND doc_key = :k")
                .bind("t", tenantId).bind("p", pluginId).bind("c", collection).bind("k", key).execute() > 0;
    }

    private static void check(String collection, String key) {
        if (collection == null || !COLLECTION.matcher(collection).matches()) {
            throw new IllegalArgumentException("collection names are lower case, 1 to 64 characters: " + collection);
        }
        if (key == null || key.isEmpty() || key.length() > 191) {
            throw new IllegalArgumentException("document keys are 1 to 191 characters");
        }
    }
}
