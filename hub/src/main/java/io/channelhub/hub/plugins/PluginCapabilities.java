package io.channelhub.hub.plugins;

import io.channelhub.plugin.DocumentStore;
import io.channelhub.plugin.Metering;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.jar.JarFile;

/**
 * What a plugin's manifest says it uses, for the operator to see before and after an install, and for the hub to hold
 * it to where the hub mediates. One manifest entry, {@code Plugin-Capabilities}, lists them by kind:
 * <pre>{@code
 * Plugin-Capabilities: routes=/webhook; usage=acme.segments; tools=lookup_order; stores=templates,media_uploads;
 *     models=openai
 * }</pre>
 * {@code routes}: paths under the plugin's inbound routes ({@code /hooks/instances/<id><path>},
 * {@code /hooks/plugins/<plugin><path>}; {@code /} is the route itself); {@code usage}: the usage types it records
 * through {@code context.metering()}; {@code tools}: the function names its tool handlers answer; {@code stores}: the
 * collections of its document store; {@code models}: the model providers it calls through {@code context.models()}
 * (the tenant pays their tokens). Each is a comma-separated list, an item ending in {@code *} is a prefix, and a
 * kind left out means none; {@code none} declares that the plugin uses none of them.
 * <p>
 * A plugin without the entry was built before declarations existed: it runs unrestricted, shown as undeclared, unless
 * the operator requires declarations ({@code plugins.requireDeclaredCapabilities}).
 *
 * @param declared   whether the manifest has the entry
 * @param routes     routes it serves
 * @param usageTypes usage types it meters
 * @param tools      tools it answers
 * @param stores     document store collections it uses
 * @param models     model providers it calls
 */
