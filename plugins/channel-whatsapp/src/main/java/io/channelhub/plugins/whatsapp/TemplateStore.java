package io.channelhub.plugins.whatsapp;

import io.channelhub.plugin.DocumentStore;
import io.channelhub.plugin.channel.MessageTemplate;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * The synchronised templates in the plugin store: collection {@code templates}, key
 * {@code <instance id>:<name>:<language>}, attributes {@code instance}, {@code name} and {@code status}; the body is
 * the template as Meta described it.
 */
final class TemplateStore {

    static final String COLLECTION = "templates";

    private TemplateStore() {
    }

    static String key(String instanceId, String name, String language) {
        return instanceId + ":" + name + ":" + language;
    }

    static Optional<MessageTemplate> find(DocumentStore store, String instanceId, String name, String language) {
        return store.get(COLLECTION, key(instanceId, name, language)).map(d -> fromJson(d.json()));
    }

    static List<MessageTemplate> all(DocumentStore store, String instanceId) {
        return store.find(COLLECTION, "instance", instanceId).stream().map(d -> fromJson(d.json())).toList();
    }

    /** Keeps exactly these templates for the instance: writes each, deletes the ones Meta no longer returns. */
    static void replace(DocumentStore store, String instanceId, List<MessageTemplate> templates) {
        Set<String> keep = templates.stream().map(t -> key(instanceId, t.name(), t.language()))
                .collect(Collectors.toSet());
        for (MessageTemplate t : templates) {
            Map<String, String> attributes = Map.of("instance", instanceId, "name", t.name(), "status",
                    String.valueOf(t.status()));
            store.put(COLLECTION, key(instanceId, t.name(), t.language()), toJson(t), attributes, null);
        }
        for (DocumentStore.Document d : store.find(COLLECTION, "instance", instanceId)) {
            if (!keep.contains(d.key())) {
                store.delete(COLLECTION, d.key());
            }
        }
    }

    /** A template of the Graph API's {@code message_templates} list; null when it lacks a name or language. */
    static MessageTemplate fromGraph(Map<String, Object> item) {
        String name = Json.text(item, "name").orElse(null);
        String language = Json.text(item, "language").orElse(null);
        if (name == null || language == null) {
            return null;
        }
        return new MessageTemplate(name, language, Json.text(item, "category").orElse(null),
                Json.text(item, "status").orElse(null), Json.write(Json.list(item, "components")));
    }

    static String toJson(MessageTemplate t) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("name", t.name());
        m.put("language", t.language());
        m.put("category", t.category());
        m.put("status", t.status());
        m.put("components", Json.asList(Json.any(t.componentsJson() == null ? "[]" : t.componentsJson())));
        return Json.write(m);
    }

    static MessageTemplate fromJson(String json) {
        Map<String, Object> m = Json.object(json);
        return new MessageTemplate(Json.text(m, "name").orElse(""), Json.text(m, "language").orElse(""),
                Json.text(m, "category").orElse(null), Json.text(m, "status").orElse(null),
                Json.write(Json.list(m, "components")));
    }
}