public record PluginCapabilities(boolean declared, List<String> routes, List<String> usageTypes, List<String> tools,
                                 List<String> stores, List<String> models) {

    static final String ENTRY = "Plugin-Capabilities";
    private static final List<String> KINDS = List.of("routes", "usage", "tools", "stores", "models");

    /** A plugin that declares nothing: unrestricted. */
    public static final PluginCapabilities UNDECLARED = new PluginCapabilities(false, List.of(), List.of(), List.of(),
            List.of(), List.of());

    /** A plugin that may use nothing (one that is not running). */
    static final PluginCapabilities NOTHING = new PluginCapabilities(true, List.of(), List.of(), List.of(), List.of(),
            List.of());

    public PluginCapabilities {
        routes = List.copyOf(routes);
        usageTypes = List.copyOf(usageTypes);
        tools = List.copyOf(tools);
        stores = List.copyOf(stores);
        models = List.copyOf(models);
    }

    /** A manifest entry the hub cannot read: the plugin is refused with this reason. */
    static final class Malformed extends Exception {
        private static final long serialVersionUID = 1L;

        Malformed(String reason) {
            super(reason, null, false, false);
        }
    }

    /** The declarations of a plugin jar's manifest. */
    static PluginCapabilities of(Path jar) throws IOException, Malformed {
        try (JarFile file = new JarFile(jar.toFile(), false)) {
            return file.getManifest() == null ? UNDECLARED : of(file.getManifest().getMainAttributes().getValue(ENTRY));
        }
    }

    static PluginCapabilities of(String entry) throws Malformed {
        if (entry == null) {
            return UNDECLARED;
        }
        Map<String, List<String>> kinds = new java.util.HashMap<>();
        if (!entry.trim().equals("none")) {
            for (String part : entry.split(";")) {
                if (part.isBlank()) {
                    continue;
                }
                int eq = part.indexOf('=');
                String kind = eq < 0 ? part.trim() : part.substring(0, eq).trim();
                if (eq < 0 || !KINDS.contains(kind) || kinds.containsKey(kind)) {
                    throw new Malformed(ENTRY + ": '" + part.trim() + "' is not one of kind=item,item for a kind of "
                            + String.join(", ", KINDS) + ", each once");
                }
                kinds.put(kind, Arrays.stream(part.substring(eq + 1).split(",")).map(String::trim)
                        .filter(x -> !x.isEmpty()).distinct().toList());
            }
        }
        return new PluginCapabilities(true, kinds.getOrDefault("routes", List.of()),
                kinds.getOrDefault("usage", List.of()), kinds.getOrDefault("tools", List.of()),
                kinds.getOrDefault("stores", List.of()), kinds.getOrDefault("models", List.of()));
    }

    public boolean allowsRoute(String path) {
        return !declared || matches(routes, path == null || path.isEmpty() ? "/" : path);
    }

    public boolean allowsUsage(String usageType) {
        return !declared || matches(usageTypes, usageType);
    }

    public boolean allowsTool(String name) {
        return !declared || matches(tools, name);
    }

    public boolean allowsStore(String collection) {
        return !declared || matches(stores, collection);
    }

    /**
     * Model calls spend the tenant's tokens, and only a plugin built against 1.5.0 or later can make them: it must
     * declare the providers, so an undeclared plugin calls none.
     */
    public boolean allowsModels(String provider) {
        return declared && matches(models, provider);
    }

    private static boolean matches(List<String> patterns, String value) {
        if (value == null) {
            return false;
        }
        for (String p : patterns) {
            if (p.endsWith("*") ? value.startsWith(p.substring(0, p.length() - 1)) : p.equals(value)) {
                return true;
            }
        }
        return false;
    }

    /** The wire form the admin API shows; null for an undeclared plugin. */
    public Optional<Map<String, List<String>>> shown() {
        if (!declared) {
            return Optional.empty();
        }
        Map<String, List<String>> out = new java.util.LinkedHashMap<>();
        out.put("routes", routes);
        out.put("usage_types", usageTypes);
        out.put("tools", tools);
        out.put("stores", stores);
        out.put("models", models);
        return Optional.of(out);
    }

    /** {@code metering} refusing usage types the plugin did not declare. */
    Metering guard(Metering metering, String pluginId) {
        if (!declared) {
            return metering;
        }
        return (usageType, quantity, unit, idempotencyKey) -> {
            if (!allowsUsage(usageType)) {
                throw new IllegalArgumentException("plugin " + pluginId + " did not declare usage type '" + usageType
                        + "' (usage in " + ENTRY + " of its manifest)");
            }
            metering.record(usageType, quantity, unit, idempotencyKey);
        };
    }

    /** {@code store} refusing collections the plugin did not declare. */
    DocumentStore guard(DocumentStore store, String pluginId) {
        if (!declared) {
            return store;
        }
        return new DocumentStore() {
            private void check(String collection) {
                if (!allowsStore(collection)) {
                    throw new IllegalArgumentException("plugin " + pluginId + " did not declare store '" + collection
                            + "' (stores in " + ENTRY + " of its manifest)");
                }
            }

            @Override
            public void put(String collection, String key, String json, Map<String, String> attributes,
                            String contactExternalId) {
                check(collection);
                store.put(collection, key, json, attributes, contactExternalId);
            }

            @Override
            public Optional<Document> get(String collection, String key) {
                check(collection);
                return store.get(collection, key);
            }

            @Override
            public List<Document> find(String collection, String attribute, String value) {
                check(collection);
                return store.find(collection, attribute, value);
            }

            @Override
            public boolean delete(String collection, String key) {
                check(collection);
                return store.delete(collection, key);
            }
        };
    }

    /** {@code models} refusing providers the plugin did not declare (an undeclared plugin: every provider). */
    io.channelhub.plugin.Models guard(io.channelhub.plugin.Models models, String pluginId) {
        if (models == null) {
            return null;
        }
        return new io.channelhub.plugin.Models() {
            private void check(String provider) {
                if (!allowsModels(provider)) {
                    throw new IllegalArgumentException("plugin " + pluginId + " did not declare model provider '"
                            + provider + "' (models in " + ENTRY + " of its manifest)");
                }
            }

            @Override
            public io.channelhub.plugin.model.ModelReply complete(String provider,
                    io.channelhub.plugin.model.ModelRequest request) throws io.channelhub.plugin.model.ModelException {
                check(provider);
                return models.complete(provider, request);
            }

            @Override
            public boolean isDemo(String provider) {
                check(provider);
                return models.isDemo(provider);
            }
        };
    }
}
